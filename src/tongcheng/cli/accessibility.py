"""`tongcheng network accessibility`: Hansen potential, 2SFCA and E2SFCA from a travel-time table."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pandas as pd

from .._errors import Problem, ValidationError
from .._text import Text
from ._common import LANG, UserFile, handle_errors, pick_lang
from ._messages import msg
from .network import _TABLE_SUFFIXES, _check_suffix, _write_table, network

if TYPE_CHECKING:
    from ..network.accessibility import Decay

_TIMES_COLUMNS = ("from_id", "to_id", "travel_time", "from_id,to_id")
_IN = UserFile()


def _read(path: Path, *, numeric: tuple[str, ...], ids: tuple[str, ...], counts: bool = False,
          ) -> pd.DataFrame:
    """Read a .csv/.parquet table; ids as text; every non-number in ``numeric`` located.

    With ``counts``, an empty or negative cell in ``numeric`` is a problem too (opportunities,
    demand and supply must be given, 0 where there is none); empty times mean unreachable.
    """
    from ..io.files import read_frame

    what = (Text("机会/供需表(.csv 或 .parquet)", "a table of places (.csv or .parquet)") if counts
            else Text("出行时间表 from_id,to_id,travel_time(.csv 或 .parquet)",
                      "a travel-time table from_id,to_id,travel_time (.csv or .parquet)"))
    frame = read_frame(path, what=what, dtype={c: str for c in ids})
    problems = [Problem(file=path.name, row=None, column=c, value=None,
                        expected=Text(f"列 {c!r}", f"a column {c!r}"),
                        fix=Text(f"把某列改名为 {c!r},或用相应选项指定列名;现有列为 {list(frame.columns)}",
                                 f"rename a column to {c!r} or name it with the matching option; "
                                 f"columns are {list(frame.columns)}"))
                for c in (*ids, *numeric) if c not in frame.columns]
    if problems:
        raise ValidationError(problems, summary=Text(f"{path.name}: 缺少 {len(problems)} 列",
                                                     f"{path.name}: {len(problems)} column(s) missing"))
    for c in ids:
        frame[c] = frame[c].astype("string").astype(object).where(frame[c].notna(), None)
    expected, fix = ((Text("≥ 0 的数", "a number ≥ 0"), Text("没有时填 0", "give 0 where there is none"))
                     if counts else
                     (Text("数值", "a number"), Text("更正该单元格(不可达时留空)",
                                                   "correct the cell (leave it empty if unreachable)")))
    for c in numeric:
        values = pd.to_numeric(frame[c], errors="coerce")
        empty = frame[c].isna() | (frame[c].astype(str).str.strip() == "")
        bad = (values.isna() & ~empty) | ((empty | (values < 0)) if counts else False)
        problems += [Problem(file=path.name, row=int(pos) + 2, column=c, value=str(frame[c].iloc[pos]),
                             expected=expected, fix=fix)
                     for pos in bad.to_numpy().nonzero()[0][:20]]
        frame[c] = values
    if problems:
        raise ValidationError(problems, summary=Text(f"{path.name}: {len(problems)} 个单元格不是有效数值",
                                                     f"{path.name}: {len(problems)} cell(s) are not valid "
                                                     "numbers"))
    return frame


def _read_both(times_path: Path, places_path: Path, *, columns: tuple[str, ...], id_column: str,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the times and the places; the problems of both files are reported together."""
    found: list[ValidationError] = []
    frames: list[pd.DataFrame] = []
    for read in (lambda: _read(times_path, numeric=("travel_time",), ids=("from_id", "to_id")),
                 lambda: _read(places_path, numeric=columns, ids=(id_column,), counts=True)):
        try:
            frames.append(read())
        except ValidationError as exc:
            found.append(exc)
    if len(found) == 1:
        raise found[0]
    if found:
        n = sum(len(e.problems) for e in found)
        raise ValidationError([p for e in found for p in e.problems],
                              summary=Text(f"两个文件中有 {n} 个问题,未写入任何数据",
                                           f"{n} problem(s) in both files; nothing was written"))
    return frames[0], frames[1].set_index(id_column)


def _located(exc: ValidationError, times: Path, places: Path, columns: dict[str, str]) -> ValidationError:
    """Name the file (and column) of each problem the library found (it sees frames, not files)."""
    fixed = [dataclasses.replace(p, file=times.name) if p.column in _TIMES_COLUMNS
             else dataclasses.replace(p, file=places.name, column=columns.get(str(p.column), p.column))
             for p in exc.problems]
    return ValidationError(fixed, summary=exc.summary)


def _bands(text: str, lang: str) -> dict[float, float]:
    try:
        pairs = [item.split(":") for item in text.split(",") if item.strip()]
        return {float(b): float(w) for b, w in pairs}
    except ValueError as exc:
        raise click.BadParameter(msg("nf_bands", lang, value=text), param_hint="--bands") from exc


