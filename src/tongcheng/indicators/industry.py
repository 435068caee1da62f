"""Industry-structure indicators from the census employment by section (emp_a … emp_t).

Registers the pair indicator ``unido_similarity`` (structural similarity of two cities)
and the unit indicator ``lq_manufacturing`` (manufacturing location quotient against all
cities with data, i.e. the Yangtze River Delta in the default project). Both are computed
for each census year at city level, like ``krugman_index``.

Importing this module registers the indicators; it needs no data to import.
"""

from __future__ import annotations

import pandas as pd

from ..flows.industry import location_quotients, unido_similarity
from .context import ComputeContext
from .registry import indicator

__all__ = ["census_employment", "lq_manufacturing", "similarity"]

CENSUS_YEARS = ("2010", "2020")
EMPLOYMENT_SECTIONS = tuple(f"emp_{c}" for c in "abcdefghijklmnopqrst")
MANUFACTURING = "emp_c"  # GB/T 4754 section C 制造业


def census_employment(ctx: ComputeContext, year: str) -> pd.DataFrame:
    """Return city employment by section for one census year (empty when none is stored)."""
    present = [c for c in EMPLOYMENT_SECTIONS if ctx.has(c, year)]
    if not present:
        return pd.DataFrame()
    return ctx.wide(present, year, level="city").dropna(how="all").fillna(0.0)


def _frame(values: pd.Series, period: str) -> pd.DataFrame:
    out = pd.DataFrame({"period": period, "value": values.astype(float), "flags": ""})
    return out.dropna(subset=["value"])


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["period", "value", "flags"])


def similarity(ctx: ComputeContext) -> pd.DataFrame:
    """UNIDO similarity of every pair of cities in each census year."""
    parts = [_frame(unido_similarity(emp), year) for year in CENSUS_YEARS
             if len(emp := census_employment(ctx, year)) >= 2]
    return pd.concat(parts) if parts else _empty()


def lq_manufacturing(ctx: ComputeContext) -> pd.DataFrame:
    """Manufacturing location quotient of every city in each census year."""
    parts = []
    for year in CENSUS_YEARS:
        emp = census_employment(ctx, year)
        if MANUFACTURING in emp.columns and len(emp) >= 1:
            parts.append(_frame(location_quotients(emp)[MANUFACTURING], year))
    return pd.concat(parts) if parts else _empty()


@indicator("unido_similarity", name_zh="产业结构相似系数(城市对)",
           name_en="Industrial structure similarity (UNIDO, city pair)", unit="index (0–1)",
           subject_kind="pair", inputs=EMPLOYMENT_SECTIONS, family="structure", direction=-1,
           description_zh="S = Σ_k s_ik·s_jk / √(Σ_k s_ik² · Σ_k s_jk²), s 为20个行业门类就业占比(普查长表); "
                          "越接近1产业同构越明显",
           description_en="S = Σ_k s_ik·s_jk / √(Σ_k s_ik² · Σ_k s_jk²) over the 20 sections' employment "
                          "shares (census long form); near 1 = duplicated structures",
           citation="UNIDO (1979) World Industry since 1960: Progress and Prospects, United Nations")
def _similarity(ctx: ComputeContext) -> pd.DataFrame:
    return similarity(ctx)


@indicator("lq_manufacturing", name_zh="制造业区位商", name_en="Manufacturing location quotient",
           unit="ratio", subject_kind="unit", inputs=EMPLOYMENT_SECTIONS, family="structure",
           description_zh="LQ = (城市制造业就业 / 城市就业) / (全部城市制造业就业 / 全部城市就业); "
                          ">1 表示制造业相对集中(普查长表, 参照为有数据的全部城市)",
           description_en="LQ = (city manufacturing employment / city employment) / (the same for all "
                          "cities with data); > 1 = specialised in manufacturing (census long form)",
           citation="Isard (1960) Methods of Regional Analysis, MIT Press, ch. 7")
def _lq_manufacturing(ctx: ComputeContext) -> pd.DataFrame:
    return lq_manufacturing(ctx)
