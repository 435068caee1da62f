"""City and province statistics, split by licence (official / Wikipedia CC BY-SA)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .common import OUT, PROVINCES

# ---------------------------------------------------------------------------------------------
# city statistics
# ---------------------------------------------------------------------------------------------

STAT_UNITS = {"亿元": "100 million CNY", "万人": "10,000 persons"}


def vintage_of(note: str) -> str:
    """Classify a source note into a release vintage (first matching rule wins)."""
    n = note
    if "revised after the 5th" in n:
        return "revised (5th economic census)"
    if "revised series" in n:
        return "revised series (NBS database)"
    if "before the 4th economic-census revision" in n:
        return "yearbook (before 4th economic-census revision)"
    if "江苏统计年鉴2023" in n:
        return "yearbook 2023"
    if "安徽统计年鉴" in n:
        return "yearbook 2022"
    if "preliminary" in n:
        return "preliminary bulletin"
    if "统计公报" in n:
        return "statistical bulletin"
    return "unspecified"


def build_city_stats(data: Path, units: pd.DataFrame) -> None:
    """Write city_stats.csv (41 cities) and province_stats.csv from derived/yrd_city_stats.csv."""
    d = pd.read_csv(data / "derived" / "yrd_city_stats.csv", dtype=str)
    names = units.set_index("code")["name_zh"]
    d["unit"] = d["unit"].map(STAT_UNITS)
    d["vintage"] = d["source_note"].map(vintage_of)
    d = d.rename(columns={"adcode": "code", "year": "period"})
    cols = [
        "code",
        "name",
        "indicator",
        "period",
        "value",
        "unit",
        "vintage",
        "source_url",
        "source_note",
    ]
    cities = set(units.loc[units["level"] == "city", "code"])
    city = d[d["code"].isin(cities)].copy()
    prov = d[d["code"].isin(PROVINCES)].copy()
    for df in (city, prov):
        df["name"] = df["code"].map(names)
    city = city[cols].sort_values(["code", "indicator", "period"])
    prov = prov[cols].sort_values(["code", "indicator", "period"])
    # Rows read off Wikipedia tables are CC BY-SA (the figures are official statistics, the
    # tables that carry them are not): they go to files of their own, under that licence.
    for df, name in ((city, "city_stats"), (prov, "province_stats")):
        wiki = df["source_url"].map(is_cc_by_sa_source)
        df[~wiki].to_csv(OUT / f"{name}.csv", index=False, encoding="utf-8")
        df[wiki].to_csv(OUT / f"{name}_{CC_BY_SA_SUFFIX}.csv", index=False, encoding="utf-8")
        print(f"{name}: {int((~wiki).sum())} rows from official sites and media, "
              f"{int(wiki.sum())} rows from Wikipedia tables (CC BY-SA 4.0)")
    print(
        f"city_stats: {len(city)} rows, {city.code.nunique()} cities; province_stats: {len(prov)} rows; "
        f"dropped national rows: {len(d) - len(city) - len(prov)}; vintages "
        f"{city.vintage.value_counts().to_dict()}"
    )


CC_BY_SA_SUFFIX = "wikipedia_cc_by_sa"
"""Suffix of the bundled tables whose rows come from Wikipedia (CC BY-SA 4.0)."""


def is_cc_by_sa_source(url: str) -> bool:
    """Whether a row's source URL is a Wikipedia page (or a mirror of one): CC BY-SA text."""
    host = url.split("/")[2] if "//" in url else url
    return "wikipedia" in host


