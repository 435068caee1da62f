"""Chinese short names, unit kinds and pinyin romanisation of the units."""

from __future__ import annotations

import re

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


