"""Rule-based delineation of metropolitan areas from commuting flows (DOMAIN.md §3, S05).

Rules are data (:class:`Rule`): a threshold in percent, the direction of the commuting tie
(``out``: residents of the unit working in the core; ``in``: jobs of the unit held by
core residents; ``either``; ``eim``: the sum of both), whether the tie is measured to the
core or must be the unit's strongest tie, contiguity, enclave filling and multi-order
suburbs. The built-in rules reproduce the international standards; any threshold can be
used through ``dataclasses.replace(OECD_FUA, threshold=10)`` or a new :class:`Rule`.

Results have the shape of :func:`tongcheng.datasets.metro_memberships` (``metro_code,
version, name_zh, name_en, core_code, member_code, member_name, status, source_doc,
issued, source_url``), with status ``"derived"``, so they can be stored next to the
adopted plans and compared with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import Text
from .od import GROUP_COLUMNS, ODTable

__all__ = [
    "JAPAN_CENSUS",
    "JAPAN_UEA",
    "MEMBERSHIP_COLUMNS",
    "OECD_FUA",
    "OMB_CBSA",
    "OMB_CSA",
    "RULES",
    "Rule",
    "combine_metros",
    "delineate",
    "threshold_sensitivity",
    "unit_shares",
]

MEMBERSHIP_COLUMNS = ("metro_code", "version", "name_zh", "name_en", "core_code", "member_code",
                      "member_name", "status", "source_doc", "issued", "source_url")
Direction = Literal["out", "in", "either", "eim"]
_EPS = 1e-9  # shares are compared after this tolerance, so 30/200 counts as exactly 15 %
Adjacency: TypeAlias = Mapping[str, Iterable[str]] | pd.DataFrame


@dataclass(frozen=True)
class Rule:
    """One delineation rule.

    Attributes
    ----------
    code
        Short identifier used in versions and notes.
    threshold
        Minimum share in percent (a unit is in when its share ≥ threshold).
    direction
        ``"out"``: share of the unit's employed residents working in the core;
        ``"in"``: share of the unit's jobs held by core residents; ``"either"``: the
        larger of the two (OMB); ``"eim"``: their sum (OMB CSA).
    relative_to
        ``"core"``: the tie to the core counts; ``"strongest"``: it counts only when the
        core (or, for multi-order suburbs, a member) is the unit's largest destination.
    contiguity
        Drop members not connected to the core through members (exclaves); needs an
        adjacency input, otherwise the result notes "contiguity not checked".
    fill_enclaves
        Add units whose neighbours all belong to one metro (enclaves).
    multi_order
        Let units join through an existing member (suburbs of suburbs).
    name
        What the rule is, in words.
    citation
        Published source.
    """

    code: str
    threshold: float
    direction: Direction = "out"
    relative_to: Literal["core", "strongest"] = "core"
    contiguity: bool = False
    fill_enclaves: bool = False
    multi_order: bool = False
    name: str = ""
    citation: str = ""

    def __post_init__(self) -> None:
        if self.direction not in ("out", "in", "either", "eim"):
            msg = f"direction is {self.direction!r}; expected 'out', 'in', 'either' or 'eim'"
            raise DataError(msg)
        if self.relative_to not in ("core", "strongest"):
            msg = f"relative_to is {self.relative_to!r}; expected 'core' or 'strongest'"
            raise DataError(msg)
        if not 0 <= self.threshold <= 200:
            msg = f"threshold is {self.threshold}; expected a percentage (0–100, up to 200 for EIM)"
            raise DataError(msg)

    def score(self, out_share: float | np.ndarray, in_share: float | np.ndarray) -> np.ndarray:
        """Return the tie the rule tests, from the two directional shares (percent)."""
        o, i = np.asarray(out_share, dtype=float), np.asarray(in_share, dtype=float)
        return {"out": o, "in": i, "either": np.fmax(o, i), "eim": o + i}[self.direction]

    def qualifies(self, *, out_share: float = 0.0, in_share: float = 0.0) -> bool:
        """Return whether a unit with these shares (percent) passes the threshold.

        Examples
        --------
        >>> OECD_FUA.qualifies(out_share=14.9), OECD_FUA.qualifies(out_share=15.0)
        (False, True)
        >>> OMB_CBSA.qualifies(out_share=20, in_share=26)
        True
        >>> OMB_CSA.qualifies(out_share=9, in_share=7)
        True
        """
        return bool(self.score(out_share, in_share) >= self.threshold - _EPS)

    def describe(self, lang: str = "en") -> str:
        """Return the rule in one line (the English one is used in ``source_doc``).

        Parameters
        ----------
        lang
            ``"en"`` or ``"zh"``.
        """
        if lang == "zh":
            what_zh = {"out": "的就业居民通勤到{tie}", "in": "的就业岗位由{tie}的居民担任",
                       "either": "的就业居民通勤到{tie},或就业岗位由{tie}的居民担任",
                       "eim": "与{tie}的就业交换(流出 + 流入比例)"}[self.direction]
            tie_zh = "核心" if self.relative_to == "core" else "联系最强的核心"
            extra_zh = [w for w, on in (("须相邻", self.contiguity), ("填补飞地", self.fill_enclaves),
                                        ("多级", self.multi_order)) if on]
            tail_zh = f"({', '.join(extra_zh)})" if extra_zh else ""
            return f"规则 {self.code}: ≥ {self.threshold:g} % {what_zh.format(tie=tie_zh)}{tail_zh}"
        what = {"out": "of employed residents commute to", "in": "of jobs are held by residents of",
                "either": "of employed residents commute to, or of jobs are held by residents of",
                "eim": "employment interchange (out + in shares) with"}[self.direction]
        tie = "the core" if self.relative_to == "core" else "the core as strongest tie"
        extra = [w for w, on in (("contiguous", self.contiguity), ("enclaves filled", self.fill_enclaves),
                                 ("multi-order", self.multi_order)) if on]
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"rule {self.code}: ≥ {self.threshold:g} % {what} {tie}{tail}"


OECD_FUA = Rule("oecd_fua", 15.0, "out", contiguity=True, fill_enclaves=True,
                name="EU-OECD functional urban area: commuting zone",
                citation="Dijkstra, Poelman & Veneri (2019) The EU-OECD definition of a functional "
                         "urban area, OECD Regional Development Working Papers 2019/11")
OMB_CBSA = Rule("omb_cbsa", 25.0, "either", contiguity=True,
                name="US OMB core-based statistical area: outlying county",
                citation="OMB (2010) 2010 Standards for Delineating Metropolitan and Micropolitan "
                         "Statistical Areas, Federal Register 75(123): 37246–37252")
OMB_CSA = Rule("omb_csa", 15.0, "eim", name="US OMB combined statistical area (EIM ≥ 15)",
               citation=OMB_CBSA.citation)
JAPAN_UEA = Rule("japan_uea", 10.0, "out", relative_to="core", multi_order=True,
                 name="Japan urban employment area (都市雇用圏): suburbs and multi-order suburbs",
                 citation="Kanemoto & Tokuoka (2002) 日本の都市圏設定基準, 応用地域学研究 7: 1–15")
JAPAN_CENSUS = Rule("japan_census", 1.5, "out",
                    name="Japan census metropolitan area (1.5 % 都市圏)",
                    citation="総務省統計局 国勢調査 大都市圏・都市圏 (commuting/schooling ≥ 1.5 %)")
RULES: dict[str, Rule] = {r.code: r for r in (OECD_FUA, OMB_CBSA, OMB_CSA, JAPAN_UEA, JAPAN_CENSUS)}


# --------------------------------------------------------------------------- inputs
def _one_slice(od: ODTable) -> tuple[pd.DataFrame, str]:
    d = od.data
    mixed = [c for c in GROUP_COLUMNS if d[c].nunique() > 1]
    if mixed:
        msg = Text(f"OD 表混合了多个 {'、'.join(mixed)};请一次划定一种(od.select("
                   "period=..., value_kind=...))",
                   f"the OD table mixes several {', '.join(mixed)}; delineate one at a time "
                   "(od.select(period=..., value_kind=...))")
        raise DataError(msg)
    if d.empty:
        msg = Text("OD 表为空",
                   "the OD table is empty")
        raise DataError(msg)
    label = " ".join(str(d[c].iloc[0]) for c in GROUP_COLUMNS)
    return od.to_matrix(), label


def _core_sets(cores: Mapping[str, str | Sequence[str]], units: Sequence[str]) -> dict[str, list[str]]:
    out = {}
    for metro, core in cores.items():
        codes = [core] if isinstance(core, str) else [str(c) for c in core]
        missing = [c for c in codes if c not in units]
        if missing or not codes:
            msg = Text(f"都市圈 {metro!r} 的核心单元 {missing or codes} 在 OD 表中没有流量",
                       f"core unit(s) {missing or codes} of metro {metro!r} have no flows in the OD table")
            raise DataError(msg)
        out[str(metro)] = codes
    return out


def _neighbours(adjacency: Adjacency | None) -> dict[str, set[str]] | None:
    if adjacency is None:
        return None
    nb: dict[str, set[str]] = {}
    if isinstance(adjacency, pd.DataFrame):
        if not {"focal", "neighbor"} <= set(adjacency.columns):
            msg = Text("相邻关系表需要 'focal' 和 'neighbor' 两列(libpysal Graph 格式)",
                       "an adjacency table needs the columns 'focal' and 'neighbor' (libpysal Graph style)")
            raise DataError(msg)
        pairs: Iterable[tuple[str, str]] = zip(adjacency["focal"].astype(str),
                                               adjacency["neighbor"].astype(str), strict=True)
    else:
        pairs = ((str(a), str(b)) for a, bs in adjacency.items() for b in bs)
    for a, b in pairs:
        if a != b:
            nb.setdefault(a, set()).add(b)
            nb.setdefault(b, set()).add(a)
    return nb


def unit_shares(od: ODTable, cores: Mapping[str, str | Sequence[str]], *,
                employed_residents: pd.Series | None = None,
                employment: pd.Series | None = None) -> pd.DataFrame:
    r"""Directional commuting shares of every unit towards every metro core.

    .. math::

        s^{\mathrm{out}}_{im} = 100 \frac{\sum_{c \in K_m} T_{ic}}{E_i}, \qquad
        s^{\mathrm{in}}_{im} = 100 \frac{\sum_{c \in K_m} T_{ci}}{W_i}

    Returns
    -------
    pandas.DataFrame
        ``unit, metro_code, out_share, in_share, eim, strongest_out, strongest_in`` where the
        last two are the unit's largest destination and largest origin (itself excluded).
    """
    mat, _ = _one_slice(od)
    units = list(mat.index)
    core_sets = _core_sets(cores, units)
    t = mat.to_numpy(dtype=float)
    e = (employed_residents.reindex(units).to_numpy(dtype=float) if employed_residents is not None
         else t.sum(axis=1))
    w = employment.reindex(units).to_numpy(dtype=float) if employment is not None else t.sum(axis=0)
    off = t.copy()
    np.fill_diagonal(off, -np.inf)
    strongest_out = np.array(units, dtype=object)[off.argmax(axis=1)]
    strongest_in = np.array(units, dtype=object)[off.argmax(axis=0)]
    rows = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for metro, codes in core_sets.items():
            idx = [units.index(c) for c in codes]
            out_share = 100 * t[:, idx].sum(axis=1) / e
            in_share = 100 * t[idx, :].sum(axis=0) / w
            rows.append(pd.DataFrame({"unit": units, "metro_code": metro, "out_share": out_share,
                                      "in_share": in_share, "eim": out_share + in_share,
                                      "strongest_out": strongest_out, "strongest_in": strongest_in}))
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- engine
def _select(mat: pd.DataFrame, core_sets: dict[str, list[str]], rule: Rule, e: np.ndarray,
            w: np.ndarray) -> dict[str, dict[str, int]]:
    """Return ``{metro: {unit: order}}`` (order 0 = core, 1 = suburb, 2+ = multi-order)."""
    units = list(mat.index)
    pos = {u: k for k, u in enumerate(units)}
    t = mat.to_numpy(dtype=float)
    off = t.copy()
    np.fill_diagonal(off, -np.inf)
    top_out, top_in = off.argmax(axis=1), off.argmax(axis=0)
    members = {m: {c: 0 for c in codes} for m, codes in core_sets.items()}
    taken = {c for codes in core_sets.values() for c in codes}
    order = 1
    targets = {m: [pos[c] for c in codes] for m, codes in core_sets.items()}
    while True:
        best: dict[str, tuple[float, str]] = {}
        with np.errstate(divide="ignore", invalid="ignore"):
            for m, idx in targets.items():
                groups = [idx] if order == 1 else [[k] for k in idx]
                for grp in groups:
                    s = rule.score(100 * t[:, grp].sum(axis=1) / e, 100 * t[grp, :].sum(axis=0) / w)
                    ok = np.nan_to_num(s, nan=-1.0) >= rule.threshold - _EPS
                    if rule.relative_to == "strongest":
                        tie = np.isin(top_out, grp) if rule.direction == "out" else (
                            np.isin(top_in, grp) if rule.direction == "in"
                            else np.isin(top_out, grp) | np.isin(top_in, grp))
                        ok &= tie
                    for k in np.flatnonzero(ok):
                        u = units[k]
                        if u not in taken and (u not in best or s[k] > best[u][0]):
                            best[u] = (float(s[k]), m)
        if not best:
            break
        new_targets: dict[str, list[int]] = {m: [] for m in members}
        for u, (_, m) in best.items():
            members[m][u] = order
            taken.add(u)
            new_targets[m].append(pos[u])
        if not rule.multi_order:
            break
        targets = {m: v for m, v in new_targets.items() if v}
        order += 1
    return members


def _apply_contiguity(members: dict[str, dict[str, int]], rule: Rule,
                      nb: dict[str, set[str]] | None) -> None:
    if nb is None:
        return
    if rule.contiguity:  # drop exclaves: members not reachable from the core through members
        for chosen in members.values():
            start = [u for u, o in chosen.items() if o == 0]
            seen, stack = set(start), list(start)
            while stack:
                for v in nb.get(stack.pop(), ()):
                    if v in chosen and v not in seen:
                        seen.add(v)
                        stack.append(v)
            for u in [u for u in chosen if u not in seen]:
                del chosen[u]
    if rule.fill_enclaves:  # add units entirely surrounded by one metro
        owner = {u: m for m, chosen in members.items() for u in chosen}
        for u, around in nb.items():
            if u in owner or not around:
                continue
            metros = {owner.get(v) for v in around}
            if len(metros) == 1 and None not in metros:
                members[metros.pop()][u] = 1  # type: ignore[index]


def _memberships(  # noqa: PLR0913
        members: dict[str, dict[str, int]], core_sets: dict[str, list[str]], *, version: str,
                 names: Mapping[str, tuple[str, str]] | None, unit_names: Mapping[str, str] | None,
                 source_doc: str, issued: str, source_url: str, status: str) -> pd.DataFrame:
    rows = []
    for metro, chosen in members.items():
        zh, en = (names or {}).get(metro, (metro, metro))
        for unit, order in sorted(chosen.items(), key=lambda kv: (kv[1], kv[0])):
            rows.append({"metro_code": metro, "version": version, "name_zh": zh, "name_en": en,
                         "core_code": core_sets[metro][0], "member_code": unit,
                         "member_name": (unit_names or {}).get(unit, ""), "status": status,
                         "source_doc": source_doc + (f"; order {order}" if order > 1 else ""),
                         "issued": issued, "source_url": source_url})
    return pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))


def delineate(  # noqa: PLR0913  (options are keyword-only)
        od: ODTable, cores: Mapping[str, str | Sequence[str]], *, rule: Rule = OECD_FUA,
              adjacency: Adjacency | None = None, version: str | None = None,
              names: Mapping[str, tuple[str, str]] | None = None,
              unit_names: Mapping[str, str] | None = None, employed_residents: pd.Series | None = None,
              employment: pd.Series | None = None, issued: str = "", source_url: str = "",
              status: str = "derived") -> pd.DataFrame:
    r"""Delineate metropolitan areas around given cores by a commuting rule.

    A non-core unit *i* joins metro *m* when

    .. math:: f\bigl(s^{\mathrm{out}}_{im}, s^{\mathrm{in}}_{im}\bigr) \ge \theta

    with *f* the rule's direction (``out``, ``in``, ``either`` = max, ``eim`` = sum) and
    θ its threshold; a unit that qualifies for several metros joins the one with the
    strongest tie (OMB 2010). Then exclaves are dropped and enclaves added when the rule
    asks for it and ``adjacency`` is given (Dijkstra, Poelman & Veneri 2019).

    Parameters
    ----------
    od
        Commuting flows of one period and one value kind (``od.select(...)``).
    cores
        ``{metro_code: core unit code(s)}``.
    rule
        A :class:`Rule`; default :data:`OECD_FUA`.
    adjacency
        Neighbours as ``{unit: [units]}`` or a frame with ``focal, neighbor``.
    version
        Version label (default ``"<rule code>-<period>"``).
    names, unit_names
        ``{metro_code: (name_zh, name_en)}`` and ``{unit: name}`` for the output.
    employed_residents, employment
        Per-unit totals when the OD table is incomplete (default: row / column sums).
    issued, source_url, status
        Copied to every output row.

    Returns
    -------
    pandas.DataFrame
        Metro memberships (cores included as members), columns :data:`MEMBERSHIP_COLUMNS`.
    """
    mat, label = _one_slice(od)
    units = list(mat.index)
    core_sets = _core_sets(cores, units)
    t = mat.to_numpy(dtype=float)
    e = (employed_residents.reindex(units).to_numpy(dtype=float) if employed_residents is not None
         else t.sum(axis=1))
    w = employment.reindex(units).to_numpy(dtype=float) if employment is not None else t.sum(axis=0)
    members = _select(mat, core_sets, rule, e, w)
    nb = _neighbours(adjacency)
    _apply_contiguity(members, rule, nb)
    note = f"tongcheng delineation, {rule.describe()}; OD {label}"
    if (rule.contiguity or rule.fill_enclaves) and nb is None:
        note += "; contiguity not checked (no adjacency given)"
    period = str(od.data["period"].iloc[0])
    return _memberships(members, core_sets, version=version or f"{rule.code}-{period}", names=names,
                        unit_names=unit_names, source_doc=note, issued=issued, source_url=source_url,
                        status=status)


def combine_metros(od: ODTable, memberships: pd.DataFrame, *, rule: Rule = OMB_CSA,
                   adjacency: Adjacency | None = None, version: str | None = None) -> pd.DataFrame:
    r"""Combine metros whose employment interchange passes the rule (OMB CSA).

    For each pair of metros, with *S* the one with fewer employed residents and *L* the other,

    .. math:: \mathrm{EIM}_{SL} = 100 \frac{T_{SL}}{E_S} + 100 \frac{T_{LS}}{W_S} \ge 15

    combines them (transitively). With ``adjacency`` the two must also touch.

    Returns
    -------
    pandas.DataFrame
        Memberships of the combined areas only (code ``"C:" + joined metro codes``), core =
        core of the largest metro; columns :data:`MEMBERSHIP_COLUMNS`.
    """
    mat, label = _one_slice(od)
    t = mat.to_numpy(dtype=float)
    units = list(mat.index)
    pos = {u: k for k, u in enumerate(units)}
    e, w = t.sum(axis=1), t.sum(axis=0)
    groups = {m: [pos[u] for u in g["member_code"] if u in pos]
              for m, g in memberships.groupby("metro_code", sort=True)}
    nb = _neighbours(adjacency)
    parent = {m: m for m in groups}

    def find(m: str) -> str:
        while parent[m] != m:
            m = parent[m]
        return m

    codes = sorted(groups)
    for a_i, a in enumerate(codes):
        for b in codes[a_i + 1:]:
            small, large = sorted((a, b), key=lambda m: (e[groups[m]].sum(), m))
            s_idx, l_idx = groups[small], groups[large]
            if not s_idx or not l_idx:
                continue
            out_share = 100 * t[np.ix_(s_idx, l_idx)].sum() / e[s_idx].sum()
            in_share = 100 * t[np.ix_(l_idx, s_idx)].sum() / w[s_idx].sum()
            if not rule.qualifies(out_share=out_share, in_share=in_share):
                continue
            if nb is not None:
                a_units = {units[k] for k in groups[a]}
                if not any(nb.get(units[k], set()) & a_units for k in groups[b]):
                    continue
            parent[find(small)] = find(large)
    combined: dict[str, list[str]] = {}
    for m in codes:
        combined.setdefault(find(m), []).append(m)
    rows = []
    for root, parts in combined.items():
        if len(parts) < 2:
            continue
        code = "C:" + "+".join(sorted(parts))
        core = memberships.loc[memberships["metro_code"] == root, "core_code"].iloc[0]
        for _, r in memberships[memberships["metro_code"].isin(parts)].iterrows():
            rows.append({**r.to_dict(), "metro_code": code, "core_code": core,
                         "version": version or f"{rule.code}-{od.data['period'].iloc[0]}",
                         "name_zh": code, "name_en": code, "status": "derived",
                         "source_doc": f"tongcheng combination, {rule.describe()}; OD {label}"})
    return pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))


def threshold_sensitivity(od: ODTable, cores: Mapping[str, str | Sequence[str]], *,
                          thresholds: Sequence[float] = (1.5, 5, 10, 15, 25, 30),
                          rule: Rule = OECD_FUA, adjacency: Adjacency | None = None,
                          population: pd.Series | None = None) -> pd.DataFrame:
    """Delineate at each threshold and tabulate members (and population) per metro.

    The other settings of ``rule`` (direction, contiguity, …) are kept; only the
    threshold changes. The thresholds of DOMAIN.md §3 (1.5, 5, 10, 15, 25, 30 %) are
    the default.

    Returns
    -------
    pandas.DataFrame
        ``threshold, metro_code, n_members`` (core excluded), ``members`` (``;``-joined)
        and ``population`` (core included; NaN without ``population``).
    """
    from dataclasses import replace

    rows = []
    for theta in thresholds:
        table = delineate(od, cores, rule=replace(rule, threshold=float(theta)), adjacency=adjacency)
        for metro in cores:
            got = table[table["metro_code"] == str(metro)]
            outer = sorted(set(got["member_code"]) - set(got["core_code"]))
            pop = (float(population.reindex(got["member_code"]).sum()) if population is not None
                   else np.nan)
            rows.append({"threshold": float(theta), "metro_code": str(metro), "n_members": len(outer),
                         "members": ";".join(outer), "population": pop})
    return pd.DataFrame(rows)
