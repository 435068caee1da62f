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
    },
    "en": {
        "units_imported": "Imported {file}: {n} units ({level}; {same} already stored as given)",
        "units_unchanged": "All {same} units of {file} are already stored; nothing changed",
        "times_stored": "Stored {indicator}: {n} pairs (import #{id}, {vintage}; {unreachable} unreached)",
        "times_unchanged": "The same run was stored before (import #{id}); nothing changed",
        "created": "Project created: {root}",
        "demo_done": "Yangtze River Delta demo project built",
        "project": "project folder",
        "database": "database",
        "report": "report",
        "raw": "raw files",
        "open_report": "Open the report in a browser (works offline): {path}",
        "imported": "Imported {file}: {n} observations (import #{id}, {same} unchanged, {warn} warnings)",
        "unchanged": "{file} was imported before (import #{id}); nothing changed",
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
