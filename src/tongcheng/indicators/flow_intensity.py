r"""Urban flow intensity (城市流强度) from the census employment by section and GDP.

Registers the unit indicator ``urban_flow_intensity``: for every period with stored GDP,
the cities that have both GDP and census employment (``emp_a`` … ``emp_t``) of the census
year nearest to it (2020 for 2018–2024 GDP). The location quotients are taken against
every city with census employment in that year (the Yangtze River Delta in the default
project), not only those with GDP. Because the census employment is the long-form sample
(about 10 %), only shares enter: :math:`F_i = GDP_i \cdot E_i / G_i` does not depend on the
sampling rate.

Importing this module registers the indicator; it needs no data to import.
"""

from __future__ import annotations

import pandas as pd

from ..flows.network import urban_flow_intensity
from .context import ComputeContext
from .industry import CENSUS_YEARS, EMPLOYMENT_SECTIONS, census_employment
from .registry import indicator

__all__ = ["GDP", "flow_intensity"]

GDP = "gdp"


def _nearest_census(period: str) -> str:
    year = int(str(period)[:4])
    return min(CENSUS_YEARS, key=lambda c: (abs(int(c) - year), -int(c)))


def flow_intensity(ctx: ComputeContext) -> pd.DataFrame:
    """Urban flow intensity of every city with GDP, per GDP period (100 million CNY)."""
    obs = ctx.observations
    gdp_rows = obs[(obs["indicator"] == GDP) & (obs["subject_kind"] == "unit")]
    parts = []
    for period in sorted(gdp_rows["period"].astype(str).unique()):
        year = _nearest_census(period)
        emp = census_employment(ctx, year)
        gdp = ctx.series(GDP, period, level="city")
        have = emp.index.intersection(gdp.index)
        if emp.empty or have.empty:
            continue
        table = urban_flow_intensity(emp.loc[have], gdp.loc[have], reference=emp)
        parts.append(pd.DataFrame({"period": period, "value": table["intensity"],
                                   "flags": f"employment=census {year}"}))
    if not parts:
        return pd.DataFrame(columns=["code", "period", "value", "flags"]).set_index("code")
    out = pd.concat(parts)
    out.index.name = "code"
    return out


@indicator("urban_flow_intensity", name_zh="城市流强度", name_en="Urban flow intensity",
           unit="100 million CNY", subject_kind="unit", inputs=(GDP, *EMPLOYMENT_SECTIONS),
           family="flows",
           description_zh="F = GDP × Σ_k E_k / G, E_k 为区位商 > 1 的行业 k 的外向就业"
                          "(超出区域平均结构的就业), G 为城市总就业(最近普查年长表), "
                          "区位商以有普查数据的全部城市为参照",
           description_en="F = GDP × Σ_k E_k / G, where E_k is the outward employment (above the "
                          "region's structure) of the sections with location quotient > 1 and G the "
                          "city's employment (nearest census long form); quotients against every "
                          "city with census data",
           citation="朱英明、于念文 (2002) 沪宁杭城市密集区城市流研究, 《城市规划汇刊》(1): 31–33")
def _flow_intensity(ctx: ComputeContext) -> pd.DataFrame:
    return flow_intensity(ctx)
