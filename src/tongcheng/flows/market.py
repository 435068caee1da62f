r"""Market integration from relative prices: the segmentation index of 桂琦寒 et al. (2006).

The input is a long table of *chained* category price indices (上年 = 100), as printed in
statistical yearbooks (分类居民消费价格指数 or 商品零售价格分类指数), one row per region,
year and category::

    region,year,category,index_prev_year_100
    330000,2019,食品烟酒,106.2
    330000,2019,衣着,101.8

``province_adcode``, ``code`` or ``unit_code`` are accepted in place of ``region``. Rows
of the all-items index (居民消费价格总指数 …) are dropped: the method works on categories.
See ``docs/market-segmentation.md`` for the format and a worked example.

- :func:`read_prices` — read and validate a table (CSV, Excel or a frame), every problem
  located by file, row and column;
- :func:`relative_price_changes` — :math:`|\Delta Q|` and its de-meaned value per pair,
  year and category;
- :func:`relative_price_variance` — :math:`\mathrm{Var}(q)` per pair and year;
- :func:`segmentation_index` — the variance with the integration index
  :math:`\sqrt{1/\mathrm{Var}(q)}`, per pair or per region.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text

__all__ = [
    "INDEX_RANGE",
    "PRICE_COLUMNS",
    "REGION_ALIASES",
    "TOTAL_CATEGORIES",
    "read_prices",
    "relative_price_changes",
    "relative_price_variance",
    "segmentation_index",
]

PRICE_COLUMNS = ("region", "year", "category", "index_prev_year_100")
REGION_ALIASES = ("region", "province_adcode", "code", "unit_code")
TOTAL_CATEGORIES = frozenset({"居民消费价格总指数", "商品零售价格总指数", "总指数", "total", "all items"})
INDEX_RANGE = (50.0, 200.0)

_PAIR_INDEX = ["from_code", "to_code", "year"]
_CITE = ("桂琦寒, 陈敏, 陆铭, 陈钊 (2006). 中国国内商品市场趋于分割还是整合: 基于相对价格法的分析. "
         "《世界经济》 29(2): 20–30")


def _text(values: pd.Series) -> pd.Series:
    out = values.astype("string").str.strip()
    return out.str.replace(r"\.0$", "", regex=True)


def read_prices(source: str | Path | pd.DataFrame, *, sheet: str | int | None = None,
                region: str | None = None, totals: Iterable[str] = TOTAL_CATEGORIES,
                ) -> pd.DataFrame:
    """Read and validate a table of chained category price indices.

    Parameters
    ----------
    source
        A CSV or Excel file (``.xlsx``/``.xls``), or a DataFrame already read.
    sheet
        Excel sheet name or number (first sheet by default).
    region
        Name of the region column; by default the first of ``region``,
        ``province_adcode``, ``code``, ``unit_code`` present.
    totals
        Category labels of all-items indices, dropped before the computation.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (str), ``year`` (int), ``category`` (str),
        ``index_prev_year_100`` (float), all-items rows dropped.

    Raises
    ------
    ValidationError
        Listing every problem with its file, row and column: a missing column, a blank
        region or category, a year that is not a whole number, an index that is not a
        number or lies outside 50–200 (a percent change written instead of the index),
        a region–year–category given twice.
    """
    if isinstance(source, pd.DataFrame):
        frame, file = source.copy(), ""
    else:
        path = Path(source)
        file = path.name
        from ..io.files import TABLE_AND_EXCEL_SUFFIXES, read_frame

        frame = read_frame(path, what=Text("价格指数表(region、year、category、index_prev_year_100)",
                                           "a price-index table (region, year, category, "
                                           "index_prev_year_100)"),
                           suffixes=TABLE_AND_EXCEL_SUFFIXES, sheet=sheet)
    sheet_name = None if sheet is None else str(sheet)
    frame.columns = [str(c).strip() for c in frame.columns]
    problems: list[Problem] = []
    region_col = region or next((c for c in REGION_ALIASES if c in frame.columns), None)
    if region_col is None or region_col not in frame.columns:
        problems.append(Problem(file, None, region or "region", None,
                                Text(f"区域列,名为 {', '.join(REGION_ALIASES)} 之一",
                                     f"a region column named one of {', '.join(REGION_ALIASES)}"),
                                Text("添加存放省或市代码的 'region' 列(或传入 region='列名')",
                                     "add a 'region' column with the province or city code "
                                     "(or pass region='your column')"), sheet_name))
    for col in PRICE_COLUMNS[1:]:
        if col not in frame.columns:
            problems.append(Problem(file, None, col, None,
                                    Text(f"名为 '{col}' 的列", f"a column named '{col}'"),
                                    Text(f"添加 '{col}' 列(见 docs/market-segmentation.md)",
                                         f"add a '{col}' column (see docs/market-segmentation.md)"),
                                    sheet_name))
    if problems or region_col is None:
        raise ValidationError(problems, summary=Text(f"{file or '输入'} 缺少 {len(problems)} 列",
                                                     f"{len(problems)} missing column(s) in "
                                                     f"{file or 'input'}"))
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # header is row 1

    def bad(mask: pd.Series, column: str, expected: Text, fix: Text) -> None:
        for idx in frame.index[mask.fillna(True).to_numpy(dtype=bool)]:
            raw = frame.at[idx, column]
            problems.append(Problem(file, int(rows[idx]), column, None if pd.isna(raw) else str(raw),
                                    expected, fix, sheet_name))

    out = pd.DataFrame({"region": _text(frame[region_col]), "category": _text(frame["category"])},
                       index=frame.index)
    bad(out["region"].isna() | (out["region"] == ""), region_col,
        Text("区域代码或名称", "a region code or name"), Text("填写区域", "fill in the region"))
    bad(out["category"].isna() | (out["category"] == ""), "category",
        Text("类别名称", "a category label"), Text("填写类别", "fill in the category"))
    year = pd.to_numeric(_text(frame["year"]), errors="coerce")
    bad(year.isna() | (year % 1 != 0), "year", Text("整数年份,如 2019", "a whole year such as 2019"),
        Text("年份写成纯数字(不带「年」)", "write the year as a plain number (no 年)"))
    index = pd.to_numeric(_text(frame["index_prev_year_100"]).str.replace(",", ""), errors="coerce")
    bad(index.isna(), "index_prev_year_100", Text("数值(上年 = 100)", "a number (previous year = 100)"),
        Text("指数写成纯数字,如 102.3", "write the index as a plain number, e.g. 102.3"))
    lo, hi = INDEX_RANGE
    bad(index.notna() & ((index < lo) | (index > hi)), "index_prev_year_100",
        Text(f"{lo:g} 到 {hi:g} 之间的指数(上年 = 100)", f"an index between {lo:g} and {hi:g} "
             "(previous year = 100)"),
        Text("年鉴给的是涨幅时,写 100 + 涨幅(2.3 % → 102.3)",
             "if the yearbook gives a percent change, write 100 + the change (2.3 % -> 102.3)"))
    out["year"], out["index_prev_year_100"] = year, index
    key = out[["region", "year", "category"]]
    dup = key.duplicated(keep=False) & key.notna().all(axis=1)
    first = key[dup].drop_duplicates()
    for idx in frame.index[dup & key.duplicated(keep="first")]:
        region_, year_, cat_ = key.loc[idx]
        orig = first[(first["region"] == region_) & (first["year"] == year_)
                     & (first["category"] == cat_)].index[0]
        problems.append(Problem(file, int(rows[idx]), "category", str(cat_),
                                Text(f"每个区域、年份和类别只有一行(第 {int(rows[orig])} 行已给出 "
                                     f"{region_} {int(year_)} {cat_})",
                                     f"one row per region, year and category (row {int(rows[orig])} "
                                     f"already gives {region_} {int(year_)} {cat_})"),
                                Text("删除重复行,或更正其区域、年份或类别",
                                     "delete the duplicate row or correct its region, year or category"),
                                sheet_name))
    if problems:
        raise ValidationError(problems, summary=Text(f"价格表 {file or '(输入)'} 中有 {len(problems)} 个问题",
                                                     f"{len(problems)} problem(s) in the price table "
                                                     f"{file or '(input frame)'}"))
    out = out[~out["category"].isin(set(totals))]
    out["year"] = out["year"].astype(int)
    out["region"] = out["region"].astype(str)
    out["category"] = out["category"].astype(str)
    return out[list(PRICE_COLUMNS)].reset_index(drop=True)


def _pair_list(regions: list[str], pairs: Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if pairs is None:
        return [(a, b) for n, a in enumerate(regions) for b in regions[n + 1:]]
    out: list[tuple[str, str]] = []
    unknown: set[str] = set()
    for pair in pairs:
        a, b = (str(p) for p in pair)
        unknown |= {a, b} - set(regions)
        if a == b:
            msg = Text(f"区域对 ({a}, {b}) 是同一区域;请给出两个不同的区域",
                       f"pair ({a}, {b}) compares a region with itself; give two different regions")
            raise DataError(msg)
        key = (min(a, b), max(a, b))
        if key not in out:
            out.append(key)
    if unknown:
        msg = Text(f"区域对中的区域不在价格表中: {', '.join(sorted(unknown))};价格表中有 "
                   f"{', '.join(regions)}",
                   f"pairs name regions not in the price table: {', '.join(sorted(unknown))}; "
                   f"the table has {', '.join(regions)}")
        raise DataError(msg)
    return out


def relative_price_changes(prices: pd.DataFrame, *, pairs: Iterable[tuple[str, str]] | None = None,
                           demean: bool = True) -> pd.DataFrame:
    r"""Absolute relative-price changes per pair, year and category, and their de-meaned values.

    For regions *i*, *j*, category *k* and year *t*, with chained indices
    :math:`I_{it}^k = 100\, P_{it}^k / P_{i,t-1}^k`:

    .. math::

        |\Delta Q_{ijt}^k|
          = \left| \ln\frac{P_{it}^k}{P_{jt}^k} - \ln\frac{P_{i,t-1}^k}{P_{j,t-1}^k} \right|
          = \left| \ln\frac{I_{it}^k}{100} - \ln\frac{I_{jt}^k}{100} \right|

        q_{ijt}^k = |\Delta Q_{ijt}^k| - \overline{|\Delta Q_{t}^k|}

    where the mean is over all pairs compared in year *t* for category *k*; subtracting
    it removes the part common to all pairs (a nationwide shock to one good), leaving
    the pair-specific part due to market segmentation and noise (桂琦寒 et al. 2006,
    following Parsley & Wei 2001).

    Parameters
    ----------
    prices
        Chained category indices; see :func:`read_prices` (raw tables are validated).
    pairs
        Region pairs to compare, e.g. the adjacent provinces; by default every pair.
        The mean removed depends on this set.
    demean
        ``False`` keeps :math:`q = |\Delta Q|` (no common-component removal), which is
        needed when only one pair exists.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_code, to_code, year, category, abs_dq, q``, ``from_code <
        to_code``; only categories both regions report in that year.

    Raises
    ------
    DataError
        If fewer than two regions are given, a pair names an unknown region, or a year
        has a single pair while ``demean`` is true (its de-meaned values are all zero).
    ValidationError
        If the table fails :func:`read_prices`.
    """
    table = read_prices(prices)
    regions = sorted(table["region"].unique())
    if len(regions) < 2:
        msg = Text(f"相对价格法两两比较区域,至少需要两个区域;表中有 {len(regions)} "
                   f"个({', '.join(regions) or '无'})。请补充其他区域相同类别和年份的数据("
                   "如其统计年鉴的分类价格指数表);跨区域对去均值需要三个或以上区域",
                   "relative prices compare regions pairwise, so at least two regions are needed; "
                   f"the table has {len(regions)} ({', '.join(regions) or 'none'}). Add the same "
                   "categories and years for other regions (e.g. from their statistical yearbooks' "
                   "分类价格指数 tables); de-meaning across pairs needs three or more regions")
        raise DataError(msg)
    table["lp"] = np.log(table["index_prev_year_100"] / 100.0)
    wide = table.pivot(index=["year", "category"], columns="region", values="lp")
    parts = []
    for a, b in _pair_list(regions, pairs):
        dq = (wide[a] - wide[b]).abs().dropna()
        if not dq.empty:
            parts.append(pd.DataFrame({"from_code": a, "to_code": b,
                                       "year": dq.index.get_level_values("year"),
                                       "category": dq.index.get_level_values("category"),
                                       "abs_dq": dq.to_numpy()}))
    if not parts:
        msg = Text("没有任何区域对在同一年份有共同类别;请检查年份和类别名称",
                   "no pair of regions reports a common category in the same year; check years and labels")
        raise DataError(msg)
    long = pd.concat(parts, ignore_index=True)
    if demean:
        n_pairs = long.groupby("year")[["from_code", "to_code"]].apply(
            lambda g: len(g.drop_duplicates()))
        single = sorted(int(y) for y in n_pairs.index[n_pairs < 2])
        if single:
            msg = Text(f"年份 {single} 只有一个区域对,去均值后的变化全为零;请增加第三个区域,"
                       "或用 demean=False(命令行 --no-demean)保留未调整的 |ΔQ|",
                       f"year(s) {single} have a single pair of regions, so the de-meaned changes are all "
                       "zero; add a third region, or pass demean=False to keep |ΔQ| unadjusted")
            raise DataError(msg)
        mean = long.groupby(["year", "category"])["abs_dq"].transform("mean")
        long["q"] = long["abs_dq"] - mean
    else:
        long["q"] = long["abs_dq"]
    return long.sort_values(["from_code", "to_code", "year", "category"]).reset_index(drop=True)


def relative_price_variance(prices: pd.DataFrame, *, pairs: Iterable[tuple[str, str]] | None = None,
                            demean: bool = True, ddof: int = 1) -> pd.Series:
    r"""Relative-price variance (market-segmentation index) per pair and year.

    .. math::

        V_{ijt} = \mathrm{Var}_k\!\left(q_{ijt}^k\right)
                = \frac{1}{n_k - \mathrm{ddof}} \sum_k \left(q_{ijt}^k - \bar q_{ijt}\right)^2

    the variance across categories of the de-meaned absolute relative-price changes of
    :func:`relative_price_changes`. A larger :math:`V` means relative prices of the two
    markets move apart more, i.e. a more segmented market; falling :math:`V` over the
    years is read as integration (the first law of one price; Parsley & Wei 1996).

    Parameters
    ----------
    prices
        Chained category indices; see :func:`read_prices`.
    pairs
        Region pairs to compare (default: every pair).
    demean
        Remove the category-year mean across pairs (default, as in 桂琦寒 et al. 2006).
    ddof
        Delta degrees of freedom of the variance: 1 (sample variance, as Stata's
        ``sd()``, the default) or 0.

    Returns
    -------
    pandas.Series
        Indexed by ``(from_code, to_code, year)``, named ``relative_price_variance``;
        pair-years with no more than ``ddof`` common categories are left out.

    Raises
    ------
    DataError
        As :func:`relative_price_changes`.

    Notes
    -----
    桂琦寒, 陈敏, 陆铭, 陈钊 (2006). 中国国内商品市场趋于分割还是整合: 基于相对价格法的分析.
    《世界经济》 29(2): 20–30. Parsley, D. C. & Wei, S.-J. (1996). Convergence to the law of
    one price without trade barriers or currency fluctuations. *Quarterly Journal of
    Economics* 111(4): 1211–1236. Parsley, D. C. & Wei, S.-J. (2001). Explaining the border
    effect. *Journal of International Economics* 55(1): 87–105.
    """
    if ddof not in (0, 1):
        msg = f"ddof is {ddof!r}; expected 1 (sample variance) or 0 (population variance)"
        raise DataError(msg)
    long = relative_price_changes(prices, pairs=pairs, demean=demean)
    grouped = long.groupby(_PAIR_INDEX)["q"]
    var = grouped.var(ddof=ddof)[grouped.count() > ddof]
    return var.rename("relative_price_variance")


def segmentation_index(prices: pd.DataFrame, *, pairs: Iterable[tuple[str, str]] | None = None,
                       level: str = "pair", demean: bool = True, ddof: int = 1) -> pd.DataFrame:
    r"""Market-segmentation index and its integration transform, per pair or per region.

    .. math::

        \mathrm{seg}_{ijt} = \mathrm{Var}_k(q_{ijt}^k), \qquad
        \mathrm{integ}_{ijt} = \sqrt{1 / \mathrm{seg}_{ijt}}

    With ``level="region"`` a region's segmentation is the mean of its pairs'
    variances in that year (e.g. over its adjacent provinces, 陆铭 & 陈钊 2009), and its
    integration index is :math:`\sqrt{1/\overline{\mathrm{seg}}}`.

    Parameters
    ----------
    prices
        Chained category indices; see :func:`read_prices`.
    pairs
        Region pairs to compare (default: every pair).
    level
        ``"pair"`` or ``"region"``.
    demean, ddof
        As :func:`relative_price_variance`.

    Returns
    -------
    pandas.DataFrame
        Columns ``segmentation``, ``integration`` (``inf`` where the variance is 0) and
        ``n`` (categories for a pair, pairs for a region); indexed by
        ``(from_code, to_code, year)`` or ``(region, year)``.

    Raises
    ------
    DataError
        If ``level`` is unknown, or as :func:`relative_price_changes`.

    Notes
    -----
    Segmentation: 桂琦寒 et al. (2006), 《世界经济》 29(2): 20–30. Integration index
    :math:`\sqrt{1/\mathrm{Var}(q)}`: 盛斌, 毛其淋 (2011). 贸易开放、国内市场一体化与中国省际
    经济增长: 1985—2008年. 《世界经济》 2011(11). Region averages: 陆铭, 陈钊 (2009).
    分割市场的经济增长. 《经济研究》 2009(3).
    """
    if level not in ("pair", "region"):
        msg = f"level is {level!r}; expected 'pair' or 'region'"
        raise DataError(msg)
    var = relative_price_variance(prices, pairs=pairs, demean=demean, ddof=ddof)
    if level == "pair":
        counts = relative_price_changes(prices, pairs=pairs, demean=demean).groupby(_PAIR_INDEX).size()
        out = pd.DataFrame({"segmentation": var, "n": counts.reindex(var.index)})
    else:
        flat = var.reset_index()
        both = pd.concat([flat.rename(columns={"from_code": "region"}).drop(columns="to_code"),
                          flat.rename(columns={"to_code": "region"}).drop(columns="from_code")])
        grouped = both.groupby(["region", "year"])["relative_price_variance"]
        out = pd.DataFrame({"segmentation": grouped.mean(), "n": grouped.size()})
    with np.errstate(divide="ignore"):
        out["integration"] = np.sqrt(1.0 / out["segmentation"].to_numpy(dtype=float))
    return out[["segmentation", "integration", "n"]]
