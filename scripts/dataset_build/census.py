"""census_city.csv and census_county.csv from leiii/census."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from .common import OUT, PROVINCES

# ---------------------------------------------------------------------------------------------
# census
# ---------------------------------------------------------------------------------------------

#: GB/T 4754-2017 sections (used by the 2020 tables). Letters name our indicators ``emp_<letter>``.
SECTIONS_2017 = [
    ("a", "农林牧渔业", "Agriculture, forestry, animal husbandry and fishery"),
    ("b", "采矿业", "Mining"),
    ("c", "制造业", "Manufacturing"),
    ("d", "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water supply"),
    ("e", "建筑业", "Construction"),
    ("f", "批发和零售业", "Wholesale and retail trade"),
    ("g", "交通运输、仓储和邮政业", "Transport, storage and postal services"),
    ("h", "住宿和餐饮业", "Accommodation and catering"),
    ("i", "信息传输、软件和信息技术服务业", "Information transmission, software and IT services"),
    ("j", "金融业", "Finance"),
    ("k", "房地产业", "Real estate"),
    ("l", "租赁和商务服务业", "Leasing and business services"),
    ("m", "科学研究和技术服务业", "Scientific research and technical services"),
    (
        "n",
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities management",
    ),
    ("o", "居民服务、修理和其他服务业", "Resident services, repair and other services"),
    ("p", "教育", "Education"),
    ("q", "卫生和社会工作", "Health and social work"),
    ("r", "文化、体育和娱乐业", "Culture, sports and entertainment"),
    (
        "s",
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
    ),
    ("t", "国际组织", "International organisations"),
]
#: Column order of the 20 industry columns in each workbook, as 2017 section letters. The 2010
#: tables follow GB/T 4754-2002, whose F/G/H are transport / IT / trade (2017: G/I/F); the 2010
#: workbook's headers for those three columns are garbled ("仓储和邮政业", "交通运输、计算机服务
#: 和软件业", "信息传输、批发和零售业") but the values follow the 2002 order.
INDUSTRY_ORDER_2020 = list("abcdefghijklmnopqrst")
INDUSTRY_ORDER_2010 = list("abcdegifhjklmnopqrst")

MIGRANT_2020 = {
    "pop_hukou_same_county": "户口登记地在外乡镇街道人口_本县",
    "pop_hukou_other_county_same_province": "户口登记地在外乡镇街道人口_本省其他县",
    "pop_from_other_province": "户口登记地在外乡镇街道人口_省外",
}
MIGRANT_2010 = {
    "pop_hukou_same_county": "迁入人口（人）-本县（市）/\n本市市区",
    "pop_hukou_other_county_same_province": "迁入人口（人）-本省其他县\n（市）、市区",
    "pop_from_other_province": "迁入人口（人）-外省",
}
AGE_GROUPS = {  # indicator: (lowest age, highest age or None)
    "age_0_14_share": (0, 14),
    "age_15_59_share": (15, 59),
    "age_60_share": (60, None),
    "age_65_share": (65, None),
}
COUNT_UNIT = "persons"
SAMPLE_UNIT = "persons (long-form sample)"


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _age_lower(col: str) -> int:
    m = re.search(r"(\d+)", col)
    return int(m.group(1)) if m else -1


def read_county_workbook(data: Path, year: int) -> pd.DataFrame:
    """Read one leiii county workbook into wide, additive counts keyed by the workbook's code.

    Returned columns: code, name, level (county|city|province), pop_resident, pop_urban,
    pop_rural, hh_persons, households, age counts age_<lo> (lower bound of the 5-year band),
    migrant counts, emp_total, emp_a … emp_t.
    """
    f = data / "raw" / "leiii_census" / f"census_county_{year}_v1.xlsx"
    d = pd.read_excel(f, dtype=str)
    code = d["区划代码"].fillna("")
    keep = code.str.match(r"^(31|32|33|34)\d{4}$")
    d = d[keep].copy()
    out = pd.DataFrame({"code": d["区划代码"].to_numpy()})
    if year == 2020:
        out["name"] = d["区县"].to_numpy()
        cols = {
            "pop_resident": "人口数_合计",
            "pop_urban": "城镇人口",
            "pop_rural": "乡村人口",
            "hh_persons": "家庭户人口数",
            "households": "家庭户数",
            "emp_total": "各种行业人口总计",
        }
        ages = [c for c in d.columns if re.match(r"^(男|女)_\d", c)]
        mig = MIGRANT_2020
        i0 = list(d.columns).index("各种行业人口总计") + 1
    else:
        out["name"] = d["地区"].to_numpy()
        cols = {
            "pop_resident": "合计",
            "pop_urban": "城镇人口",
            "pop_rural": "乡村人口",
            "hh_persons": "人口数",
            "households": "户数",
            "emp_total": "各种行业人口\n总计",
        }
        ages = list(d.columns[19:57])
        mig = MIGRANT_2010
        i0 = list(d.columns).index("各种行业人口\n总计") + 1
    for k, c in cols.items():
        out[k] = _num(d[c]).to_numpy()
    # 2010 leaves rural (or urban) empty where it is zero
    out["pop_rural"] = out["pop_rural"].fillna(out["pop_resident"] - out["pop_urban"])
    out["pop_urban"] = out["pop_urban"].fillna(out["pop_resident"] - out["pop_rural"])
    for lo in sorted({_age_lower(c) for c in ages}):
        sub = [c for c in ages if _age_lower(c) == lo]
        out[f"age_{lo}"] = d[sub].apply(_num).sum(axis=1, min_count=1).to_numpy()
    for k, c in mig.items():
        out[k] = _num(d[c]).to_numpy()
    order = INDUSTRY_ORDER_2020 if year == 2020 else INDUSTRY_ORDER_2010
    ind_cols = list(d.columns[i0 : i0 + 20])
    for letter, c in zip(order, ind_cols, strict=True):
        out[f"emp_{letter}"] = _num(d[c]).to_numpy()
    emp = [f"emp_{x}" for x in INDUSTRY_ORDER_2020]
    diff = (out[emp].sum(axis=1) - out["emp_total"]).abs().max()
    age_diff = (
        (out[[c for c in out if c.startswith("age_")]].sum(axis=1) - out["pop_resident"])
        .abs()
        .max()
    )
    print(
        f"census {year}: {len(out)} coded rows; max |Σ sections − total| = {diff}, "
        f"max |Σ ages − population| = {age_diff}"
    )
    out["level"] = np.where(
        out["code"].isin(PROVINCES) & (out["code"] != "310000") | (out["code"] == "310000"),
        "province",
        np.where(out["code"].str.endswith("00"), "city", "county"),
    )
    return out


def _derived(wide: pd.DataFrame) -> pd.DataFrame:
    """Add shares and household size computed from additive counts."""
    w = wide.copy()
    ages = {int(c[4:]): c for c in w.columns if re.match(r"^age_\d+$", c)}
    for ind, (lo, hi) in AGE_GROUPS.items():
        sel = [c for a, c in ages.items() if a >= lo and (hi is None or a <= hi)]
        w[ind] = (w[sel].sum(axis=1) / w["pop_resident"] * 100).round(2)
    w["households_size"] = (w["hh_persons"] / w["households"]).round(2)
    return w


def _to_long(
    w: pd.DataFrame, indicators: list[str], period: str, units: pd.DataFrame
) -> pd.DataFrame:
    names = units.set_index("code")["name_zh"]
    long = w.melt(id_vars=["code"], value_vars=indicators, var_name="indicator", value_name="value")
    long = long.dropna(subset=["value"])
    long["name"] = long["code"].map(names)
    long["period"] = period
    long["unit"] = long["indicator"].map(census_unit)
    return long[["code", "name", "indicator", "period", "value", "unit"]]


def census_unit(ind: str) -> str:
    """Return the unit of a census indicator code."""
    if ind.startswith("emp_"):
        return SAMPLE_UNIT
    if ind.endswith("_share"):
        return "%"
    if ind == "households_size":
        return "persons per household"
    return COUNT_UNIT


def _remap(
    wide: pd.DataFrame, year: int, current: set[str], changes: pd.DataFrame, report: list[str]
) -> pd.DataFrame:
    """Map county rows keyed by the codes of ``year`` to today's codes.

    A unit of today is kept only if every old unit that gave it territory went to it whole; the
    additive counts of those old units are summed. Everything else is dropped and reported.
    """
    from tongcheng.units.crosswalk import current_codes

    succ = {c: current_codes(c, since=year, current=current, changes=changes) for c in wide["code"]}
    receivers: dict[str, list[str]] = defaultdict(list)
    for old, news in succ.items():
        for n in news:
            receivers[n].append(old)
    for old, news in succ.items():
        if not news:
            name = wide.loc[wide["code"] == old, "name"].iloc[0]
            report.append(
                f"{year}: {old} {name} has no current successor (development zone or "
                "abolished without a recorded successor) — dropped"
            )
    keep_map = {}
    for new, olds in sorted(receivers.items()):
        partial = [o for o in olds if len(succ[o]) > 1]
        if partial:
            report.append(
                f"{year}: {new} dropped — receives part of "
                + ", ".join(f"{o}→{'/'.join(succ[o])}" for o in partial)
            )
            continue
        for o in olds:
            keep_map[o] = new
        if olds != [new]:
            report.append(f"{year}: {new} = sum of " + " + ".join(olds))
    w = wide[wide["code"].isin(keep_map)].copy()
    w["code"] = w["code"].map(keep_map)
    num = [c for c in w.columns if c not in ("code", "name", "level")]
    return w.groupby("code", as_index=False)[num].sum(min_count=1)


def _cities_2010(
    cty: pd.DataFrame,
    units: pd.DataFrame,
    counties: set[str],
    changes: pd.DataFrame,
    cols: list[str],
    report: list[str],
) -> pd.DataFrame:
    """Sum 2010 county rows by the city that holds their territory today."""
    from tongcheng.units.crosswalk import current_codes

    parent = units.set_index("code")["parent_code"]
    assign, broken = {}, set()
    for old in cty["code"]:
        cities = {
            parent[n] for n in current_codes(old, since=2010, current=counties, changes=changes)
        }
        if len(cities) == 1:
            assign[old] = cities.pop()
        elif cities:
            broken |= cities
            report.append(
                f"2010: county {old} split between cities {sorted(cities)}: "
                "their 2010 city totals are left out"
            )
    w = cty[cty["code"].isin(assign)].assign(city=lambda x: x["code"].map(assign))
    out = w.groupby("city")[cols].sum(min_count=1)
    return out.loc[sorted(set(out.index) - broken)]


def build_census(data: Path, units: pd.DataFrame) -> None:
    """Write census_city.csv and census_county.csv (long import layout)."""
    changes = pd.read_csv(OUT / "code_changes.csv", dtype={"old_code": str, "new_code": str})
    counties = set(units.loc[units["level"] == "county", "code"])
    cities = units.loc[units["level"] == "city", "code"].tolist()
    emp = ["emp_total"] + [f"emp_{x}" for x in INDUSTRY_ORDER_2020]
    county_inds = [
        "pop_resident",
        "pop_urban",
        "pop_rural",
        "households_size",
        *AGE_GROUPS,
        *MIGRANT_2020,
        *emp,
    ]
    report: list[str] = []
    county_long, city_emp = [], []
    for year in (2010, 2020):
        raw = read_county_workbook(data, year)
        cty = raw[raw["level"] == "county"]
        mapped = _remap(cty, year, counties, changes, report)
        county_long.append(_to_long(_derived(mapped), county_inds, str(year), units))
        if year == 2020:
            # city-total rows of the 2020 workbook (they include development zones); Shanghai = 310100
            crow = raw[raw["code"].isin(cities)].set_index("code")
        else:
            # 2010 city rows have 2010 territories: sum the 2010 county rows by today's city; a
            # city is left out if a 2010 county was split between it and another city
            crow = _cities_2010(cty, units, counties, changes, emp, report)
        city_emp.append(_to_long(crow.reset_index(names="code"), emp, str(year), units))
    county = pd.concat(county_long).sort_values(["code", "period", "indicator"])
    # city population and age structure: leiii city file (bulletin values on 2020 boundaries)
    cc = pd.read_csv(
        data / "raw" / "leiii_census" / "census_city_2010-2020_v1.csv",
        dtype=str,
        encoding="utf-8-sig",
    )
    cc = cc[cc["city_code"].isin(cities)]
    city_parts = []
    for y in ("2010", "2020"):
        w = pd.DataFrame({"code": cc["city_code"]})
        for ind, col in (
            ("pop_resident", "popu"),
            ("pop_urban", "popu_urban"),
            ("pop_rural", "popu_rural"),
            ("households_size", "household"),
            ("age_0_14_share", "age_0_14"),
            ("age_15_59_share", "age_15_59"),
            ("age_60_share", "age_60"),
            ("age_65_share", "age_65"),
        ):
            w[ind] = _num(cc[f"{col}_{y}"]).to_numpy()
        city_parts.append(_to_long(w, [c for c in w.columns if c != "code"], y, units))
    city = pd.concat(city_parts + city_emp).sort_values(["code", "period", "indicator"])
    for df in (city, county):
        counts = ~df["unit"].isin(["%", "persons per household"])
        df["value"] = pd.Series(
            [
                str(int(round(v))) if c else f"{float(v):g}"
                for v, c in zip(df["value"], counts, strict=True)
            ],
            index=df.index,
            dtype=object,
        )
    total = (
        city[(city.indicator == "pop_resident") & (city.period == "2020")]["value"]
        .astype(int)
        .sum()
    )
    print(
        f"census_city: {len(city)} rows, {city.code.nunique()} cities; Σ 2020 pop_resident = {total:,.0f}"
    )
    if int(total) != 235_213_670:
        sys.exit("Σ 2020 city population is not 235,213,670")
    print(
        f"census_county: {len(county)} rows, 2020 units {county[county.period == '2020'].code.nunique()}, "
        f"2010 units {county[county.period == '2010'].code.nunique()}"
    )
    city.to_csv(OUT / "census_city.csv", index=False, encoding="utf-8")
    county.to_csv(OUT / "census_county.csv", index=False, encoding="utf-8")
    (OUT / "census_mapping.txt").write_text("\n".join(report) + "\n", "utf-8")
    print("\n".join(report))


