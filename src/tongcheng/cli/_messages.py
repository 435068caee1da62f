"""Messages the command line prints, in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "created": "已创建项目: {root}",
        "demo_done": "长三角示范项目已生成",
        "project": "项目目录",
        "database": "数据库",
        "report": "报告",
        "raw": "原始文件",
        "open_report": "用浏览器打开报告(离线可用): {path}",
        "imported": "已导入 {file}: {n} 条观测值 (导入编号 #{id}, 未变 {same} 条, 警告 {warn} 条)",
        "unchanged": "{file} 此前已导入 (导入编号 #{id}),未作任何改动",
        "metros_imported": "已导入 {file}: {n} 个都市圈, {m} 条成员记录",
        "warning": "警告",
        "problems": "{file}: 发现 {n} 个问题,未写入任何数据:",
        "computed": "已计算 {n} 个指标,共 {values} 个值",
        "template": "模板已写入: {path}",
        "exported": "已导出:",
        "step": "步骤",
        "index_done": "同城化指数已构建: {n} 个城市对 (指数运行 #{run}, 已存入数据库)",
        "units_imported": "已导入 {file}: {n} 个单元 (层级 {level}; 已存在且未变 {same} 个)",
        "units_unchanged": "{file} 的 {same} 个单元均已存在,未作任何改动",
        "times_stored": "已存入 {indicator}: {n} 个单元对 (导入 #{id}, 版本 {vintage}, 不可达 {unreachable})",
        "times_unchanged": "相同的计算此前已存入 (导入编号 #{id}),未作任何改动",
        "feeds_stored": "已将 {n} 个 GTFS 时刻表存入路网: {names}",
        "gtfs_needs_walk": "--gtfs 需要步行路网(公交出行的首末段为步行): 请用 --profile walk,而非 {profile}",
        "mode_profile": ("路网 {graph} 是按 {profile} 构建的;"
                         "请用 --profile {need} 重新构建,或改用 --mode {profile}"),
        "mode_store_as": "--mode {mode} 与 --store-as {store_as} 不一致;只给其一,或给相同的方式",
        "gtfs_needs_transit": "--gtfs 只用于 --mode transit,不用于 --mode {mode}",
        "no_feeds": ("路网 {graph} 中没有 GTFS 时刻表: 请给出 --gtfs FEED,"
                     "或用 tongcheng network build PBF --profile walk --gtfs FEED 重新构建"),
        "transit_date": "--mode transit(或 --gtfs)需要 --date(且不能给 --cutoff)",
    },
    "en": {
        "units_imported": "Imported {file}: {n} units ({level}; {same} already stored as given)",
        "units_unchanged": "All {same} units of {file} are already stored; nothing changed",
        "times_stored": "Stored {indicator}: {n} pairs (import #{id}, {vintage}; {unreachable} unreached)",
        "times_unchanged": "The same run was stored before (import #{id}); nothing changed",
        "feeds_stored": "{n} GTFS feed(s) stored in the graph: {names}",
        "gtfs_needs_walk": ("--gtfs needs a walk graph (transit trips start and end on foot): "
                            "use --profile walk, not {profile}"),
        "mode_profile": ("graph {graph} was built for {profile}; "
                         "rebuild with --profile {need} or use --mode {profile}"),
        "mode_store_as": ("--mode {mode} and --store-as {store_as} disagree; "
                          "give one of them, or the same mode"),
        "gtfs_needs_transit": "--gtfs is for --mode transit, not --mode {mode}",
        "no_feeds": ("graph {graph} holds no GTFS feeds: give --gtfs FEED, or rebuild it with "
                     "`tongcheng network build PBF --profile walk --gtfs FEED`"),
        "transit_date": "with --mode transit (or --gtfs) give --date (and no --cutoff)",
        "created": "Project created: {root}",
        "demo_done": "Yangtze River Delta demo project built",
        "project": "project folder",
        "database": "database",
        "report": "report",
        "raw": "raw files",
        "open_report": "Open the report in a browser (works offline): {path}",
        "imported": "Imported {file}: {n} observations (import #{id}, {same} unchanged, {warn} warnings)",
        "unchanged": "{file} was imported before (import #{id}); nothing changed",
        "metros_imported": "Imported {file}: {n} metropolitan areas, {m} member rows",
        "warning": "warning",
        "problems": "{file}: {n} problem(s) found; nothing was written:",
        "computed": "Computed {n} indicators, {values} values",
        "template": "Template written: {path}",
        "exported": "Exported:",
        "step": "step",
        "index_done": "Integration index built: {n} city pairs (index run #{run}, stored)",
    },
}


def msg(key: str, lang: str, **values: object) -> str:
    """Return a message in ``lang`` with ``values`` filled in."""
    return MESSAGES[lang][key].format(**values)
