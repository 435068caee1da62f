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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .._errors import Problem
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
_VALUE_KINDS = ("reported", "estimated", "sample", "computed")
_KIND_COLUMNS = {"pair": "from/to columns", "metro": "a metro (都市圈) column",
                 "unit": "one region per row"}
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
    """

    observations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    n_rows: int = 0

    @property
    def ok(self) -> bool:
        """``True`` when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)


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
        problems.append(table.problem(None, None, ", ".join(table.frame.columns), expected=(
            "a region column (code / 行政区划代码 or name / 地区), both 'from' and 'to', "
            "or 'metro' (都市圈)"),
            fix="add a column 'code' with unit codes (6-digit GB/T 2260, or the region's own "
                "6–12 digit codes) or 'name' with region names"))
        return None
    if "value" in have:
        for col in extra:
            problems.append(table.problem(None, col, None, expected="a known column",
                                          fix="this column is ignored; rename it if it holds data",
                                          severity="warning"))
        missing = [c for c in ("indicator", "period") if c not in have]
        for col in missing:
            problems.append(table.problem(None, col, None, expected=f"a column '{col}'",
                                          fix=f"add the column '{col}' (long layout: region, indicator, period, value)"))
        return None if missing else frame
    id_cols = [c for c in frame.columns if c in have or c == "_pos"]
    if "indicator" in have:
        periods = _period_columns(extra)
        if not periods:
            problems.append(table.problem(None, "value", None, expected=(
                "a 'value' column, or one column per year such as '2020'"),
                fix="add a 'value' column (long layout) or name the year columns 2019, 2020, …"))
            return None
        long = frame.melt(id_vars=id_cols, value_vars=periods, var_name="_col", value_name="value")
        long["period"] = long["_col"]
        return long
    indicator_cols = [c for c in extra if catalogue.match(c)]
    for col in extra:
        if col not in indicator_cols:
            close = catalogue.close(col)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(table.problem(None, col, col, expected="an indicator code or name of this project",
                                          fix=f"rename the column to a known indicator{hint}; "
                                              "`tongcheng template` lists them"))
    if "period" not in have:
        problems.append(table.problem(None, "period", None, expected="a column 'period' (or 年份)",
                                      fix="add a period column; wide layout is region, period, indicators…"))
    if not indicator_cols or "period" not in have:
        return None
    long = frame.melt(id_vars=id_cols, value_vars=indicator_cols, var_name="_col", value_name="value")
    long["indicator"] = long["_col"]
    return long


def _rows_text(positions: Sequence[int], table: RawTable) -> str:
    rows = [table.row_number(int(p)) for p in positions]
    if len(rows) <= 1:
        return ""
    shown = ", ".join(str(r) for r in rows[1:6])
    more = f" … ({len(rows)} rows in all)" if len(rows) > 6 else ""
    return f" Same value also in rows {shown}{more}."


def _grouped(table: RawTable, bad: pd.DataFrame, key: str, column: str | None, *,
             expected: str, fix: str, severity: str = "error") -> list[Problem]:
    """One problem per distinct offending value, located at its first row."""
    out = []
    for value, grp in bad.groupby(key, sort=False):
        col = column if column is not None else str(grp["_col"].iloc[0])
        out.append(table.problem(int(grp["_pos"].iloc[0]), col, value, expected=expected,
                                 fix=fix + _rows_text(list(grp["_pos"]), table),
                                 severity=severity))
    return out


