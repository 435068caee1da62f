"""Names the report shows: one name per unit that no other unit of its level shares.

Two prefecture-level cities are called "Suzhou" in English (苏州市 in Jiangsu, 宿州市 in
Anhui), two "Taizhou" (泰州市, 台州市); districts repeat even in Chinese (鼓楼区 in Nanjing
and in Xuzhou). A reader cannot tell them apart in a table or tooltip, so a shared name
gets the province in parentheses, and the parent unit where the province is the same too.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["display_units"]

_OPEN = {"zh": "(", "en": " ("}
_CLOSE = {"zh": ")", "en": ")"}


def _qualified(units: pd.DataFrame, names: pd.Series, by: pd.Series, lang: str) -> pd.Series:
    """Add ``(name of the unit in `by`)`` to each name shared by two units of a level."""
    key = pd.DataFrame({"level": units["level"].astype(str), "name": names})
    shared = key.duplicated(["level", "name"], keep=False)
    parent_names = names.reindex(by.astype(str).to_numpy())
    parent_names.index = names.index
    ok = shared & parent_names.notna() & (by.astype(str) != names.index.to_series().astype(str))
    out = names.copy()
    out[ok] = names[ok] + _OPEN[lang] + parent_names[ok].astype(str) + _CLOSE[lang]
    return out


def display_units(units: pd.DataFrame) -> pd.DataFrame:
    """Return `units` with ``name_zh`` and ``name_en`` that no two units of a level share.

    Parameters
    ----------
    units
        A project's units (:meth:`tongcheng.store.Store.units`): index ``code``, columns
        ``name_zh``, ``name_en``, ``level``, ``parent_code`` and ``province_code``.

    Returns
    -------
    pandas.DataFrame
        A copy. A name that two or more units of the same level share gets the English
        (or Chinese) name of its province in parentheses — ``Suzhou (Jiangsu)`` and
        ``Suzhou (Anhui)``; if that still leaves two alike (two 鼓楼区 in Jiangsu) they get
        their parent unit's name instead — ``Gulou (Nanjing)``. A missing English name is
        the Chinese one. Names no other unit of the level shares are unchanged.

    Examples
    --------
    >>> u = pd.DataFrame({"name_zh": ["江苏省", "安徽省", "苏州市", "宿州市"],
    ...                   "name_en": ["Jiangsu", "Anhui", "Suzhou", "Suzhou"],
    ...                   "level": ["province", "province", "city", "city"],
    ...                   "parent_code": [None, None, "320000", "340000"],
    ...                   "province_code": ["320000", "340000", "320000", "340000"]},
    ...                  index=["320000", "340000", "320500", "341300"])
    >>> display_units(u)["name_en"].tolist()
    ['Jiangsu', 'Anhui', 'Suzhou (Jiangsu)', 'Suzhou (Anhui)']
    """
    out = units.copy()
    if out.empty:
        return out
    out["name_en"] = out["name_en"].where(out["name_en"].notna() & (out["name_en"] != ""),
                                          out["name_zh"])
    for lang in ("zh", "en"):
        col = f"name_{lang}"
        names = out[col].astype(str)
        province = out.get("province_code", pd.Series(index=out.index, dtype=object))
        first = _qualified(out, names, province.fillna(""), lang)
        key = pd.DataFrame({"level": out["level"].astype(str), "name": first})
        still = key.duplicated(["level", "name"], keep=False)
        parent = out.get("parent_code", pd.Series(index=out.index, dtype=object)).fillna("")
        second = _qualified(out, names, parent, lang)
        out[col] = first.where(~still, second)
    return out
