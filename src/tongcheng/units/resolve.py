"""Resolve what people write for a unit (code, Chinese or English name, old name) to one code."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .._errors import DataError, UnitMatchError
from .._text import Text
from .crosswalk import current_codes

__all__ = ["Resolution", "UnitResolver"]

_LEVELS = ("province", "city", "county")
_EN_SUFFIX = re.compile(r"(city|shi|district|qu|county|xian|province|sheng)$")
_EN_STRIP = re.compile(r"[\s\-'’`.]")
#: The city-level unit of a province-level city shares its name with the province; a bare name
#: means the city (the usual unit of analysis) unless ``level="province"`` is given.
_CITY_OF_PROVINCE = {"310000": "310100"}


@dataclass(frozen=True)
class Resolution:
    """The unit a query was resolved to.

    Attributes
    ----------
    code
        Today's code: 6-digit GB/T 2260 for China's counties and above, or a unit code of up to
        12 digits stored by a project (a township's 9 digits, an IBGE municipality's 7).
    name_zh
        Today's official Chinese name.
    matched_by
        What matched: ``"code"``, ``"name_zh"``, ``"short_zh"``, ``"name_en"``, ``"old_code"``
        or ``"old_name"``.
    note
        For old codes and names, the change that led to today's unit (Chinese / English);
        otherwise ``None``.
    """

    code: str
    name_zh: str
    matched_by: str
    note: str | None = None


def _en_key(text: str) -> str:
    key = _EN_STRIP.sub("", text.strip().lower())
    return key


class UnitResolver:
    """Look up units by code, Chinese name, short name, English name or former code/name.

    Parameters
    ----------
    units_df
        Units table indexed by code (str) with ``name_zh, short_zh, name_en, level``, as returned
        by :func:`tongcheng.datasets.units`.
    code_changes_df
        Change table as returned by :func:`tongcheng.datasets.code_changes`.

    Examples
    --------
    >>> r = UnitResolver.from_bundled()
    >>> r.resolve("苏州").code
    '320500'
    >>> r.resolve("320684").note
    '海门市 (320684) → 海门区 (320614), 2020 撤市设区 / county-level city became a district'
    """

    def __init__(self, units_df: pd.DataFrame, code_changes_df: pd.DataFrame) -> None:
        missing = {"name_zh", "short_zh", "name_en", "level"} - set(units_df.columns)
        if missing:
            raise DataError(Text(f"units_df 缺少列 {sorted(missing)};请传入 datasets.units()",
                                 f"units_df lacks columns {sorted(missing)}; pass datasets.units()"))
        self._units = units_df.copy()
        self._units.index = self._units.index.astype(str)
        self._changes = code_changes_df.copy()
        self._current = set(self._units.index)
        self._by_name: dict[str, dict[str, set[str]]] = {
            "name_zh": defaultdict(set),
            "short_zh": defaultdict(set),
            "name_en": defaultdict(set),
        }
        for code, row in self._units.iterrows():
            self._by_name["name_zh"][str(row["name_zh"])].add(str(code))
            self._by_name["short_zh"][str(row["short_zh"])].add(str(code))
            self._by_name["name_en"][_en_key(str(row["name_en"]))].add(str(code))
        self._old_names: dict[str, set[str]] = defaultdict(set)
        for old_code, old_name in self._changes[["old_code", "old_name"]].itertuples(index=False):
            if isinstance(old_code, str) and old_code and isinstance(old_name, str) and old_name:
                self._old_names[old_name].add(old_code)

    @classmethod
    def from_bundled(cls) -> UnitResolver:
        """Build a resolver over the bundled YRD units and code changes.

        Returns
        -------
        UnitResolver
            Resolver over ``datasets.units()`` and ``datasets.code_changes()``.
        """
        from .. import datasets

        return cls(datasets.units(), datasets.code_changes())

    # -- helpers ---------------------------------------------------------------------------

    def _name(self, code: str) -> str:
        return str(self._units.at[code, "name_zh"])

    def _filter(self, codes: Iterable[str], level: str | None) -> list[str]:
        out = sorted(c for c in codes if c in self._current)
        if level is not None:
            out = [c for c in out if self._units.at[c, "level"] == level]
        return out

    def _pick(self, query: str, codes: list[str], level: str | None) -> list[str]:
        if len(codes) == 2 and level is None:
            for prov, city in _CITY_OF_PROVINCE.items():
                if set(codes) == {prov, city}:
                    return [city]
        return codes

    def _change_note(self, old_code: str, new_code: str) -> str | None:
        ch = self._changes
        rows = ch[(ch["old_code"] == old_code)]
        if rows.empty:
            return None
        direct = rows[rows["new_code"] == new_code]
        r = (direct if not direct.empty else rows).iloc[-1]
        note = (
            f"{r['old_name']} ({old_code}) → {self._name(new_code)} ({new_code}), "
            f"{int(r['year'])} {r['kind']} / {r['kind_en']}"
        )
        return note

    def _from_old_code(
        self, old_code: str, year: int | None, level: str | None
    ) -> tuple[list[str], str | None]:
        news = current_codes(old_code, since=year, current=self._current, changes=self._changes)
        news = self._filter(news, level)
        note = self._change_note(old_code, news[0]) if len(news) == 1 else None
        return news, note

    def _suggest(self, query: str, level: str | None) -> list[tuple[str, str]]:
        zh: dict[str, set[str]] = defaultdict(set)
        for kind in ("name_zh", "short_zh"):
            for name, codes in self._by_name[kind].items():
                zh[name] |= codes
        close_zh = difflib.get_close_matches(query, list(zh), n=10, cutoff=0.5)
        en = self._by_name["name_en"]
        close_en = difflib.get_close_matches(_en_key(query), list(en), n=10, cutoff=0.75)
        out: list[tuple[str, str]] = []
        for codes in [zh[n] for n in close_zh] + [en[n] for n in close_en]:
            for c in self._filter(codes, level):
                if (c, self._name(c)) not in out:
                    out.append((c, self._name(c)))
        return out[:5]

    # -- public ----------------------------------------------------------------------------

    def name_of(self, code: str) -> str:
        """Return the Chinese name of a current unit (``""`` for a code that is none).

        >>> UnitResolver.from_bundled().name_of("320500")
        '苏州市'
        """
        return self._name(code) if code in self._current else ""

    def level_of(self, code: str) -> str | None:
        """Return the level of a current unit (``None`` for a code that is none).

        >>> UnitResolver.from_bundled().level_of("310000")
        'province'
        """
        return str(self._units.at[code, "level"]) if code in self._current else None

    def resolve(
        self, query: str, *, level: str | None = None, year: int | None = None
    ) -> Resolution:
        """Resolve one code or name to today's unit.

        Parameters
        ----------
        query
            A code of 6 to 12 digits (a 12-digit statistical code that is not itself a unit
            stands for its first 6 digits), an official Chinese name (苏州市), a short name (苏州),
            an English name (case, spaces, hyphens and apostrophes ignored; a trailing
            "City"/"Shi" is allowed), or a former code or name.
        level
            Restrict candidates to ``"province"``, ``"city"`` or ``"county"``.
        year
            Year the query's code or name was valid in. Codes are then first followed through
            the changes recorded from that year on (e.g. ``resolve("330104", year=2020)``).

        Returns
        -------
        Resolution
            Today's code and name, what matched, and a note for former codes and names.

        Raises
        ------
        tongcheng.UnitMatchError
            If nothing matches (``candidates`` holds up to 5 close names) or several units
            match (``candidates`` lists them).
        tongcheng.DataError
            If ``level`` is not a valid level.

        Notes
        -----
        A bare 上海 / 上海市 / Shanghai means the city 310100, not the province 310000, unless
        ``level="province"`` is given.
        """
        if level is not None and level not in _LEVELS:
            listed = ", ".join(_LEVELS)
            raise DataError(Text(f"层级应为 {listed} 之一或 None,实为 {level!r}",
                                 f"level must be one of {listed} or None; got {level!r}"))
        q = str(query).strip()
        if re.fullmatch(r"\d{12}", q) and q not in self._current:
            q = q[:6]
        if re.fullmatch(r"\d{6,12}", q):
            return self._resolve_code(q, level, year) if len(q) == 6 else self._resolve_long(q, level)
        named = self._match_names(query, q, level)
        if named is not None:
            return named
        if q in self._old_names:
            found: dict[str, str | None] = {}
            for old in sorted(self._old_names[q]):
                news, note = self._from_old_code(old, year, level)
                for n in news:
                    found.setdefault(n, note if len(news) == 1 else None)
            if len(found) == 1:
                ((code, note),) = found.items()
                return Resolution(code, self._name(code), "old_name", note)
            if found:
                raise UnitMatchError(query, [(c, self._name(c)) for c in sorted(found)])
        raise UnitMatchError(query, self._suggest(q, level), ambiguous=False)

    def _match_names(self, query: str, q: str, level: str | None) -> Resolution | None:
        """Match current Chinese, short and English names; raise on ambiguity."""
        key = _en_key(q)
        attempts = [
            ("name_zh", q),
            ("short_zh", q),
            ("name_en", key),
            ("name_en", _EN_SUFFIX.sub("", key)),
        ]
        for kind, k in attempts:
            hit = self._pick(q, self._filter(self._by_name[kind].get(k, ()), level), level)
            if len(hit) == 1:
                return Resolution(hit[0], self._name(hit[0]), kind)
            if len(hit) > 1:
                raise UnitMatchError(query, [(c, self._name(c)) for c in hit])
        return None

    def _resolve_long(self, code: str, level: str | None) -> Resolution:
        """Resolve a code of 7 to 12 digits: only the units themselves have such codes."""
        if code in self._current and self._filter([code], level):
            return Resolution(code, self._name(code), "code")
        raise UnitMatchError(code, [])

    def _resolve_code(self, code: str, level: str | None, year: int | None) -> Resolution:
        changed_later = (
            year is not None
            and not self._changes[
                (self._changes["old_code"] == code)
                & (self._changes["year"] >= year)
                & (self._changes["new_code"] != code)
            ].empty
        )
        if code in self._current and not changed_later:
            if self._filter([code], level):
                return Resolution(code, self._name(code), "code")
            raise UnitMatchError(code, [])
        news, note = self._from_old_code(code, year, level)
        if len(news) == 1:
            return Resolution(news[0], self._name(news[0]), "old_code", note)
        raise UnitMatchError(code, [(c, self._name(c)) for c in news])

    def resolve_many(
        self, values: Iterable[str], *, level: str | None = None, year: int | None = None
    ) -> tuple[list[Resolution | None], list[UnitMatchError | None]]:
        """Resolve many values without raising (for import validation).

        Parameters
        ----------
        values
            Codes or names, one per input row.
        level, year
            As in :meth:`resolve`.

        Returns
        -------
        tuple of (list of Resolution or None, list of UnitMatchError or None)
            Two lists as long as ``values``: the resolution (``None`` where it failed) and the
            error (``None`` where it succeeded). Repeated values are resolved once.
        """
        cache: dict[str, Resolution | UnitMatchError] = {}
        res: list[Resolution | None] = []
        errs: list[UnitMatchError | None] = []
        for v in values:
            key = "" if v is None else str(v)
            if key not in cache:
                try:
                    cache[key] = self.resolve(key, level=level, year=year)
                except UnitMatchError as e:
                    cache[key] = e
            hit = cache[key]
            if isinstance(hit, Resolution):
                res.append(hit)
                errs.append(None)
            else:
                res.append(None)
                errs.append(hit)
        return res, errs