def _parse_values(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (numbers, is_missing, is_bad) for a Series of cell texts."""
    clean = text.map(lambda s: unicodedata.normalize("NFKC", str(s)).strip())
    missing = clean.str.lower().isin(_MISSING)
    stripped = clean.str.replace(r"[,\s]", "", regex=True).str.rstrip("%")
    numbers = pd.to_numeric(stripped.where(~missing), errors="coerce").astype("float64")
    bad = numbers.isna() & ~missing
    return numbers, missing, bad


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
    codes = query.map(lambda q: lookup.get(_norm(q)))
    bad = codes.isna()
    known = ", ".join(sorted(set(lookup.values()))) or "none (this project has no metro areas)"
    problems.extend(_grouped(table, long[bad].assign(_q=query[bad]), "_q", header,
                             expected="a metropolitan area of this project",
                             fix=f"use one of the codes {known} or their names"))
    return codes


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
                                     expected="a region code or name",
                                     fix="fill in the region of every row"))
        distinct = sorted(set(query[~empty]))
        resolved, errors = resolver.resolve_many(distinct)  # type: ignore[attr-defined]
        codes: dict[str, str] = {}
        for q, res, err in zip(distinct, resolved, errors, strict=True):
            rows = long[query == q]
            if err is not None:
                cands = getattr(err, "candidates", [])
                if cands:
                    opts = "; ".join(f"{c} {n}" for c, n in cands)
                    expected, fix = "exactly one region", f"write the code of the one you mean: {opts}"
                else:
                    expected, fix = "a known region code or name", (
                        "check the spelling or code; `tongcheng units list` shows all units")
                problems.extend(_grouped(table, rows.assign(_q=q), "_q", header,
                                         expected=expected, fix=fix))
                continue
            codes[q] = res.code
            if res.note:
                problems.append(table.problem(
                    int(rows["_pos"].iloc[0]), header, q, severity="warning",
                    expected=f"a current unit; mapped to {res.code} {res.name_zh}",
                    fix=f"{res.note}.{_rows_text(list(rows['_pos']), table)}"))
        out[role] = query.map(codes)
    return out


def _check_periods(table: RawTable, long: pd.DataFrame, problems: list[Problem],
                   header: str | None) -> pd.Series:
    """Normalise periods to YYYY, YYYY-MM or YYYYQn; report the others."""
    text = long["period"].astype(str).map(lambda s: unicodedata.normalize("NFKC", s).strip())
    match = text.str.extract(_PERIOD)
    year = pd.to_numeric(match[0], errors="coerce")
    last = date.today().year + 1
    ok = year.between(1949, last)
    problems.extend(_grouped(table, long[~ok].assign(_q=text[~ok]), "_q", header,
                             expected=f"a year 1949–{last} (or YYYY-MM, YYYYQn)",
                             fix="write the period as a 4-digit year such as 2020"))
    period = match[0].where(match[1].isna(), match[0] + "-" + match[1].fillna(""))
    return period.where(match[2].isna(), match[0] + "Q" + match[2].fillna(""))


def parse_stats(table: RawTable, *, resolver: object, catalogue: pd.DataFrame,  # noqa: PLR0913
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
        Observations (empty if any error) and every problem found.
    """
    problems: list[Problem] = []
    cat = _Catalogue(catalogue)
    long = _layout(table, problems, cat)
    empty = pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    if long is None:
        return ParsedStats(empty, problems, len(table.frame))
    names = {canonical_column(h) or h: h for h in table.frame.columns}
    if "_col" not in long.columns:
        long["_col"] = names.get("value", "value")
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
        return ParsedStats(empty, problems, len(table.frame))
    return ParsedStats(obs.reset_index(drop=True), problems, len(table.frame))


@dataclass
class _Checks:
    """The per-column checks of :func:`parse_stats`; each appends to ``problems``."""

    table: RawTable
    long: pd.DataFrame
    problems: list[Problem]
    cat: _Catalogue
    names: dict[str, str]

    def _add(self, mask: pd.Series, values: pd.Series, column: str | None, *, expected: str,
             fix: str) -> None:
        self.problems.extend(_grouped(self.table, self.long[mask].assign(_q=values[mask]), "_q",
                                      column, expected=expected, fix=fix))

    def indicators(self) -> None:
        """Match indicator codes or names; unknown and computed ones are errors."""
        long, header = self.long, self.names.get("indicator")
        text = long["indicator"].astype(str)
        codes = text.map(lambda s: self.cat.match(s) if s else None)
        for q, grp in long[codes.isna()].groupby(text[codes.isna()], sort=False):
            close = [self.cat.lookup[c] for c in self.cat.close(str(q))]
            hint = f"did you mean {', '.join(dict.fromkeys(close))}? " if close else ""
            self.problems.append(self.table.problem(
                int(grp["_pos"].iloc[0]), header or str(grp["_col"].iloc[0]), q,
                expected="an indicator code or name of this project",
                fix=f"{hint}`tongcheng template` lists the indicators."
                    + _rows_text(list(grp["_pos"]), self.table)))
        computed = codes.map(lambda c: isinstance(c, str)
                             and str(self.cat.rows[c].get("kind", "raw")) == "computed")
        self._add(computed, text, header, expected="an indicator that is imported, not computed",
                  fix="tongcheng computes this indicator from its inputs; import the inputs "
                      "instead, or give your figure its own indicator code")
        long["indicator"] = codes.where(~computed.astype(bool))

    def values(self) -> pd.Series:
        """Parse numbers; text is an error, empty cells are skipped with one warning."""
        numbers, missing, bad = _parse_values(self.long["value"])
        self._add(bad, self.long["value"], None, expected="a number",
                  fix="remove text and units from number cells "
                      "(write 1234.5, not '约1234' or '1234亿元')")
        if missing.any():
            first = self.long[missing].iloc[0]
            self.problems.append(self.table.problem(
                int(first["_pos"]), str(first["_col"]), first["value"], severity="warning",
                expected="a number", fix=f"{int(missing.sum())} empty cell(s) skipped (not stored)."))
        return numbers

    def units(self) -> pd.Series:
        """Return each row's catalogue unit; a different unit in the table is an error."""
        meta, long = self.cat.rows, self.long
        expected = long["indicator"].map(lambda c: str(meta[c]["unit"]) if c in meta else "")
        if "unit" in long.columns:
            given = long["unit"].astype(str)
            mismatch = (given != "") & long["indicator"].notna() & (
                given.map(_norm_unit) != expected.map(_norm_unit))
            for (g, exp), grp in long[mismatch].groupby([given[mismatch], expected[mismatch]],
                                                       sort=False):
                self.problems.append(self.table.problem(
                    int(grp["_pos"].iloc[0]), self.names.get("unit", "unit"), g,
                    expected=f"the unit '{exp}' of indicator {grp['indicator'].iloc[0]}",
                    fix=f"convert the values to that unit and write the unit as '{exp}'."
                        + _rows_text(list(grp["_pos"]), self.table)))
        return expected

    def subject_kinds(self, kind: str) -> None:
        """Each indicator's subject kind (unit, pair, metro) must match the table's."""
        meta, long = self.cat.rows, self.long
        wanted = long["indicator"].map(
            lambda c: str(meta[c].get("subject_kind", "unit")) if c in meta else "")
        wrong = long["indicator"].notna() & (wanted != kind)
        for ind_kind, grp in long[wrong].groupby(wanted[wrong], sort=False):
            self.problems.extend(_grouped(
                self.table, grp.assign(_q=grp["indicator"]), "_q", self.names.get("indicator"),
                expected=f"a table with {_KIND_COLUMNS.get(str(ind_kind), ind_kind)} for this "
                         f"{ind_kind} indicator (this table has {_KIND_COLUMNS[kind]})",
                fix="put unit indicators in a region table, pair indicators in a from/to "
                    "table and metro-area indicators in a metro table"))

    def value_kinds(self) -> pd.Series:
        """Return each row's value kind (default ``reported``); unknown kinds are errors."""
        long = self.long
        if "value_kind" not in long.columns:
            return pd.Series("reported", index=long.index, dtype=object)
        kinds = long["value_kind"].astype(str).replace("", "reported")
        self._add(~kinds.isin(_VALUE_KINDS), kinds, self.names.get("value_kind"),
                  expected=f"one of {_VALUE_KINDS}", fix="use one of the listed value kinds")
        return kinds

    def vintages(self, vintages: pd.Series) -> None:
        """Vintages must fit the store (at most ``VINTAGE_LENGTH`` characters)."""
        long = vintages.astype(str).str.len() > VINTAGE_LENGTH
        column = self.names.get("vintage", "--vintage")
        self._add(long, vintages, column, expected=f"a vintage of at most {VINTAGE_LENGTH} characters",
                  fix="shorten it (e.g. '2024 yearbook'); put longer notes into the source")

    def duplicates(self, obs: pd.DataFrame) -> None:
        """Two rows with the same indicator, subject, period and vintage are an error."""
        key = ["indicator", "subject_key", "period", "vintage"]
        valid = obs.dropna(subset=["indicator", "subject_key", "period"])
        dup = valid[valid.duplicated(key, keep=False)]
        for _, grp in dup.groupby(key, sort=False):
            first = grp.iloc[0]
            for _, row in grp.iloc[1:].iterrows():
                self.problems.append(self.table.problem(
                    int(row["_pos"]), str(row["_col"]), row["value"],
                    expected="one value per region, indicator, period and vintage",
                    fix=f"row {self.table.row_number(int(first['_pos']))} already gives "
                        f"{first['indicator']} for {first['subject_key']} in {first['period']}; "
                        "delete one of the two rows"))


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
