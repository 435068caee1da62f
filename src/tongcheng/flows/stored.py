"""Flows kept in a project's store: commuting OD tables read back, delineations written in.

- :func:`od_from_observations` — the stored ``commuters`` pair observations of one period
  as an :class:`~tongcheng.flows.od.ODTable` (sample counts where the period has them);
- :func:`stored_metro_code` and :func:`store_delineation` — keep delineated areas as metro
  memberships of their own beside the adopted plans, never over them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._errors import DataError
from .._text import Text
from .od import ODTable

__all__ = ["COMMUTERS", "DERIVED_PREFIX", "od_from_observations", "store_delineation",
           "stored_metro_code"]

COMMUTERS = "commuters"
DERIVED_PREFIX = "tongcheng delineation"
_CODE_LENGTH = 32  # metro_areas.metro_code in the store


def od_from_observations(observations: pd.DataFrame, *, period: str | None = None,
                         indicator: str = COMMUTERS) -> ODTable | None:
    """Return the stored flows of one period, or ``None`` when none are stored.

    Parameters
    ----------
    observations
        Store observations (any kinds; the pair rows of ``indicator`` are used).
    period
        Period to read (default: the latest with flows).
    indicator
        Pair indicator holding the flows.

    Returns
    -------
    ODTable or None
        ``kind="commuting"``; ``value_kind="sample"`` when the period has sample counts
        (then only those are used: sample and expanded counts are never mixed), else
        ``"expanded"``.
    """
    rows = observations[(observations["indicator"] == indicator)
                        & (observations["subject_kind"] == "pair")]
    if rows.empty:
        return None
    period = str(rows["period"].max()) if period is None else str(period)
    rows = rows[rows["period"].astype(str) == period]
    if rows.empty:
        return None
    sample = rows["value_kind"] == "sample"
    rows = rows[sample] if sample.any() else rows
    frame = pd.DataFrame({"origin": rows["unit_code"].astype(str),
                          "destination": rows["partner_code"].astype(str),
                          "value": rows["value"].astype(float),
                          "flags": rows["flags"].fillna("").astype(str)})
    return ODTable.from_frame(frame, period=period, kind="commuting",
                              value_kind="sample" if sample.any() else "expanded")


def stored_metro_code(metro: str, version: str) -> str:
    """Return the store code of a delineated area: ``<metro>@<version>``.

    Examples
    --------
    >>> stored_metro_code("SH", "oecd_fua-2021")
    'SH@oecd_fua-2021'
    """
    code = f"{metro}@{version}"
    if len(code) > _CODE_LENGTH:
        msg = Text(f"存储的都市圈代码 {code!r} 超过 {_CODE_LENGTH} 个字符;请在 --cores "
                   "中用更短的都市圈名(如 sh=310100)或更短的版本",
                   f"the stored metro code {code!r} is longer than {_CODE_LENGTH} characters; "
                   "use a shorter metro name in --cores (e.g. sh=310100) or a shorter version")
        raise DataError(msg)
    return code


def store_delineation(store: Any, memberships: pd.DataFrame) -> pd.DataFrame:
    """Store delineated areas as metro memberships of their own, in one transaction.

    Each delineated metro *m* of version *v* is stored under the code ``m@v``
    (:func:`stored_metro_code`), so an adopted plan with the code *m* is never replaced;
    storing the same delineation again replaces its earlier members. The store knows
    the statuses ``adopted`` and ``draft`` only, so a delineation is stored as ``draft``
    with ``source_doc`` starting "tongcheng delineation" (what :func:`delineate` writes),
    which tells it apart from a planning draft.

    Parameters
    ----------
    store
        A :class:`~tongcheng.store.Store`.
    memberships
        The output of :func:`~tongcheng.flows.delineate` or
        :func:`~tongcheng.flows.combine_metros`.

    Returns
    -------
    pandas.DataFrame
        The rows written (stored codes).

    Raises
    ------
    DataError
        If ``memberships`` is empty or not a delineation, or a code gets too long.
    """
    if memberships.empty:
        msg = Text("没有可存储的划定成员;规则是否让每个都市圈只剩核心?",
                   "no delineated members to store; the rule left every metro with its core only?")
        raise DataError(msg)
    docs = memberships["source_doc"].fillna("").astype(str)
    if not docs.str.startswith(("tongcheng delineation", "tongcheng combination")).all():
        msg = Text("只有 tongcheng 划定的结果(source_doc 为 'tongcheng delineation "
                   "…')以此方式存储;已通过的规划请用 put_metros 存储",
                   "only delineations made by tongcheng (source_doc 'tongcheng delineation …') "
                   "are stored this way; store adopted plans with put_metros")
        raise DataError(msg)
    rows = memberships.copy()
    rows["metro_code"] = [stored_metro_code(str(m), str(v))
                          for m, v in zip(rows["metro_code"], rows["version"], strict=True)]
    rows["source_doc"] = docs.str.replace(r"; order \d+$", "", regex=True)
    rows["status"] = "draft"
    plans = store.metro_memberships().drop_duplicates("metro_code").set_index("metro_code")
    for metro, group in memberships.groupby("metro_code"):
        if metro in plans.index and (group["name_zh"] == metro).all():
            at = memberships.index[memberships["metro_code"] == metro]
            version = str(group["version"].iloc[0])
            rows.loc[at, "name_zh"] = f"{plans.at[metro, 'name_zh']}（通勤划定 {version}）"
            rows.loc[at, "name_en"] = f"{plans.at[metro, 'name_en']} (commuting delineation {version})"
    store.put_metros(rows)
    return rows
