"""Validate a statistical table and turn it into observations.

The parser accepts the layouts departments actually send:

* **long** — one row per value: region (code or name), indicator, period, value
  [, unit, vintage, source];
* **wide by indicator** — region, period, then one column per indicator;
* **wide by period** — region, indicator, then one column per year (``2019``, ``2020年``);
* **pairs** — ``from`` and ``to`` instead of a region, for city-pair indicators.

Every problem is collected with its file, sheet, row and column, and nothing is returned
for storage unless there is no error at all.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .._errors import Problem, UnitMatchError
from .._text import Text
from ..store.models import VINTAGE_LENGTH
from .columns import canonical_column, match_bilingual
from .tables import RawTable

__all__ = ["OBSERVATION_COLUMNS", "ParsedStats", "parse_stats"]

OBSERVATION_COLUMNS = (
    "indicator", "subject_kind", "subject_key", "unit_code", "partner_code", "metro_code",
    "period", "value", "unit", "value_kind", "vintage", "source", "flags",
)
_MISSING = {"", "-", "—", "–", "..", "...", "na", "n/a", "nan", "null", "none", "无", "空"}
_PERIOD = re.compile(r"^(\d{4})(?:年)?(?:-(0[1-9]|1[0-2])|Q([1-4]))?$")
#: Repeated rows listed one by one before the rest are counted in one line.
MAX_LISTED = 50
_VALUE_KINDS = ("reported", "estimated", "sample", "computed")
_KIND_COLUMNS = {"pair": Text("起点/终点 (from/to) 两列", "from/to columns"),
                 "metro": Text("都市圈 (metro) 列", "a metro (都市圈) column"),
                 "unit": Text("每行一个地区", "one region per row")}
_KIND_NAMES = {"pair": Text("城市对", "pair"), "metro": Text("都市圈", "metro"), "unit": Text("地区", "unit")}
#: A number whose commas are thousands separators (1,234,567.8); any other comma is a decimal comma.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$")
_UNIT_ALIASES = {
    "亿元": "100 million CNY", "万人": "10,000 persons", "人": "persons", "百分比": "%",
    "分钟": "min", "平方公里": "km2", "km²": "km2", "元": "CNY", "万元": "10,000 CNY",
}


@dataclass
class ParsedStats:
    """Result of :func:`parse_stats`.

    Attributes
    ----------
    observations
        Rows ready for the store (columns :data:`OBSERVATION_COLUMNS`), empty on error.
    problems
        Every error and warning found.
    n_rows
        Data rows read from the table.
    n_empty
        Empty value cells (``""``, ``-``, ``..``, ``无`` …): not problems, nothing is stored
        for them; counted for the import's summary.
    """

    observations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    n_rows: int = 0
    n_empty: int = 0

    @property
    def ok(self) -> bool:
        """``True`` when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)


