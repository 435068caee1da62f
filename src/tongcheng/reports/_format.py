"""Number formatting shared by Python-rendered fragments and the page's JavaScript.

The JavaScript side (``fmt`` in ``static/report.js``) uses the same rule:
thousands separators ``,``, a fixed number of decimals per column, ``—`` when missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

__all__ = ["MISSING", "auto_decimals", "format_number"]

MISSING = "—"


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def auto_decimals(values: Iterable[object]) -> int:
    """Choose decimals for a column: 0 for whole numbers or ≥ 1000, else 1–3 by size.

    Parameters
    ----------
    values
        The column's values; missing ones are ignored.

    Returns
    -------
    int
        0, 1, 2 or 3.

    Examples
    --------
    >>> auto_decimals([1, 2, None]), auto_decimals([1234.5]), auto_decimals([0.05, 0.5])
    (0, 0, 3)
    """
    finite = [float(v) for v in values if not _is_missing(v)]  # type: ignore[arg-type]
    if not finite or all(v.is_integer() for v in finite):
        return 0
    top = max(abs(v) for v in finite)
    if top >= 1000:
        return 0
    if top >= 100:
        return 1
    if top >= 1:
        return 2
    return 3


def format_number(value: object, *, decimals: int | None = None) -> str:
    """Format a number with thousands separators; ``—`` when missing.

    Parameters
    ----------
    value
        A number (``None``/NaN/inf are missing).
    decimals
        Decimal places; ``None`` uses :func:`auto_decimals` on the value alone.

    Returns
    -------
    str
        E.g. ``"12,345.6"``.

    Examples
    --------
    >>> format_number(1234567.891, decimals=1), format_number(None), format_number(3)
    ('1,234,567.9', '—', '3')
    """
    if _is_missing(value) or not isinstance(value, Real | str):
        return MISSING
    number = float(value)
    places = auto_decimals([number]) if decimals is None else decimals
    return f"{number:,.{places}f}"
