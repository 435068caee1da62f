"""`tongcheng flows …`: OD tables, delineation, gravity/PPML, border effects, industry and market."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from .._text import Text
from ._common import LANG, UserFile, _lang_of, handle_errors
from ._messages import msg

_TABLE_SUFFIXES = {".csv", ".parquet"}
_RULES = {"oecd": "oecd_fua", "omb": "omb_cbsa", "japan_uea": "japan_uea",
          "japan_census": "japan_census", "custom": None}
_DEFAULT_THRESHOLDS = "1.5,5,10,15,25,30"

_OUT = click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="File to write: .csv or .parquet. 输出文件(.csv 或 .parquet)。")
_CORES = click.option("--cores", "cores_spec", required=True,
                      help="Core unit codes separated by commas; METRO=CODE names the metro, "
                           "METRO=A+B gives a metro several cores, e.g. 310000,sz=320500. "
                           "核心单元代码(逗号分隔)。")
_RULE = click.option("--rule", "rule_name", type=click.Choice(list(_RULES)), default="oecd",
                     show_default=True,
                     help="oecd: ≥ 15 % out; omb: ≥ 25 % either way; japan_uea: 10 % out, multi-order; "
                          "japan_census: 1.5 % out; custom: give --threshold. 划定规则。")
_THRESHOLD = click.option("--threshold", type=click.FloatRange(min=0, max=200), default=None,
                          help="Threshold in percent, replacing the rule's. 阈值(%)。")
_DIRECTION = click.option("--direction", type=click.Choice(["out", "in", "either"]), default=None,
                          help="out: residents working in the core; in: jobs held by core residents; "
                               "either: the larger (default: the rule's; custom: out). 通勤方向。")
_ADJACENCY = click.option("--adjacency", "adjacency_path", default=None,
                          type=UserFile(),
                          help="Neighbours as a table with columns focal, neighbor (.csv or .parquet), "
                               "for contiguity and enclaves. 相邻关系表。")
_PERIOD = click.option("--period", default=None,
                       help="Period to use; fills the column when the file has none. 时期。")
_VALUE_KIND = click.option("--value-kind", type=click.Choice(["sample", "expanded"]), default=None,
                           help="sample or expanded flows; fills the column when the file has none. "
                                "样本量或扩样量。")


def _check_suffix(path: Path, lang: str, option: str = "--out") -> None:
    from .network import _check_suffix as check

    check(path, _TABLE_SUFFIXES, lang, option)


def _read_table(path: Path, what: Text) -> pd.DataFrame:
    """Read a .csv/.parquet table a person gave (missing, empty, not UTF-8, damaged: located)."""
    from ..io.files import read_frame

    return read_frame(path, what=what)


def _lang(lang: str | None, project_dir: Path | None = None) -> str:
    return _lang_of({"lang": lang, "project_dir": project_dir})


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")


def _read_od(path: Path, period: str | None, value_kind: str | None) -> Any:
    """Read an OD table (file, row and column named on error) and select one slice."""
    from ..flows import ODTable

    od = ODTable.read(path, period=period, kind="commuting", value_kind=value_kind)
    return od.select(period=period, value_kind=value_kind)


def _stored_od(project_dir: Path | None, period: str | None, lang: str) -> Any:
    """Return the commuters stored in a project (one period) as an ODTable."""
    from ..flows import od_from_observations
    from ..project import Project

    if project_dir is None:
        raise click.UsageError(msg("nf_no_od", lang))
    with Project.open(project_dir).store() as store:
        od = od_from_observations(store.observations(latest_vintage=True), period=period)
    if od is None:
        when = (("" if not period else f" {period} 年的") if lang == "zh"
                else ("" if not period else f" for period {period}"))
        raise click.UsageError(msg("nf_no_commuters", lang, when=when, project=project_dir))
    return od


def _cores(spec: str, lang: str) -> dict[str, list[str]]:
    cores: dict[str, list[str]] = {}
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        metro, _, codes = item.rpartition("=")
        units = [c.strip() for c in codes.split("+") if c.strip()]
        if not units:
            raise click.BadParameter(msg("nf_cores", lang, value=item), param_hint="--cores")
        cores[metro.strip() or units[0]] = units
    if not cores:
        raise click.BadParameter(msg("nf_cores", lang, value=spec), param_hint="--cores")
    return cores


def _rule(name: str, threshold: float | None, direction: str | None, lang: str) -> Any:
    from dataclasses import replace

    from ..flows import RULES, Rule

    code = _RULES[name]
    if code is None:
        if threshold is None:
            raise click.UsageError(msg("nf_custom", lang))
        return Rule("custom", threshold, direction or "out", name="custom threshold")  # type: ignore[arg-type]
    rule = RULES[code]
    changes: dict[str, Any] = {}
    if threshold is not None:
        changes["threshold"] = threshold
    if direction is not None:
        changes["direction"] = direction
    return replace(rule, **changes) if changes else rule


def _store(project_dir: Path, table: pd.DataFrame, lang: str) -> None:
    from ..flows import store_delineation
    from ..project import Project

    with Project.open(project_dir).store() as store:
        stored = store_delineation(store, table)
    for code in dict.fromkeys(stored["metro_code"]):
        click.echo(msg("nf_stored_metro", lang, code=code))


_ADJACENCY_FILE = Text("相邻关系表(focal、neighbor 两列)", "a neighbours table (columns focal, neighbor)")


def _adjacency(path: Path | None) -> pd.DataFrame | None:
    return None if path is None else _read_table(path, _ADJACENCY_FILE)


def _numbers(value: str, lang: str) -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        numbers = []
    if not numbers or any(n < 0 for n in numbers):
        raise click.BadParameter(msg("nf_thresholds", lang, example=_DEFAULT_THRESHOLDS, value=value),
                                 param_hint="--thresholds")
    return numbers


@click.group()
def flows() -> None:
    """Flows between units: OD tables, delineation, gravity models. 流量、都市圈划定与引力模型。

    OD files are long tables origin, destination, value (plus period, kind,
    value_kind) in CSV (UTF-8), Parquet or Excel; build them from trip records
    with `tongcheng flows aggregate`.
    """


@flows.command("aggregate")
@click.argument("records")
@_OUT
@click.option("--backend", type=click.Choice(["duckdb", "pandas", "spark"]), default="duckdb",
              show_default=True, help="Engine: DuckDB in process, pandas, or Apache Spark. 计算引擎。")
@click.option("--origin", default="home_unit", show_default=True, help="Home-unit column. 居住地列。")
@click.option("--destination", default="work_unit", show_default=True, help="Work-unit column. 工作地列。")
@click.option("--person", default="id", show_default=True, help="Person-id column. 人员编号列。")
@click.option("--date", default="date", show_default=True, help="Date column (gives the year). 日期列。")
@click.option("--count", type=click.Choice(["distinct", "records"]), default="distinct", show_default=True,
              help="distinct: people; records: person-days. 计人数或记录数。")
@_PERIOD
@LANG
@handle_errors
def aggregate_cmd(records: str, out_path: Path, backend: str, origin: str,  # noqa: PLR0913, PLR0917
                  destination: str, person: str, date: str, count: str, period: str | None,
                  lang: str | None) -> None:
    """Aggregate trip records to an OD table. 由出行记录汇总 OD 表。

    RECORDS is a Parquet or CSV file, a folder of Parquet files or a glob such as
    'trips/*.parquet' (quote it). One row per origin, destination and year.
    """
    from ..flows import aggregate_trips

    lang = _lang(lang)
    _check_suffix(out_path, lang)
    try:
        od = aggregate_trips(records, backend=backend, origin=origin, destination=destination,  # type: ignore[arg-type]
                             person=person, date=date, count=count, period=period)  # type: ignore[arg-type]
    except ImportError as exc:
        raise click.ClickException(str(exc)) from exc
    _write_table(od.data, out_path)
    periods = ", ".join(sorted(od.data["period"].unique()))
    click.echo(msg("nf_aggregate_done", lang, n=f"{len(od):,}", periods=periods,
                   total=f"{od.data['value'].sum():,.0f}", count=count, backend=backend))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("delineate")
@click.argument("od_path", metavar="[OD]", required=False,
                type=UserFile())
@_CORES
@_RULE
@_THRESHOLD
@_DIRECTION
@_ADJACENCY
@_PERIOD
@_VALUE_KIND
@_OUT
@click.option("--project", "project_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Also store the areas in this project as metros <metro>@<version> (status draft, "
                   "source 'tongcheng delineation'); adopted plans are never replaced. "
                   "同时存入项目(新的都市圈版本)。")
@LANG
@handle_errors
def delineate_cmd(od_path: Path, cores_spec: str, rule_name: str, threshold: float | None,  # noqa: PLR0913, PLR0917
                  direction: str | None, adjacency_path: Path | None, period: str | None,
                  value_kind: str | None, out_path: Path, project_dir: Path | None,
                  lang: str | None) -> None:
    """Delineate metropolitan areas by a commuting rule. 按通勤规则划定都市圈。

    Writes memberships in the metro_memberships layout (status 'derived'), cores
    included, and prints the members of each core. With --project the areas are
    stored too, beside the adopted plans, for indicators and the report; without
    OD the project's imported commuters are used (不给 OD 文件时使用项目中已导入的通勤数据).
    """
    from ..flows import delineate

    lang = _lang(lang, project_dir)
    _check_suffix(out_path, lang)
    rule = _rule(rule_name, threshold, direction, lang)
    adjacency = _adjacency(adjacency_path)
    od = _read_od(od_path, period, value_kind) if od_path else _stored_od(project_dir, period, lang)
    table = delineate(od, _cores(cores_spec, lang), rule=rule, adjacency=adjacency)
    _write_table(table, out_path)
    if project_dir is not None:
        _store(project_dir, table, lang)
    click.echo(rule.describe(lang))
    for metro, group in table.groupby("metro_code", sort=False):
        outer = [m for m in group["member_code"] if m != group["core_code"].iloc[0]]
        click.echo(msg("nf_members", lang, metro=metro, core=group["core_code"].iloc[0], n=len(outer))
                   + (f": {', '.join(outer)}" if outer else ""))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("sensitivity")
@click.argument("od_path", metavar="OD", type=UserFile())
@_CORES
@click.option("--thresholds", default=_DEFAULT_THRESHOLDS, show_default=True,
              help="Thresholds in percent, separated by commas. 阈值(%,逗号分隔)。")
@_RULE
@_DIRECTION
@_ADJACENCY
@_PERIOD
@_VALUE_KIND
@_OUT
@LANG
@handle_errors
def sensitivity_cmd(od_path: Path, cores_spec: str, thresholds: str, rule_name: str,  # noqa: PLR0913, PLR0917
                    direction: str | None, adjacency_path: Path | None, period: str | None,
                    value_kind: str | None, out_path: Path, lang: str | None) -> None:
    """Members of each metro across thresholds. 不同阈值下的都市圈成员。

    The rule's other settings (direction, contiguity …) are kept; only the threshold
    changes. One row per threshold and metro: threshold, metro_code, n_members, members.
    """
    from ..flows import threshold_sensitivity

    lang = _lang(lang)
    _check_suffix(out_path, lang)
    levels = _numbers(thresholds, lang)
    rule = _rule(rule_name, levels[0] if rule_name == "custom" else None, direction, lang)
    adjacency = _adjacency(adjacency_path)
    od = _read_od(od_path, period, value_kind)
    table = threshold_sensitivity(od, _cores(cores_spec, lang), thresholds=levels, rule=rule,
                                  adjacency=adjacency)
    _write_table(table, out_path)
    for theta, group in table.groupby("threshold", sort=False):
        counts = ", ".join(f"{m} {n}" for m, n in zip(group["metro_code"], group["n_members"], strict=True))
        click.echo(f"  {theta:g} %: {counts}")
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("gravity")
@click.argument("flows_path", metavar="FLOWS", type=UserFile())
@click.option("--model", type=click.Choice(["unconstrained", "production", "attraction", "doubly"]),
              default="unconstrained", show_default=True,
              help="Which totals the model reproduces (production: origins'; attraction: "
                   "destinations'; doubly: both). 模型约束类型。")
@click.option("--cost", required=True, help="Cost column: distance or travel time. 成本列(距离或时间)。")
@click.option("--cost-function", type=click.Choice(["exp", "pow"]), default="exp", show_default=True,
              help="exp: cost enters linearly; pow: its logarithm. 距离衰减函数。")
@click.option("--origin", default="origin", show_default=True, help="Origin column. 起点列。")
@click.option("--destination", default="destination", show_default=True, help="Destination column. 终点列。")
@click.option("--value", default="value", show_default=True, help="Flow column. 流量列。")
@click.option("--origin-mass", default="origin_mass", show_default=True,
              help="Origin mass column (population, jobs …). 起点规模列。")
@click.option("--destination-mass", default="destination_mass", show_default=True,
              help="Destination mass column. 终点规模列。")
@_OUT
@LANG
@handle_errors
def gravity_cmd(flows_path: Path, model: str, cost: str, cost_function: str, origin: str,  # noqa: PLR0913, PLR0917
                destination: str, value: str, origin_mass: str, destination_mass: str,
                out_path: Path, lang: str | None) -> None:
    """Fit a Poisson gravity (spatial-interaction) model. 拟合泊松引力模型。

    One row per origin–destination pair (.csv or .parquet). Writes the coefficients
    (name, coef, std_err; names as in PySAL spint) and prints them with the AIC.
    """
    from ..flows import fit_gravity

    lang = _lang(lang)
    _check_suffix(flows_path, lang, "FLOWS")
    _check_suffix(out_path, lang)
    frame = _read_table(flows_path, _FLOWS_FILE)
    fitted = fit_gravity(frame, model=model, cost=cost, cost_function=cost_function,  # type: ignore[arg-type]
                         origin=origin, destination=destination, value=value,
                         origin_mass=origin_mass, destination_mass=destination_mass,
                         file=flows_path.name)
    table = pd.DataFrame({"name": fitted.params.index, "coef": fitted.params.to_numpy(),
                          "std_err": fitted.fit.std_err.reindex(fitted.params.index).to_numpy()})
    _write_table(table, out_path)
    click.echo(msg("nf_gravity_done", lang, model=model, cf=cost_function, n=f"{len(frame):,}",
                   aic=f"{fitted.fit.aic:.4f}"))
    for name, coef in fitted.params.items():
        if not str(name).startswith(("o_", "d_")):
            click.echo(f"  {name}: {coef:.6g}")
    click.echo(msg("nf_written", lang, path=out_path))


_FLOWS_FILE = Text("流量表(每行一个起讫对,.csv 或 .parquet)",
                   "a flows table (one row per origin-destination pair, .csv or .parquet)")


def _columns(value: str, option: str, lang: str) -> list[str]:
    names = [c.strip() for c in value.split(",") if c.strip()]
    if not names:
        raise click.BadParameter(msg("nf_columns", lang, value=value), param_hint=option)
    return names


def _echo_coefficients(fit: Any, out_path: Path, lang: str) -> None:
    table = pd.DataFrame({"name": fit.params.index, "coef": fit.params.to_numpy(),
                          "std_err": fit.std_err.reindex(fit.params.index).to_numpy()})
    _write_table(table, out_path)
    for name, coef, se in table.itertuples(index=False):
        click.echo(msg("nf_coef", lang, name=name, coef=f"{coef:.6g}", se=f"{se:.3g}"))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("ppml")
@click.argument("flows_path", metavar="FLOWS", type=UserFile())
@click.option("--regressors", required=True,
              help="Pair regressor columns separated by commas, e.g. log_dist,contiguous. "
                   "回归变量列(逗号分隔)。")
@click.option("--origin", default="origin", show_default=True, help="Origin column. 起点列。")
@click.option("--destination", default="destination", show_default=True, help="Destination column. 终点列。")
@click.option("--value", default="value", show_default=True, help="Flow column. 流量列。")
@_OUT
@LANG
@handle_errors
def ppml_cmd(flows_path: Path, regressors: str, origin: str, destination: str, value: str,
             out_path: Path, lang: str | None) -> None:
    """PPML with origin and destination fixed effects. 含起讫点固定效应的 PPML 估计。

    One row per pair (.csv or .parquet). Writes the regressors' coefficients
    (name, coef, std_err; IID Poisson errors), Santos Silva & Tenreyro (2006).
    """
    from ..flows import ppml

    lang = _lang(lang)
    _check_suffix(flows_path, lang, "FLOWS")
    _check_suffix(out_path, lang)
    fit = ppml(_read_table(flows_path, _FLOWS_FILE), regressors=_columns(regressors, "--regressors", lang),
               value=value, origin=origin, destination=destination, file=flows_path.name)
    click.echo(msg("nf_ppml_done", lang, dev=f"{fit.deviance:.4f}"))
    _echo_coefficients(fit, out_path, lang)


def _with_columns(path: Path, what: Text, need: list[str], option: str, lang: str) -> pd.DataFrame:
    """Read a companion table and check it has the columns ``need``."""
    table = _read_table(path, what)
    if not set(need) <= set(table.columns):
        text = msg("nf_table_columns", lang, name=path.name, need=", ".join(need), have=list(table.columns))
        raise click.BadParameter(text, param_hint=option)
    return table


def _regions(path: Path | None, project_dir: Path | None, lang: str) -> dict[str, str]:
    if path is not None:
        what = Text("区域表(code、region 两列)", "a regions table (columns code, region)")
        table = _with_columns(path, what, ["code", "region"], "--regions", lang)
        return dict(zip(table["code"].astype(str), table["region"].astype(str), strict=True))
    if project_dir is None:
        raise click.UsageError(msg("nf_regions_needed", lang))
    from ..project import Project

    with Project.open(project_dir).store() as store:
        units = store.units()
    return units["province_code"].dropna().astype(str).to_dict()


@flows.command("border")
@click.argument("flows_path", metavar="FLOWS", type=UserFile())
@click.option("--regions", "regions_path", default=None,
              type=UserFile(),
              help="Table code, region giving each unit's region (.csv or .parquet). 单元所属区域表。")
@click.option("--project", "project_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Take each unit's province from this project instead. 从项目读取所属省份。")
@click.option("--cost", default="distance", show_default=True, help="Cost column. 成本列。")
@click.option("--cost-function", type=click.Choice(["exp", "pow"]), default="pow", show_default=True,
              help="exp: cost enters linearly; pow: its logarithm. 距离衰减函数。")
@click.option("--value", default="value", show_default=True, help="Flow column. 流量列。")
@_OUT
@LANG
@handle_errors
def border_cmd(flows_path: Path, regions_path: Path | None, project_dir: Path | None,
               cost: str, cost_function: str, value: str, out_path: Path, lang: str | None) -> None:
    """Border effect: observed over gravity-expected cross-region flows. 边界效应。

    FLOWS has origin, destination, the flow, the cost and origin_mass, destination_mass.
    A gravity model calibrated on within-region pairs predicts the crossing pairs;
    ratio 1 = no border effect (McCallum 1995; DOMAIN S09).
    """
    from ..flows import border_effect

    lang = _lang(lang, project_dir)
    _check_suffix(flows_path, lang, "FLOWS")
    _check_suffix(out_path, lang)
    table = border_effect(_read_table(flows_path, _FLOWS_FILE), _regions(regions_path, project_dir, lang),
                          cost=cost, cost_function=cost_function, value=value,  # type: ignore[arg-type]
                          file=flows_path.name)
    _write_table(table, out_path)
    for r in table.itertuples(index=False):
        click.echo(msg("nf_border_row", lang, o=r.origin_region, d=r.destination_region,
                       obs=f"{r.observed:,.0f}", exp=f"{r.expected:,.0f}", ratio=f"{r.ratio:.3f}"))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("industry")
@click.argument("table_path", metavar="TABLE", type=UserFile())
@click.option("--measure", type=click.Choice(["similarity", "krugman", "lq", "complementarity"]),
              default="similarity", show_default=True,
              help="similarity: UNIDO coefficient; krugman: specialisation index; lq: location "
                   "quotients; complementarity: Michaely (needs --demand). 指标。")
@click.option("--demand", "demand_path", default=None,
              type=UserFile(),
              help="Demand table (same layout) for complementarity. 需求结构表。")
@_OUT
@LANG
@handle_errors
def industry_cmd(table_path: Path, measure: str, demand_path: Path | None, out_path: Path,
                 lang: str | None) -> None:
    """Industrial similarity, specialisation, location quotients. 产业结构相似、专业化与区位商。

    TABLE (.csv or .parquet) has a column code and one column per industry
    (employment or value added). Pair measures are written as from_code, to_code, value.
    """
    from ..flows import complementarity, krugman, location_quotients
    from ..flows.industry import read_structure, unido_similarity

    lang = _lang(lang)
    _check_suffix(out_path, lang)
    demand = None if demand_path is None else read_structure(demand_path)
    table = read_structure(table_path)
    if measure == "lq":
        result = location_quotients(table).reset_index()
    elif measure == "complementarity":
        if demand_path is None:
            raise click.UsageError(msg("nf_needs_demand_file", lang))
        result = complementarity(table, demand).rename("value").reset_index()
    else:
        func = unido_similarity if measure == "similarity" else krugman
        result = func(table).rename("value").reset_index()
    _write_table(result, out_path)
    click.echo(msg("nf_industry_done", lang, measure=measure, n=f"{len(result):,}", u=len(table),
                   k=table.shape[1]))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("market")
@click.argument("prices_path", metavar="PRICES", type=UserFile())
@click.option("--level", type=click.Choice(["pair", "region"]), default="pair", show_default=True,
              help="pair: every pair of regions; region: mean over each region's pairs. 城市对或区域。")
@click.option("--pairs", "pairs_path", default=None,
              type=UserFile(),
              help="Pairs to compare (columns from_code, to_code), e.g. adjacent provinces; "
                   "default every pair. 比较的区域对。")
@click.option("--no-demean", is_flag=True, help="Keep |ΔQ| without removing the common component. 不去均值。")
@_OUT
@LANG
@handle_errors
def market_cmd(prices_path: Path, level: str, pairs_path: Path | None, no_demean: bool,
               out_path: Path, lang: str | None) -> None:
    """Market segmentation and integration by relative prices. 相对价格法市场分割与一体化指数。

    PRICES has region, year, category, index_prev_year_100 (chained, previous year = 100;
    see docs/market-segmentation.md). Writes segmentation = Var(q) and integration =
    √(1/Var(q)) per pair (or region) and year (桂琦寒 et al. 2006).
    """
    from ..flows.market import read_prices, segmentation_index

    lang = _lang(lang)
    _check_suffix(out_path, lang)
    pairs = None
    if pairs_path is not None:
        frame = _with_columns(pairs_path, Text("区域对表(from_code、to_code 两列)",
                                               "a pairs table (columns from_code, to_code)"),
                              ["from_code", "to_code"], "--pairs", lang)
        pairs = list(zip(frame["from_code"].astype(str), frame["to_code"].astype(str), strict=True))
    table = segmentation_index(read_prices(prices_path), pairs=pairs, level=level, demean=not no_demean)
    result = table.reset_index()
    _write_table(result, out_path)
    click.echo(msg("nf_market_done", lang, n=f"{len(result):,}", level=level,
                   median=f"{result['integration'].median():.2f}"))
    click.echo(msg("nf_written", lang, path=out_path))


@flows.command("combine")
@click.argument("od_path", metavar="OD", type=UserFile())
@click.option("--memberships", "memberships_path", required=True,
              type=UserFile(),
              help="Metro memberships (e.g. written by `flows delineate`). 都市圈成员表。")
@_THRESHOLD
@_ADJACENCY
@_PERIOD
@_VALUE_KIND
@_OUT
@LANG
@handle_errors
def combine_cmd(od_path: Path, memberships_path: Path, threshold: float | None,
                adjacency_path: Path | None, period: str | None, value_kind: str | None,
                out_path: Path, lang: str | None) -> None:
    """Combine metros whose employment interchange passes OMB's EIM ≥ 15. 合并都市圈(OMB CSA)。

    Writes the memberships of the combined areas only (code C:<metro>+<metro>).
    """
    from dataclasses import replace

    from ..flows import OMB_CSA, combine_metros

    lang = _lang(lang)
    _check_suffix(out_path, lang)
    rule = OMB_CSA if threshold is None else replace(OMB_CSA, threshold=threshold)
    memberships = _read_table(memberships_path, Text("都市圈成员表(metro_memberships 格式)",
                                                     "a metro memberships table (metro_memberships layout)"))
    adjacency = _adjacency(adjacency_path)
    table = combine_metros(_read_od(od_path, period, value_kind), memberships, rule=rule,
                           adjacency=adjacency)
    _write_table(table, out_path)
    click.echo(rule.describe(lang))
    for code, group in table.groupby("metro_code", sort=False):
        click.echo(msg("nf_combined", lang, code=code, n=group["member_code"].nunique()))
    if table.empty:
        click.echo(msg("nf_none_combined", lang))
    click.echo(msg("nf_written", lang, path=out_path))
