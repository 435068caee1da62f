"""metros.csv: the metropolitan areas and their members."""

from __future__ import annotations

import pandas as pd

from .common import OUT

# ---------------------------------------------------------------------------------------------
# metropolitan areas
# ---------------------------------------------------------------------------------------------

SH_1P8_URL = "https://stufic.com/news/view?id=13046"
METROS = [
    # (metro_code, version, name_zh, name_en, core (short name or None), members, status,
    #  source_doc, issued, source_url)
    (
        "SH_1P8",
        "2022",
        "上海大都市圈",
        "Shanghai Metropolitan Area",
        "上海",
        ["上海", "苏州", "无锡", "常州", "南通", "宁波", "湖州", "嘉兴", "舟山"],
        "adopted",
        "《上海大都市圈空间协同规划》",
        "2022",
        SH_1P8_URL,
    ),
    (
        "SH_1P13",
        "draft",
        "上海大都市圈 1+13",
        "Shanghai Metropolitan Area (1+13, draft)",
        "上海",
        [
            "上海",
            "苏州",
            "无锡",
            "常州",
            "南通",
            "盐城",
            "泰州",
            "杭州",
            "宁波",
            "嘉兴",
            "湖州",
            "绍兴",
            "舟山",
            "宣城",
        ],
        "draft",
        "《上海大都市圈国土空间总体规划》（编制中）",
        "",
        "https://export.shobserver.com/sgh/detail?id=1484980",
    ),
    (
        "NJ",
        "2021",
        "南京都市圈",
        "Nanjing Metropolitan Area",
        "南京",
        ["南京", "镇江", "扬州", "淮安", "芜湖", "马鞍山", "滁州", "宣城", "320413", "320481"],
        "adopted",
        "《南京都市圈发展规划》",
        "2021-03-22",
        "http://js.people.cn/n2/2021/0416/c360301-34679474.html",
    ),
    (
        "HZ",
        "2020",
        "杭州都市圈",
        "Hangzhou Metropolitan Area",
        "杭州",
        ["杭州", "湖州", "嘉兴", "绍兴", "衢州", "黄山"],
        "adopted",
        "《杭州都市圈发展规划（2020-2035年）》",
        "2020-11-20",
        "",
    ),
    (
        "SXC",
        "2019",
        "苏锡常都市圈",
        "Suzhou-Wuxi-Changzhou Metropolitan Area",
        None,
        ["苏州", "无锡", "常州"],
        "adopted",
        "《长江三角洲区域一体化发展规划纲要》",
        "2019-12",
        "",
    ),
    (
        "HF",
        "2019",
        "合肥都市圈",
        "Hefei Metropolitan Area",
        "合肥",
        ["合肥", "淮南", "六安", "滁州", "芜湖", "马鞍山", "蚌埠", "340881"],
        "adopted",
        "合肥都市圈建设领导小组会议决定（蚌埠市整体加入）",
        "2019-09-05",
        "http://www.juece.net.cn/DocHtml/1/19/09/00003111.html",
    ),
    (
        "NB",
        "2021",
        "宁波都市圈",
        "Ningbo Metropolitan Area",
        "宁波",
        ["宁波", "舟山", "台州"],
        "adopted",
        "《宁波都市区建设行动方案》",
        "2021-02",
        "https://tokomodem.com/tzxw/202102/t20210226_22168518.shtml",
    ),
    (
        "SFQ",
        "2019",
        "长三角生态绿色一体化发展示范区",
        "Yangtze River Delta Eco-Green Integrated Development Demonstration Zone",
        None,
        ["310118", "320509", "330421"],
        "adopted",
        "《长三角生态绿色一体化发展示范区总体方案》",
        "2019-11-19",
        "http://kbm75.com/xw/kx/668050.html",
    ),
]


def build_metros(units: pd.DataFrame) -> None:
    """Write metros.csv (versioned memberships)."""
    cities = units[units["level"] == "city"].set_index("short_zh")["code"]
    names = units.set_index("code")["name_zh"]
    rows = []
    for mcode, ver, nzh, nen, core, members, status, doc, issued, url in METROS:
        core_code = "" if core is None else cities[core]
        for m in members:
            code = m if m.isdigit() else cities[m]
            rows.append(
                {
                    "metro_code": mcode,
                    "version": ver,
                    "name_zh": nzh,
                    "name_en": nen,
                    "core_code": core_code,
                    "member_code": code,
                    "member_name": names[code],
                    "status": status,
                    "source_doc": doc,
                    "issued": issued,
                    "source_url": url,
                }
            )
    df = pd.DataFrame(rows)
    df.to_csv(OUT / "metros.csv", index=False, encoding="utf-8")
    print("metros:", df.groupby("metro_code").size().to_dict())


