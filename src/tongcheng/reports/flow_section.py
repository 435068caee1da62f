"""The commuting-and-linkage section: a flow map and a delineation map, with rule sensitivity.

Shown when the project stores commuting flows (pair indicator ``commuters``). For the latest
period (sample counts where the period has them):

- a **flow map** — lines between the units' representative points, width proportional to
  the flow, the :data:`N_FLOWS` largest cross-unit flows, over the report's boundaries;
- a **delineation map** — every unit coloured by the metro it joins under the EU-OECD
  15 % rule (:data:`tongcheng.flows.OECD_FUA`) around the cores of the adopted plans, with
  the adopted plans' outlines drawn on top for comparison;
- a table of the members at each threshold of DOMAIN.md §3 (1.5–30 %) beside the plans'.

Everything is read from stored values; the page works offline (ECharts is vendored).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..flows.delineation import OECD_FUA, delineate, threshold_sensitivity
from ..flows.stored import od_from_observations
from . import _geo
from ._names import display_units
from .model import Section
from .sections import ReportContext, SectionProvider

if TYPE_CHECKING:
    from ..project import Project

__all__ = ["N_FLOWS", "FlowData", "flow_data", "flow_section", "flow_section_provider"]

N_FLOWS = 40
ORDER = 24  # after the region map and the one-hour circles
THRESHOLDS = (1.5, 5.0, 10.0, 15.0, 25.0, 30.0)
_MIN_WIDTH, _MAX_WIDTH = 1.0, 12.0


@dataclass
class FlowData:
    """What the section shows.

    Attributes
    ----------
    period, value_kind
        The flows' period and ``sample`` or ``expanded``.
    total
        Sum of the cross-unit flows of the period.
    flows
        The largest cross-unit flows: ``origin, destination, value`` (descending).
    points
        ``{code: [lon, lat]}`` of every unit of the OD table with coordinates.
    names
        ``{code: [name_zh, name_en]}``.
    cores
        ``{metro_code: core_code}`` of the adopted plans whose core is in the flows.
    delineated
        ``{unit: metro_code}`` under the OECD 15 % rule (cores included).
    plans
        ``{metro_code: [members]}`` of the adopted plans, and ``metro_names``.
    sensitivity
        :func:`~tongcheng.flows.threshold_sensitivity` at :data:`THRESHOLDS`.
    """

    period: str
    value_kind: str
    total: float
    flows: pd.DataFrame
    points: dict[str, list[float]]
    names: dict[str, list[str]]
    cores: dict[str, str]
    delineated: dict[str, str]
    plans: dict[str, list[str]]
    metro_names: dict[str, list[str]]
    sensitivity: pd.DataFrame


def flow_data(obs: pd.DataFrame, units: pd.DataFrame, memberships: pd.DataFrame, *,
              top: int = N_FLOWS) -> FlowData | None:
    """Build the section's data from a project's observations, units and memberships.

    Parameters
    ----------
    obs
        Store observations (the ``commuters`` pair rows are used).
    units
        Units indexed by code with ``name_zh``, ``name_en``, ``lon``, ``lat``.
    memberships
        Metro memberships (long form); the adopted plans give the cores and outlines.
    top
        Number of flows drawn.

    Returns
    -------
    FlowData or None
        ``None`` when no cross-unit commuting is stored.
    """
    od = od_from_observations(obs)
    if od is None:
        return None
    d = od.data
    cross = d[(d["origin"] != d["destination"]) & (d["value"] > 0)]
    if cross.empty:
        return None
    codes = sorted(set(d["origin"]) | set(d["destination"]))
    known = [c for c in codes if c in units.index and pd.notna(units.at[c, "lon"])]
    points = {c: [round(float(units.at[c, "lon"]), 4), round(float(units.at[c, "lat"]), 4)] for c in known}
    drawn = cross[cross["origin"].isin(points) & cross["destination"].isin(points)]
    drawn = drawn.sort_values(["value", "origin", "destination"], ascending=[False, True, True]).head(top)
    adopted = memberships[memberships["status"] == "adopted"]
    cores: dict[str, str] = {}
    for metro, group in adopted.groupby("metro_code", sort=True):
        core = group["core_code"].dropna().astype(str)
        if len(core) and core.iloc[0] in codes and core.iloc[0] not in cores.values():
            cores[str(metro)] = core.iloc[0]
    delineated: dict[str, str] = {}
    sensitivity = pd.DataFrame(columns=["threshold", "metro_code", "n_members", "members"])
    if cores:
        table = delineate(od, cores, rule=OECD_FUA)
        delineated = dict(zip(table["member_code"], table["metro_code"], strict=True))
        sensitivity = threshold_sensitivity(od, cores, thresholds=THRESHOLDS, rule=OECD_FUA)
    plans = {str(m): sorted(g["member_code"].astype(str)) for m, g in adopted.groupby("metro_code")}
    first = adopted.drop_duplicates("metro_code").set_index("metro_code")
    metro_names = {str(m): [str(r["name_zh"]), str(r["name_en"])] for m, r in first.iterrows()}
    names = {c: [str(units.at[c, "name_zh"]), str(units.at[c, "name_en"])] for c in known}
    return FlowData(period=str(d["period"].iloc[0]), value_kind=str(d["value_kind"].iloc[0]),
                    total=float(cross["value"].sum()),
                    flows=drawn[["origin", "destination", "value"]].reset_index(drop=True),
                    points=points, names=names, cores=cores, delineated=delineated, plans=plans,
                    metro_names=metro_names, sensitivity=sensitivity)


def line_widths(values: pd.Series) -> list[float]:
    """Return line widths proportional to the flows, the largest :data:`_MAX_WIDTH` px.

    Examples
    --------
    >>> line_widths(pd.Series([100.0, 50.0, 1.0]))
    [12.0, 6.0, 1.0]
    """
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return [_MIN_WIDTH] * len(values)
    return [round(max(_MIN_WIDTH, _MAX_WIDTH * float(v) / top), 2) for v in values]


def _payload(ctx: ReportContext, data: FlowData) -> dict[str, Any]:
    tolerance = 2 * _geo.default_tolerance(ctx.data.cities)
    outlines: dict[str, list[list[Any]]] = {}
    metros = ctx.data.metros
    if metros is not None and len(metros):
        for code, geom in zip(metros.index.astype(str), metros.geometry, strict=True):
            if code in data.plans:
                outlines[code] = _geo.outline_paths(geom, tolerance=tolerance)
    widths = line_widths(data.flows["value"])
    return {
        "period": data.period, "value_kind": data.value_kind, "names": data.names,
        "points": data.points,
        "flows": [[o, t, float(v), w] for (o, t, v), w in zip(
            data.flows[["origin", "destination", "value"]].itertuples(index=False), widths, strict=True)],
        "cores": data.cores, "delineated": data.delineated, "metros": data.metro_names,
        "outlines": outlines,
    }


def _sensitivity_rows(data: FlowData) -> list[dict[str, Any]]:
    rows = []
    for metro, core in data.cores.items():
        got = data.sensitivity[data.sensitivity["metro_code"] == metro].set_index("threshold")
        counts = [int(got.at[t, "n_members"]) if t in got.index else None for t in THRESHOLDS]
        plan = [m for m in data.plans.get(metro, []) if m != core]
        rows.append({"name": data.metro_names.get(metro, [metro, metro]), "counts": counts,
                     "plan": len(plan)})
    return rows


_TEMPLATE = """\
{% macro both(zh, en) -%}
<span class="l-zh" lang="zh-CN">{{ zh }}</span><span class="l-en" lang="en">{{ en }}</span>
{%- endmacro %}
{% macro tr(key) -%}{{ both(t(key, "zh"), t(key, "en")) }}{%- endmacro %}
<p class="tc-hint">{{ tr("flow.period") }}: {{ period }} · {{ tr("flow.value_kind") }}:
 {{ tr("flow.kind_" ~ kind) }} · {{ tr("flow.total") }}: {{ total | num(0) }}
 · {{ tr("flow.shown") }}: {{ shown }}</p>
