r"""Market integration of region pairs from imported category price indices (relative prices).

Reads the raw unit indicators ``cpi_food`` … ``cpi_other`` (:data:`CPI_CATEGORIES`: the
eight CPI groups used since 2016, chained, previous year = 100; import format in
``docs/market-segmentation.md``) and registers the pair indicator ``market_integration``:
:math:`\sqrt{1 / \mathrm{Var}(q)}` of :func:`tongcheng.flows.market.segmentation_index`
(桂琦寒 et al. 2006) for every pair of regions of the same level (province with
province, city with city) that report categories in the same year. The common
component is removed over **all** pairs of that level and year, so at least three regions
are needed; years with fewer are left out.

Importing this module registers the indicator; it needs no data to import.
"""

from __future__ import annotations

import pandas as pd

from ..flows.market import segmentation_index
from .context import ComputeContext
from .registry import indicator

__all__ = ["CPI_CATEGORIES", "integration", "price_table"]

CPI_CATEGORIES: dict[str, str] = {
    "cpi_food": "食品烟酒", "cpi_clothing": "衣着", "cpi_housing": "居住",
    "cpi_household": "生活用品及服务", "cpi_transport": "交通通信",
    "cpi_education": "教育文化娱乐", "cpi_health": "医疗保健", "cpi_other": "其他用品及服务",
}
_MIN_REGIONS = 3


def price_table(ctx: ComputeContext) -> pd.DataFrame:
    """Return the stored category indices in the input format of :func:`read_prices`.

    Columns ``region, year, category, index_prev_year_100, level`` (level of the unit).
    """
    obs = ctx.observations
    rows = obs[obs["indicator"].isin(CPI_CATEGORIES.keys()) & (obs["subject_kind"] == "unit")]
    levels = ctx.units["level"] if "level" in ctx.units.columns else pd.Series(dtype=str)
    return pd.DataFrame({"region": rows["unit_code"].astype(str),
                         "year": rows["period"].astype(str).str[:4],
                         "category": rows["indicator"].map(CPI_CATEGORIES),
                         "index_prev_year_100": rows["value"].astype(float),
                         "level": rows["unit_code"].map(levels).fillna("unit")})


def integration(ctx: ComputeContext) -> pd.DataFrame:
    """Market integration √(1/Var(q)) of every region pair, per year and unit level."""
    table = price_table(ctx)
    parts = []
    for (_, _), group in table.groupby(["level", "year"]):
        if group["region"].nunique() < _MIN_REGIONS:
            continue
        seg = segmentation_index(group.drop(columns="level"), level="pair").reset_index()
        parts.append(pd.DataFrame({"from_code": seg["from_code"], "to_code": seg["to_code"],
                                   "period": seg["year"].astype(str), "value": seg["integration"],
                                   "flags": [f"segmentation={v:.6g};categories={n}" for v, n
                                             in zip(seg["segmentation"], seg["n"], strict=True)]}))
    if not parts:
        return pd.DataFrame(columns=["from_code", "to_code", "period", "value", "flags"]).set_index(
            ["from_code", "to_code"])
    out = pd.concat(parts)
    out = out[pd.to_numeric(out["value"]).between(0, float("inf"), inclusive="left")]
    return out.set_index(["from_code", "to_code"])


@indicator("market_integration", name_zh="商品市场一体化指数(城市对/省对)",
           name_en="Goods-market integration (region pair)", unit="index",
           subject_kind="pair", inputs=tuple(CPI_CATEGORIES), family="market",
           description_zh="√(1/Var(q)), q 为八类居民消费价格环比指数相对价格变动绝对值"
                          "去除同年同类均值后的值, "
                          "方差跨类别计算; 同级全部区域两两比较(至少3个区域); 越大市场越一体化",
           description_en="√(1/Var(q)), q = absolute relative-price change of the eight CPI groups "
                          "(chained indices) minus its mean over all pairs of that year and group, "
                          "variance across groups; every pair of regions of one level (three or more); "
                          "higher = more integrated",
           citation="桂琦寒, 陈敏, 陆铭, 陈钊 (2006) 《世界经济》 29(2): 20–30; "
                    "盛斌, 毛其淋 (2011) 《世界经济》(11)")
def _integration(ctx: ComputeContext) -> pd.DataFrame:
    return integration(ctx)