def _decay(method: str, kind: str, *, beta: float | None, half_life: float | None,
           cutoff: float | None, min_time: float, bands: str, lang: str) -> Decay:
    from ..network.accessibility import Decay

    if method == "e2sfca":
        return Decay.stepwise(_bands(bands, lang))
    if kind == "exponential":
        return Decay.exponential(beta, half_life=half_life, cutoff=cutoff)
    if kind == "gaussian" and beta is not None:
        return Decay.gaussian(beta, cutoff=cutoff)
    return Decay(kind, cutoff=cutoff, beta=beta, min_time=min_time)


@network.command("accessibility")
@click.option("--times", "times_path", required=True, type=_IN,
              help="Long table from_id,to_id,travel_time (.csv/.parquet), e.g. from `network matrix`; "
                   "2SFCA: from demand to supply. 出行时间表。")
@click.option("--unit", type=click.Choice(["s", "min"]), default="s", show_default=True,
              help="Unit of travel_time. 时间单位(秒/分钟)。")
@click.option("--opportunities", "places_path", required=True, type=_IN,
              help="Table of places (.csv/.parquet): ids with opportunity, demand or supply "
                   "columns. 机会/供需表。")
@click.option("--method", type=click.Choice(["hansen", "2sfca", "e2sfca"]), default="hansen",
              show_default=True,
              help="Hansen potential, two-step or enhanced two-step floating catchment. 方法。")
@click.option("--decay", "kind", default="cumulative", show_default=True,
              type=click.Choice(["cumulative", "exponential", "power", "gaussian", "dai"]),
              help="Distance-decay function (not e2sfca). 距离衰减函数。")
@click.option("--beta", type=float, default=None,
              help="Decay parameter: per minute (exponential), exponent (power), σ in minutes "
                   "(gaussian). 衰减参数。")
@click.option("--half-life", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Exponential decay given by its half-life in minutes instead of --beta. 半衰期(分钟)。")
@click.option("--cutoff", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Catchment in minutes (needed by cumulative and dai). 时间阈值(分钟)。")
@click.option("--min-time", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Power decay: shorter times count as this many minutes. 幂函数最小时间(分钟)。")
@click.option("--bands", default="10:1,20:0.68,30:0.22", show_default=True,
              help="e2sfca sub-zones, upper bound in minutes:weight (Luo & Qi 2009). 分段权重。")
@click.option("--id-column", default="id", show_default=True, help="Id column of --opportunities. 编号列。")
@click.option("--supply-column", required=True,
              help="Opportunities (hansen) or supply (2sfca, e2sfca) column. 机会/供给列。")
@click.option("--demand-column", default=None, help="Demand column (2sfca, e2sfca). 需求列。")
@click.option("--exclude-self", is_flag=True, help="Leave out the i = j pairs. 不计自身。")
@click.option("--self-time", type=click.FloatRange(min=0), default=None,
              help="Intra-zonal time in minutes for the i = j pairs. 区内时间(分钟)。")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Result by id: .csv or .parquet. 输出文件。")
@LANG
@handle_errors
def accessibility_cmd(times_path: Path, unit: str, places_path: Path, method: str, kind: str,  # noqa: PLR0913, PLR0917
                      beta: float | None, half_life: float | None, cutoff: float | None, min_time: float,
                      bands: str, id_column: str, supply_column: str, demand_column: str | None,
                      exclude_self: bool, self_time: float | None, out_path: Path,
                      lang: str | None) -> None:
    """Compute the accessibility of places from a travel-time table. 可达性(Hansen 潜力、2SFCA、E2SFCA)。

    hansen: A_i = Σ_j O_j f(t_ij) for every from_id; 2sfca/e2sfca: supply per unit
    of demand within the floating catchment, for every id of --opportunities
    (demand and supply columns of one table; 0 where there is none). Pairs
    missing from the table (or with an empty time) are unreachable. All
    parameters are in minutes.
    """
    from ..network.accessibility import hansen_accessibility, two_step_fca

    lang = pick_lang(lang)
    _check_suffix(out_path, _TABLE_SUFFIXES, lang)
    if method != "hansen" and demand_column is None:
        raise click.UsageError(msg("nf_needs_demand", lang, method=method))
    roles = {"opportunities": supply_column, "supply": supply_column, "demand": demand_column or ""}
    columns = tuple(dict.fromkeys(c for c in (supply_column, demand_column) if c))
    times, places = _read_both(times_path, places_path, columns=columns, id_column=id_column)
    decay = _decay(method, kind, beta=beta, half_life=half_life, cutoff=cutoff, min_time=min_time,
                   bands=bands, lang=lang)
    try:
        if method == "hansen":
            result = hansen_accessibility(times, places[supply_column], decay=decay,
                                          include_self=not exclude_self, self_time=self_time,
                                          unit=unit).to_frame()
        else:
            result = two_step_fca(times, places[demand_column], places[supply_column], decay=decay,
                                  include_self=not exclude_self, self_time=self_time, unit=unit)
    except ValidationError as exc:
        raise _located(exc, times_path, places_path, roles) from exc
    _write_table(result.reset_index(), out_path)
    reached = int((result["accessibility"] > 0).sum())
    click.echo(msg("nf_access_done", lang, method=method, n=f"{len(result):,}", r=f"{reached:,}"))
    click.echo(msg("nf_written", lang, path=out_path))