<div id="tc-flow-map" class="tc-map"></div>
<noscript><p class="tc-empty">{{ t("report.noscript", "zh") }} /
 {{ t("report.noscript", "en") }}</p></noscript>
<p class="tc-hint">{{ tr("flow.map_hint") }}</p>
<h3>{{ tr("flow.delin_title") }}</h3>
{% if has_cores %}
<div id="tc-delin-map" class="tc-map"></div>
<p class="tc-hint">{{ tr("flow.delin_hint") }}</p>
<h3>{{ tr("flow.sens_title") }}</h3>
<div class="tc-table-wrap">
<table id="tc-table-flow-sensitivity" class="tc-table">
  <thead><tr><th scope="col">{{ tr("flow.metro") }}</th>
{% for th in thresholds %}    <th scope="col" data-kind="num">≥ {{ th }} %</th>
{% endfor %}    <th scope="col" data-kind="num">{{ tr("flow.adopted_members") }}</th></tr></thead>
  <tbody>
{% for r in rows %}    <tr><td>{{ both(r.name[0], r.name[1]) }}</td>
{% for c in r.counts %}      <td class="num">{{ c | num(0) }}</td>
{% endfor %}      <td class="num">{{ r.plan | num(0) }}</td></tr>
{% endfor %}  </tbody>
</table>
</div>
{% else %}
<p class="tc-empty">{{ tr("flow.no_core") }}</p>
{% endif %}
"""


def flow_section(ctx: ReportContext, *, data: FlowData) -> Section:
    """Build the commuting-and-linkage section (order :data:`ORDER`).

    Parameters
    ----------
    ctx
        Report context (its cities are the map's polygons, its metros the plans' outlines).
    data
        From :func:`flow_data`.
    """
    html = ctx.render_fragment(
        _TEMPLATE, period=data.period, kind=data.value_kind, total=data.total, shown=len(data.flows),
        has_cores=bool(data.cores), thresholds=[f"{t:g}" for t in THRESHOLDS],
        rows=_sensitivity_rows(data))
    script = files("tongcheng.reports").joinpath("static", "flow_section.js").read_text("utf-8")
    return Section("flows", ctx.t("flow.section", "zh"), ctx.t("flow.section", "en"), html=html,
                   order=ORDER, payload=_payload(ctx, data), script=script)


def flow_section_provider(project: Project) -> SectionProvider | None:
    """Return a provider of the commuting-and-linkage section, or ``None`` without flows.

    The store is read once, here; the provider only formats.
    """
    with project.store() as store:
        obs = store.observations(indicators=["commuters"], latest_vintage=True)
        units = display_units(store.units())
        memberships = store.metro_memberships()
    data = flow_data(obs, units, memberships)
    if data is None:
        return None

    def provider(ctx: ReportContext) -> Section:
        return flow_section(ctx, data=data)

    return provider