def _each_distinct(values: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """Apply ``func`` once per distinct value (a table repeats its codes and names many times)."""
    positions, distinct = pd.factorize(values, use_na_sentinel=False)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [func(v) for v in distinct]
    return pd.Series(results[positions], index=values.index, dtype=object)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


def _norm_unit(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return _UNIT_ALIASES.get(text, text).lower()


class _Catalogue:
    """Look indicators up by code, Chinese or English name."""

    def __init__(self, catalogue: pd.DataFrame) -> None:
        cat = catalogue.reset_index() if "code" not in catalogue.columns else catalogue
        self.rows = {str(r["code"]): r for _, r in cat.iterrows()}
        self.lookup: dict[str, str] = {}
        for code, row in self.rows.items():
            for key in (code, row.get("name_zh", ""), row.get("name_en", "")):
                if isinstance(key, str) and key:
                    self.lookup.setdefault(_norm(key), code)

    def match(self, text: str) -> str | None:
        return match_bilingual(text, lambda part: self.lookup.get(_norm(part)))

    def close(self, text: str) -> list[str]:
        return difflib.get_close_matches(_norm(text), list(self.lookup), n=3, cutoff=0.6)


def _period_columns(headers: Sequence[str]) -> list[str]:
    return [h for h in headers if _PERIOD.match(h.strip())]


_IGNORED = (Text("一个已知的列", "a known column"),
            Text("该列被忽略;如果它有数据,请改成已知的列名",
                 "this column is ignored; rename it if it holds data"))


def _layout(table: RawTable, problems: list[Problem], catalogue: _Catalogue,
            ) -> pd.DataFrame | None:
    """Map headers and reshape to long: columns subject/from/to, indicator, period, value, ..."""
    frame = table.frame.copy()
    frame["_pos"] = np.arange(len(frame))
    mapping: dict[str, str] = {}
    extra: list[str] = []
    for header in table.frame.columns:
        canon = canonical_column(header)
        if canon is None:
            extra.append(header)
        elif canon != "_info" and canon not in mapping.values():
            mapping[header] = canon
    frame = frame.rename(columns=mapping)
    have = set(mapping.values())
    if not ({"code", "name", "metro"} & have or {"from", "to"} <= have):
        problems.append(table.problem(None, None, ", ".join(table.frame.columns), expected=Text(
            "一个地区列(代码 code / 行政区划代码,或名称 name / 地区)、起点和终点两列 (from/to),"
            "或都市圈列 (metro)",
            "a region column (code / 行政区划代码 or name / 地区), both 'from' and 'to', "
            "or 'metro' (都市圈)"),
            fix=Text("增加一列 code(行政区划代码: 6 位 GB/T 2260 代码,或本地区 6–12 位的代码)"
                     "或一列 name(地区名称)",
                     "add a column 'code' with unit codes (6-digit GB/T 2260, or the region's own "
                     "6–12 digit codes) or 'name' with region names")))
        return None
    if "value" in have:
        for col in extra:
            problems.append(table.header_problem(col, expected=_IGNORED[0], fix=_IGNORED[1],
                                          severity="warning"))
        missing = [c for c in ("indicator", "period") if c not in have]
        for col in missing:
            problems.append(table.problem(None, col, None,
                                          expected=Text(f"一列「{col}」", f"a column '{col}'"),
                                          fix=Text(f"增加「{col}」列(长表格式: 地区、指标、时期、数值)",
                                                   f"add the column '{col}' (long layout: region, "
                                                   "indicator, period, value)")))
        return None if missing else frame
    id_cols = [c for c in frame.columns if c in have or c == "_pos"]
    if "indicator" in have:
        return _wide_by_period(table, frame, id_cols, extra, problems)
    indicator_cols = [c for c in extra if catalogue.match(c)]
    for col in extra:
        if col not in indicator_cols:
            close = catalogue.close(col)
            hint = Text(f"(是否指 {', '.join(close)}?)", f" (did you mean {', '.join(close)}?)") if close \
                else Text("", "")
            problems.append(table.header_problem(col, expected=Text(
                "本项目的一个指标代码或名称", "an indicator code or name of this project"),
                fix=Text("把列名改为已知指标", "rename the column to a known indicator") + hint
                + Text(";`tongcheng template` 列出全部指标", "; `tongcheng template` lists them")))
    if "period" not in have:
        problems.append(table.problem(None, "period", None, expected=Text(
            "一个「period」(年份)列", "a column 'period' (or 年份)"),
            fix=Text("增加年份列;宽表格式为: 地区、年份、各指标列…",
                     "add a period column; wide layout is region, period, indicators…")))
    if not indicator_cols or "period" not in have:
        return None
    long = frame.melt(id_vars=id_cols, value_vars=indicator_cols, var_name="_col", value_name="value")
    long["indicator"] = long["_col"]
    return long


def _wide_by_period(table: RawTable, frame: pd.DataFrame, id_cols: list[str], extra: list[str],
                    problems: list[Problem]) -> pd.DataFrame | None:
    """Melt one column per period (2019, 2020年, 2020-06, 2020Q1) into the long layout."""
    periods = _period_columns(extra)
    if not periods:
        problems.append(table.problem(None, "value", None, expected=Text(
            "一个「value」(数值)列,或每年一列(如「2020」)",
            "a 'value' column, or one column per year such as '2020'"),
            fix=Text("增加「value」列(长表格式),或把年份列命名为 2019、2020 …",
                     "add a 'value' column (long layout) or name the year columns 2019, 2020, …")))
        return None
    for col in extra:
        if col not in periods:
            problems.append(table.header_problem(col, expected=Text(
                "一个年份列(如 2020、2020年、2020-06、2020Q1)或已知的列",
                "a year column (2020, 2020年, 2020-06, 2020Q1) or a known column"),
                fix=_IGNORED[1], severity="warning"))
    long = frame.melt(id_vars=id_cols, value_vars=periods, var_name="_col", value_name="value")
    long["period"] = long["_col"]
    return long


def _rows_text(positions: Sequence[int], table: RawTable) -> Text:
    rows = [table.row_number(int(p)) for p in positions]
    if len(rows) <= 1:
        return Text("", "")
    shown = ", ".join(str(r) for r in rows[1:6])
    more_zh = f" …(共 {len(rows)} 行)" if len(rows) > 6 else ""
    more_en = f" … ({len(rows)} rows in all)" if len(rows) > 6 else ""
    return Text(f" 第 {shown} 行{more_zh}也有同样的值。", f" Same value also in rows {shown}{more_en}.")


def _grouped(table: RawTable, bad: pd.DataFrame, key: str, column: str | None, *,
             expected: str | Text, fix: str | Text, severity: str = "error") -> list[Problem]:
    """One problem per distinct offending value, located at its first row."""
    out = []
    for value, grp in bad.groupby(key, sort=False):
        col = column if column is not None else str(grp["_col"].iloc[0])
        out.append(table.problem(int(grp["_pos"].iloc[0]), col, value, expected=expected,
                                 fix=fix + _rows_text(list(grp["_pos"]), table),
                                 severity=severity))
    return out


def _parse_values(text: pd.Series, delimiter: str | None = None,
                  ) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Return (numbers, is_missing, is_bad, is_decimal_comma) for a Series of cell texts.

    Commas are thousands separators only in groups of three digits (``1,234,567.8``) and
    never in a semicolon-separated file, where ``24653,4`` is a decimal comma: such values
    are reported, not read as 246534.
    """
    clean = _each_distinct(text, lambda s: unicodedata.normalize("NFKC", str(s)).strip())
    missing = clean.str.lower().isin(_MISSING)
    spaced = clean.str.replace(r"\s", "", regex=True)
    has_comma = spaced.str.contains(",", regex=False) & ~missing
    thousands = spaced.str.match(_THOUSANDS) if delimiter != ";" else pd.Series(False, index=text.index)
    comma = has_comma & ~thousands
    stripped = spaced.str.replace(",", "", regex=False).str.rstrip("%")
    numbers = pd.to_numeric(stripped.where(~missing & ~comma), errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers.to_numpy()))  # inf, 1e400: not a figure
    bad = numbers.isna() & ~missing & ~comma
    return numbers, missing, bad, comma


def _resolve_metros(table: RawTable, long: pd.DataFrame, metros: pd.DataFrame | None,
                    problems: list[Problem], header: str) -> pd.Series:
    """Resolve a metro column (code, Chinese or English name) to metro codes."""
    lookup: dict[str, str] = {}
    if metros is not None and not metros.empty:
        for _, row in metros.drop_duplicates("metro_code").iterrows():
            for key in (row["metro_code"], row.get("name_zh"), row.get("name_en")):
                if isinstance(key, str) and key:
                    lookup.setdefault(_norm(key), str(row["metro_code"]))
    query = long["metro"].astype(str)
    codes = _each_distinct(query, lambda q: lookup.get(_norm(q)))
    bad = codes.isna()
    known = ", ".join(sorted(set(lookup.values())))
    fix = (Text(f"使用代码 {known} 之一或其名称", f"use one of the codes {known} or their names") if known
           else Text("本项目还没有都市圈;先用 `tongcheng import metros` 导入",
                     "this project has no metro areas yet; import them with `tongcheng import metros`"))
    problems.extend(_grouped(table, long[bad].assign(_q=query[bad]), "_q", header,
                             expected=Text("本项目的一个都市圈", "a metropolitan area of this project"),
                             fix=fix))
    return codes


def _match_problem(err: UnitMatchError) -> tuple[Text, Text]:
    """Return what was expected and the fix for a region that matched no unit or several."""
    opts = "; ".join(f"{c} {n}" for c, n in err.candidates)
    if err.ambiguous:
        return (Text("恰好一个地区(该名称对应多个单元)", "exactly one region (the name fits several units)"),
                Text(f"改写为所指单元的代码: {opts}", f"write the code of the one you mean: {opts}"))
    expected = Text("一个已知的地区代码或名称(未找到该地区)", "a known region code or name (not found)")
    if err.candidates:
        return expected, Text(f"检查拼写或代码;相近的有: {opts}",
                              f"check the spelling or code; close ones: {opts}")
    return expected, Text("检查拼写或代码;`tongcheng units list` 列出全部单元",
                          "check the spelling or code; `tongcheng units list` shows all units")


def _resolve_subjects(table: RawTable, long: pd.DataFrame, resolver: object,
                      problems: list[Problem], column_names: dict[str, str],
                      metros: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """Resolve subject columns; returns {'code'|'from'|'to'|'metro': Series of codes or NA}."""
    out: dict[str, pd.Series] = {}
    if "metro" in long.columns and not ({"code", "name", "from"} & set(long.columns)):
        return {"metro": _resolve_metros(table, long, metros, problems,
                                         column_names.get("metro", "metro"))}
    roles = ["from", "to"] if {"from", "to"} <= set(long.columns) else ["code"]
    for role in roles:
        if role == "code":
            use_code = long["code"] if "code" in long.columns else pd.Series("", index=long.index)
            names = long["name"] if "name" in long.columns else pd.Series("", index=long.index)
            query = use_code.where(use_code.astype(str) != "", names).astype(str)
            header = column_names.get("code" if "code" in long.columns else "name", role)
        else:
            query = long[role].astype(str)
            header = column_names.get(role, role)
        empty = query.str.strip() == ""
        if empty.any():
            problems.extend(_grouped(table, long[empty].assign(_q="(empty)"), "_q", header,
                                     expected=Text("一个地区代码或名称", "a region code or name"),
                                     fix=Text("每一行都要填写地区", "fill in the region of every row")))
        distinct = sorted(set(query[~empty]))
        resolved, errors = resolver.resolve_many(distinct)  # type: ignore[attr-defined]
        codes: dict[str, str] = {}
        for q, res, err in zip(distinct, resolved, errors, strict=True):
            rows = long[query == q]
            if err is not None:
                expected, fix = _match_problem(err)
                problems.extend(_grouped(table, rows.assign(_q=q), "_q", header,
                                         expected=expected, fix=fix))
                continue
            codes[q] = res.code
            if res.note:
                problems.append(table.problem(
                    int(rows["_pos"].iloc[0]), header, q, severity="warning",
                    expected=Text(f"一个现行单元;已对应到 {res.code} {res.name_zh}",
                                  f"a current unit; mapped to {res.code} {res.name_zh}"),
                    fix=Text(f"{res.note}。", f"{res.note}.") + _rows_text(list(rows["_pos"]), table)))
        out[role] = query.map(codes)
        if role == "code" and {"code", "name"} <= set(long.columns):
            problems.extend(_name_conflicts(table, long, resolver, out[role], column_names))
    return out


def _name_conflicts(table: RawTable, long: pd.DataFrame, resolver: object,
                    codes: pd.Series, column_names: dict[str, str]) -> list[Problem]:
    """Report names that mean another unit than the code of their row (errors naming both).

    A name is compared at the level of the code's unit (上海市 next to the province code
    310000 is the province). A name that matches no unit is a warning: the code is used.
    """
    code_header, name_header = column_names.get("code", "code"), column_names.get("name", "name")
    given = long["name"].astype(str).str.strip()
    check = long.assign(_unit=codes, _name=given)
    check = check[check["_unit"].notna() & (given != "") & (long["code"].astype(str).str.strip() != "")]
    out: list[Problem] = []
    for (unit, name), grp in check.groupby(["_unit", "_name"], sort=False):
        unit_name = resolver.name_of(unit)  # type: ignore[attr-defined]
        try:
            other = resolver.resolve(name, level=resolver.level_of(unit))  # type: ignore[attr-defined]
            others = [] if other.code == unit else [(other.code, other.name_zh)]
        except UnitMatchError as err:
            if not err.ambiguous:
                out.append(table.problem(
                    int(grp["_pos"].iloc[0]), name_header, name, severity="warning",
                    expected=Text(f"{unit} {unit_name} 的名称", f"the name of {unit} {unit_name}"),
                    fix=Text(f"未找到名为「{name}」的单元,已按「{code_header}」列的代码 {unit} 导入;"
                             "请核对名称。",
                             f"no unit is named '{name}'; the row was read by its code {unit} in "
                             f"column '{code_header}'. Check the name.")
                    + _rows_text(list(grp["_pos"]), table)))
                continue
            others = [] if unit in {c for c, _ in err.candidates} else err.candidates
        if others:
            code_text = str(grp["code"].iloc[0])
            named = "、".join(f"{c} {n}" for c, n in others)
            named_en = ", ".join(f"{c} {n}" for c, n in others)
            out.append(table.problem(
                int(grp["_pos"].iloc[0]), name_header, name,
                expected=Text(f"与「{code_header}」列代码 {code_text} 相符的名称 {unit_name}",
                              f"the name of {unit} {unit_name}, the unit of code {code_text} in "
                              f"column '{code_header}'"),
                fix=Text(f"代码 {code_text} 是 {unit_name},名称「{name}」却是 {named}:改正代码或名称。",
                         f"code {code_text} is {unit_name} but the name '{name}' is {named_en}: "
                         "correct the code or the name.") + _rows_text(list(grp["_pos"]), table)))
    return out


def _check_periods(table: RawTable, long: pd.DataFrame, problems: list[Problem],
                   header: str | None) -> pd.Series:
    """Normalise periods to YYYY, YYYY-MM or YYYYQn; report the others."""
    text = _each_distinct(long["period"].astype(str), lambda s: unicodedata.normalize("NFKC", s).strip())
    match = text.str.extract(_PERIOD)
    year = pd.to_numeric(match[0], errors="coerce")
    last = date.today().year + 1
    ok = year.between(1949, last)
    problems.extend(_grouped(table, long[~ok].assign(_q=text[~ok]), "_q", header,
                             expected=Text(f"1949–{last} 之间的年份(或 YYYY-MM、YYYYQn)",
                                           f"a year 1949–{last} (or YYYY-MM, YYYYQn)"),
                             fix=Text("把时期写成 4 位年份,如 2020",
                                      "write the period as a 4-digit year such as 2020")))
    period = match[0].where(match[1].isna(), match[0] + "-" + match[1].fillna(""))
    return period.where(match[2].isna(), match[0] + "Q" + match[2].fillna(""))


def parse_stats(table: RawTable, *, resolver: object, catalogue: pd.DataFrame,
                source: str = "", vintage: str = "", metros: pd.DataFrame | None = None,
                ) -> ParsedStats:
    """Validate a table of statistics and convert it to observations.

    Parameters
    ----------
    table
        The table as read by :func:`~tongcheng.io.tables.read_table`.
    resolver
        A :class:`~tongcheng.units.UnitResolver` for region codes and names.
    catalogue
        The project's indicators (columns ``code, name_zh, name_en, unit, subject_kind``).
    source
        Default source for rows without a ``source`` column value.
    vintage
        Default vintage (release) for rows without a ``vintage`` column value.
    metros
        Metropolitan-area memberships (``metro_code, name_zh, name_en``) for tables
        whose subject column is ``metro`` (都市圈).

    Returns
    -------
    ParsedStats
        Observations (empty if any error) and every problem found (the table's reading
        notes first). Empty value cells are no problem: they are counted in ``n_empty``,
        and the other cells of their row (region, period, unit, indicator) are not
        checked, since nothing is stored for them. A name that contradicts the code of its
        row is an error naming both.
    """
    problems: list[Problem] = list(table.notes)
    cat = _Catalogue(catalogue)
    long = _layout(table, problems, cat)
    empty = pd.DataFrame(columns=[*OBSERVATION_COLUMNS, "_pos", "_col"])
    if long is None:
        return ParsedStats(empty, problems, len(table.frame))
    names = {canonical_column(h) or h: h for h in table.frame.columns}
    if "_col" not in long.columns:
        long["_col"] = names.get("value", "value")
    missing = _parse_values(long["value"])[1]
    n_empty = int(missing.sum())
    long = long[~missing].reset_index(drop=True)
    if long.empty:
        return ParsedStats(empty, problems, len(table.frame), n_empty)
    check = _Checks(table, long, problems, cat, names)
    check.indicators()
    subjects = _resolve_subjects(table, long, resolver, problems, names, metros)
    kind = "pair" if "from" in subjects else "metro" if "metro" in subjects else "unit"
    check.subject_kinds(kind)
    obs = pd.DataFrame({
        "indicator": long["indicator"],
        "period": _check_periods(table, long, problems, names.get("period")),
        "value": check.values(),
        "unit": check.units(),
        "value_kind": check.value_kinds(),
        "vintage": _column_or(long, "vintage", vintage),
        "source": _column_or(long, "source", _row_sources(long, source)),
        "flags": _column_or(long, "flags", ""),
        "_pos": long["_pos"],
        "_col": long["_col"],
    })
    check.vintages(obs["vintage"])
    obs = _with_subjects(obs, kind, subjects)
    obs = obs[obs["value"].notna()]
    check.duplicates(obs)
    if any(p.severity == "error" for p in problems):
        return ParsedStats(empty, problems, len(table.frame), n_empty)
    return ParsedStats(obs.reset_index(drop=True), problems, len(table.frame), n_empty)


@dataclass
class _Checks:
    """The per-column checks of :func:`parse_stats`; each appends to ``problems``."""

    table: RawTable
    long: pd.DataFrame
    problems: list[Problem]
    cat: _Catalogue
    names: dict[str, str]

    def _add(self, mask: pd.Series, values: pd.Series, column: str | None, *, expected: str | Text,
             fix: str | Text) -> None:
        self.problems.extend(_grouped(self.table, self.long[mask].assign(_q=values[mask]), "_q",
                                      column, expected=expected, fix=fix))

    def indicators(self) -> None:
        """Match indicator codes or names; unknown and computed ones are errors."""
        long, header = self.long, self.names.get("indicator")
        text = long["indicator"].astype(str)
        codes = _each_distinct(text, lambda s: self.cat.match(s) if s else None)
        for q, grp in long[codes.isna()].groupby(text[codes.isna()], sort=False):
            close = ", ".join(dict.fromkeys(self.cat.lookup[c] for c in self.cat.close(str(q))))
            hint = Text(f"是否指 {close}?", f"did you mean {close}? ") if close else Text("", "")
            self.problems.append(self.table.problem(
                int(grp["_pos"].iloc[0]), header or str(grp["_col"].iloc[0]), q,
                expected=Text("本项目的一个指标代码或名称", "an indicator code or name of this project"),
                fix=hint + Text("`tongcheng template` 列出全部指标。",
                                "`tongcheng template` lists the indicators.")
                + _rows_text(list(grp["_pos"]), self.table)))
        computed = _each_distinct(codes, lambda c: isinstance(c, str)
                             and str(self.cat.rows[c].get("kind", "raw")) == "computed")
        self._add(computed, text, header,
                  expected=Text("一个需要导入(而非计算得出)的指标",
                                "an indicator that is imported, not computed"),
                  fix=Text("该指标由 tongcheng 根据其输入数据计算;请导入输入数据,或给你的数值另设指标代码",
                           "tongcheng computes this indicator from its inputs; import the inputs "
                           "instead, or give your figure its own indicator code"))
        long["indicator"] = codes.where(~computed.astype(bool))

    def values(self) -> pd.Series:
        """Parse numbers; text and decimal commas are errors (empty cells were left out before)."""
        numbers, _missing, bad, comma = _parse_values(self.long["value"], self.table.delimiter)
        self._add(bad, self.long["value"], None, expected=Text("一个数字", "a number"),
                  fix=Text("数字单元格中不要写文字和单位(写 1234.5,而不是「约1234」或「1234亿元」)",
                           "remove text and units from number cells "
                           "(write 1234.5, not '约1234' or '1234亿元')"))
        if self.table.delimiter == ";":
            why = Text("该文件以分号分隔,数值中的逗号是小数逗号", "in this semicolon-separated file a comma "
                       "in a number is a decimal comma")
        else:
            why = Text("逗号后不是三位数字,不是千位分隔符", "the comma is not followed by groups of three "
                       "digits, so it is no thousands separator")
        self._add(comma, self.long["value"], None,
                  expected=Text("以小数点 . 书写的数字(", "a number written with a decimal point (") + why
                  + Text(")", ")"),
                  fix=Text("把小数逗号改成小数点(24653,4 → 24653.4),"
                           "或在 Excel 中把小数分隔符设为「.」后重新导出",
                           "write the decimal point as '.' (24653,4 → 24653.4), or export the file "
                           "again with '.' as the decimal separator"))
        return numbers

    def units(self) -> pd.Series:
        """Return each row's catalogue unit; a different unit in the table is an error."""
        meta, long = self.cat.rows, self.long
        expected = _each_distinct(long["indicator"], lambda c: str(meta[c]["unit"]) if c in meta else "")
        if "unit" in long.columns:
            given = long["unit"].astype(str)
            mismatch = (given != "") & long["indicator"].notna() & (
                given.map(_norm_unit) != expected.map(_norm_unit))
            for (g, exp), grp in long[mismatch].groupby([given[mismatch], expected[mismatch]],
                                                       sort=False):
                ind = grp["indicator"].iloc[0]
                self.problems.append(self.table.problem(
                    int(grp["_pos"].iloc[0]), self.names.get("unit", "unit"), g,
                    expected=Text(f"指标 {ind} 的单位「{exp}」", f"the unit '{exp}' of indicator {ind}"),
                    fix=Text(f"把数值换算为该单位,并把单位写成「{exp}」。",
                             f"convert the values to that unit and write the unit as '{exp}'.")
                    + _rows_text(list(grp["_pos"]), self.table)))
        return expected

    def subject_kinds(self, kind: str) -> None:
        """Each indicator's subject kind (unit, pair, metro) must match the table's."""
        meta, long = self.cat.rows, self.long
        wanted = _each_distinct(
            long["indicator"], lambda c: str(meta[c].get("subject_kind", "unit")) if c in meta else "")
        wrong = long["indicator"].notna() & (wanted != kind)
        for ind_kind, grp in long[wrong].groupby(wanted[wrong], sort=False):
            need = _KIND_COLUMNS.get(str(ind_kind), Text(str(ind_kind), str(ind_kind)))
            what = _KIND_NAMES.get(str(ind_kind), Text(str(ind_kind), str(ind_kind)))
            self.problems.extend(_grouped(
                self.table, grp.assign(_q=grp["indicator"]), "_q", self.names.get("indicator"),
                expected=Text("这个{what}指标需要含{need}的表格(本表是{have})",
                              "a table with {need} for this {what} indicator (this table has {have})")
                .format(need=need, what=what, have=_KIND_COLUMNS[kind]),
                fix=Text("地区指标放在地区表中,城市对指标放在起点/终点表中,都市圈指标放在都市圈表中",
                         "put unit indicators in a region table, pair indicators in a from/to "
                         "table and metro-area indicators in a metro table")))

    def value_kinds(self) -> pd.Series:
        """Return each row's value kind (default ``reported``); unknown kinds are errors."""
        long = self.long
        if "value_kind" not in long.columns:
            return pd.Series("reported", index=long.index, dtype=object)
        kinds = long["value_kind"].astype(str).replace("", "reported")
        listed = ", ".join(_VALUE_KINDS)
        self._add(~kinds.isin(_VALUE_KINDS), kinds, self.names.get("value_kind"),
                  expected=Text(f"以下之一: {listed}", f"one of {listed}"),
                  fix=Text("使用所列的数据性质之一", "use one of the listed value kinds"))
        return kinds

    def vintages(self, vintages: pd.Series) -> None:
        """Vintages must fit the store (at most ``VINTAGE_LENGTH`` characters)."""
        long = vintages.astype(str).str.len() > VINTAGE_LENGTH
        column = self.names.get("vintage", "--vintage")
        self._add(long, vintages, column,
                  expected=Text(f"不超过 {VINTAGE_LENGTH} 个字符的数据版本",
                                f"a vintage of at most {VINTAGE_LENGTH} characters"),
                  fix=Text("缩短它(如「2024 年鉴」);较长的说明写入数据来源",
                           "shorten it (e.g. '2024 yearbook'); put longer notes into the source"))

    def duplicates(self, obs: pd.DataFrame) -> None:
        """Two rows with the same indicator, subject, period and vintage are an error.

        The first :data:`MAX_LISTED` repeated rows are listed one by one; the last problem
        listed counts the rest (a file pasted twice does not print a hundred thousand lines).
        """
        key = ["indicator", "subject_key", "period", "vintage"]
        valid = obs.dropna(subset=["indicator", "subject_key", "period"])
        repeated = valid[valid.duplicated(key, keep="first")]
        if repeated.empty:
            return
        firsts = valid.drop_duplicates(key, keep="first").set_index(key)["_pos"]
        shown = repeated.iloc[:MAX_LISTED]
        first_pos = firsts.loc[pd.MultiIndex.from_frame(shown[key])].to_numpy()
        rest = len(repeated) - len(shown)
        for i, (pos, col, value, ind, subject, period, first) in enumerate(zip(
                shown["_pos"], shown["_col"], shown["value"], shown["indicator"], shown["subject_key"],
                shown["period"], first_pos, strict=True)):
            at = self.table.row_number(int(first))
            more = (Text(f" 另有 {rest} 行重复,未逐一列出。", f" {rest} more repeated rows are not listed.")
                    if rest and i == len(shown) - 1 else Text("", ""))
            self.problems.append(self.table.problem(
                int(pos), str(col), value,
                expected=Text("每个地区、指标、时期和版本只有一个数值",
                              "one value per region, indicator, period and vintage"),
                fix=Text(f"第 {at} 行已给出 {ind} / {subject} / {period} 的数值;删除两行中的一行",
                         f"row {at} already gives {ind} for {subject} in {period}; delete one of the "
                         "two rows") + more))


def _with_subjects(obs: pd.DataFrame, kind: str, subjects: dict[str, pd.Series]) -> pd.DataFrame:
    """Add the subject columns of the store (kind, key, unit, partner, metro)."""
    none = pd.Series(None, index=obs.index, dtype=object)
    if kind == "metro":
        unit, partner, metro = none, none, subjects["metro"]
        key = "metro:" + metro
    elif kind == "pair":
        unit, partner, metro = subjects["from"], subjects["to"], none
        key = unit + ">" + partner
    else:
        unit, partner, metro = subjects["code"], none, none
        key = unit
    return obs.assign(subject_kind=kind, subject_key=key, unit_code=unit, partner_code=partner,
                      metro_code=metro)


def _column_or(long: pd.DataFrame, column: str, default: str | pd.Series) -> pd.Series:
    if column not in long.columns:
        if isinstance(default, pd.Series):
            return default
        return pd.Series(default, index=long.index, dtype=object)
    values = long[column].astype(str)
    return values.where(values != "", default)


def _row_sources(long: pd.DataFrame, default: str) -> pd.Series | str:
    """Per-row source from ``source_note`` and ``source_url`` columns, where a table has them."""
    parts = [long[c].astype(str) for c in ("source_note", "source_url") if c in long.columns]
    if not parts:
        return default
    text = parts[0] if len(parts) == 1 else (parts[0] + " — " + parts[1]).str.strip(" —")
    return text.where(text != "", default)
