"""Follow GB/T 2260 code changes (mergers, renames, splits) from old codes to today's codes.

The change table is ``datasets.code_changes()``: one row per event with ``year``, ``kind``,
``old_code``, ``new_code`` and ``relation`` (``"whole"``: all of the old unit went to the new one;
``"part"``: only part of it did, the rest stayed or went elsewhere).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .._errors import DataError
from .._text import Text

__all__ = ["changes_for", "current_codes", "successor_map"]


def _changes(changes: pd.DataFrame | None) -> pd.DataFrame:
    if changes is not None:
        return changes
    from .. import datasets

    return datasets.code_changes()


def _norm(code: str) -> str:
    code = str(code).strip()
    if len(code) == 12 and code.isdigit():
        code = code[:6]
    if len(code) != 6 or not code.isdigit():
        msg = Text(f"应为 6 位 GB/T 2260 代码(或 12 位代码),实为 {code!r}",
                   f"expected a 6-digit GB/T 2260 code (or a 12-digit one), got {code!r}")
        raise DataError(msg)
    return code


def changes_for(code: str, *, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every recorded change in which ``code`` is the old or the new code.

    Parameters
    ----------
    code
        A 6-digit (or 12-digit) GB/T 2260 code, old or current.
    changes
        Change table to search; defaults to the bundled ``datasets.code_changes()``.

    Returns
    -------
    pandas.DataFrame
        The matching rows of the change table, sorted by year.

    Raises
    ------
    tongcheng.DataError
        If ``code`` is not a 6- or 12-digit code.
    """
    code = _norm(code)
    ch = _changes(changes)
    hit = ch[(ch["old_code"] == code) | (ch["new_code"] == code)]
    return hit.sort_values(["year", "old_code", "new_code"], kind="stable").reset_index(drop=True)


def successor_map(changes: pd.DataFrame) -> dict[str, list[tuple[int, str, str]]]:
    """Return ``old_code → [(year, new_code, relation), ...]`` for events that move territory.

    Renames that keep the code (old_code == new_code) and creations without an old code are
    left out: they do not move a unit's territory to another code.
    """
    out: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for year, old, new, rel in changes[["year", "old_code", "new_code", "relation"]].itertuples(
        index=False
    ):
        if not isinstance(old, str) or not old or not isinstance(new, str) or not new:
            continue
        if old == new:
            continue
        out[old].append((int(year), new, str(rel)))
    return dict(out)


def current_codes(
    old_code: str,
    *,
    since: int | None = None,
    current: set[str] | None = None,
    changes: pd.DataFrame | None = None,
) -> list[str]:
    """Return today's code(s) that hold the territory of ``old_code``.

    Chains are followed forward in time (each hop only uses events in or after the year of the
    previous one). A unit that gave up only *part* of its territory keeps its own code in the
    answer; a split returns several codes.

    Parameters
    ----------
    old_code
        A 6-digit (or 12-digit) code, possibly no longer in use.
    since
        Only follow events from this year on (e.g. 2010 for a code read from 2010 census tables).
        ``None`` follows every recorded event.
    current
        Set of codes valid today; defaults to the codes of ``datasets.units()``. A code with no
        further events is returned only if it is in this set.
    changes
        Change table; defaults to the bundled ``datasets.code_changes()``.

    Returns
    -------
    list of str
        Sorted list of today's codes; empty when the chain ends in a code that no longer exists.

    Raises
    ------
    tongcheng.DataError
        If ``old_code`` is not a 6- or 12-digit code.

    Examples
    --------
    >>> current_codes("320684")  # 海门市 → 海门区 (2020)
    ['320614']
    """
    code = _norm(old_code)
    if current is None:
        from .. import datasets

        current = set(datasets.units().index)
    succ = successor_map(_changes(changes))
    found: set[str] = set()
    seen: set[str] = set()
    stack: list[tuple[str, int | None]] = [(code, since)]
    while stack:
        c, y = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        events = [e for e in succ.get(c, []) if y is None or e[0] >= y]
        if not any(rel == "whole" for _, _, rel in events) and c in current:
            found.add(c)
        for year, new, _rel in events:
            stack.append((new, year))
    return sorted(found)
