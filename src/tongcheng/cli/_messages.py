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
        # h5: composite indices (index run / build / sensitivity)
        "h5_index_built": "综合指数 {code} 已构建: {n} 个{what} (指数运行 #{run}, 已存入数据库)",
        "h5_index_periods": "读取的时期: {periods}",
        "h5_kind_unit": "单元", "h5_kind_pair": "城市对", "h5_kind_metro": "都市圈",
        "h5_subject": "对象", "h5_score": "得分", "h5_rank": "排名", "h5_rank_best": "最好排名",
        "h5_rank_worst": "最差排名",
        "h5_files_written": "已写入 {n} 个文件到 {out}",
        "h5_periods_written": "{n} 个时期, 已写入 {m} 个文件到 {out}",
        "h5_summary_head": "{root} ({units} 个单元{label})",
        "h5_summary_tail": "缩尾处理: {w} 个指标; 对数变换: {l} 个",
        "h5_sens_done": "{method}: {runs} 次运行, 已写入 {n} 个文件到 {out}",
        "h5_sens_head": "因素(按总效应排序)             S1 [置信区间]           ST [置信区间]",
        "h5_widest": "排名区间最宽的: {items}",
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
        # h8: network, flows and network accessibility
        "nf_written": "已写入: {path}",
        "nf_build_done": ("{profile} 路网: {nodes} 个节点, {arcs} 条边 (读入 {n0} 个节点, {a0} 条边), "
                          "用时 {s} 秒"),
        "nf_matrix_done": "{o} 个起点 × {d} 个终点: {n} 个点对中 {r} 个可达, 用时 {s} 秒",
        "nf_isochrone_done": "{n} 个等时圈多边形 ({o} 个起点 × {b} 个分段) 已写入: {path}",
        "nf_coverage_head": "{weight} ({period}), 共 {n} 个单元:",
        "nf_points_missing": "找不到文件 {spec!r}(给出 --project 时可用单元选择,如 county 或 310100)",
        "nf_numbers": "应为以逗号分隔的递增正数,如 15,30,45,60;实为 {value!r}",
        "nf_suffix": "{name}: 应为以 {ends} 结尾的文件",
        "nf_matrix_needs": "请给出 --origins 和 --out(或用 --project 加 --store-as 把时间存入项目)",
        "nf_store_needs": "--store-as 需要 --project,且不能与 --out 或 --cutoff 同用",
        "nf_store_median": "--store-as 存储时间窗内的中位数;请保持 --percentiles 为 50",
        "nf_store_transit": ("--store-as transit 需要 --gtfs 和 --date(不给 --gtfs 时使用 "
                             "network build --gtfs 存入路网的时刻表);car、walk、bike 两者都不需要"),
        "nf_needs_demand": "--method {method} 需要 --demand-column",
        "nf_bands": "应为以分钟计的 上限:权重 对,如 10:1,20:0.68,30:0.22;实为 {value!r}",
        "nf_access_done": "{method}: {n} 个地点, 其中 {r} 个可达性 > 0",
        "nf_aggregate_done": "{n} 个 OD 对 ({periods}), 合计 {total} ({count}), 计算引擎 {backend}",
        "nf_members": "  {metro} (核心 {core}): {n} 个成员",
        "nf_stored_metro": "已作为都市圈 {code} 存入项目",
        "nf_no_od": "请给出 OD 文件,或用 --project 使用项目中已导入的通勤数据",
        "nf_no_commuters": ("{project} 中没有{when}通勤数据: 请先导入(tongcheng import stats FILE,"
                            "指标 commuters),或给出 OD 文件"),
        "nf_cores": "应为单元代码,如 310000 或 sh=310000;实为 {value!r}",
        "nf_custom": "--rule custom 需要 --threshold(百分数)",
        "nf_thresholds": "应为以逗号分隔的百分数,如 {example};实为 {value!r}",
        "nf_gravity_done": "{model} 引力模型 ({cf} 成本函数), {n} 个点对, AIC {aic}",
        "nf_coef": "  {name}: {coef} (标准误 {se})",
        "nf_ppml_done": "PPML(起点与终点固定效应), 偏差 {dev}",
        "nf_columns": "应为以逗号分隔的列名;实为 {value!r}",
        "nf_table_columns": "{name}: 应有列 {need};实有 {have}",
        "nf_regions_needed": "请给出 --regions FILE(列 code、region)或 --project DIR(区域 = 省)",
        "nf_border_row": "  {o} → {d}: 实际 {obs}, 预期 {exp}, 比值 {ratio}",
        "nf_needs_demand_file": "--measure complementarity 需要 --demand FILE",
        "nf_industry_done": "{measure}: {n} 行, 来自 {u} 个单元 × {k} 个产业",
        "nf_market_done": "{n} 个 {level} × 年份 值; 一体化指数中位数 {median}",
        "nf_combined": "  {code}: {n} 个单元",
        "nf_none_combined": "  没有可合并的都市圈",
        "nf_share_row": "  {core}: {weight} 的 {share} 在 {t} 分钟内 ({within} / {total})",
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
        # h5: composite indices (index run / build / sensitivity)
        "h5_index_built": "Index {code} built: {n} {what}s (index run #{run}, stored)",
        "h5_index_periods": "periods read: {periods}",
        "h5_kind_unit": "unit", "h5_kind_pair": "city pair", "h5_kind_metro": "metro",
        "h5_subject": "subject", "h5_score": "score", "h5_rank": "rank", "h5_rank_best": "best rank",
        "h5_rank_worst": "worst rank",
        "h5_files_written": "{n} files written to {out}",
        "h5_periods_written": "{n} periods, {m} files written to {out}",
        "h5_summary_head": "{root} ({units} units{label})",
        "h5_summary_tail": "winsorised: {w} indicator(s); log-transformed: {l}",
        "h5_sens_done": "{method}: {runs} runs, {n} files written to {out}",
        "h5_sens_head": "factor (by total index)        S1 [CI]                 ST [CI]",
        "h5_widest": "widest rank intervals: {items}",
        # h8: network, flows and network accessibility
        "nf_written": "written: {path}",
        "nf_build_done": ("{profile} graph: {nodes} nodes, {arcs} arcs (read {n0} nodes, {a0} arcs) "
                          "in {s} s"),
        "nf_matrix_done": "{o} origins x {d} destinations: {r} of {n} pairs reached in {s} s",
        "nf_isochrone_done": "{n} polygons ({o} origins x {b} bands) written: {path}",
        "nf_coverage_head": "{weight} ({period}) of {n} units:",
        "nf_points_missing": ("file {spec!r} not found (with --project it may name units, e.g. county "
                              "or 310100)"),
        "nf_numbers": ("expected increasing positive numbers separated by commas, e.g. 15,30,45,60; "
                       "got {value!r}"),
        "nf_suffix": "{name}: expected a file ending in {ends}",
        "nf_matrix_needs": "give --origins and --out (or --project with --store-as to store the times)",
        "nf_store_needs": "--store-as needs --project and takes neither --out nor --cutoff",
        "nf_store_median": "--store-as stores the median over the window; leave --percentiles at 50",
        "nf_store_transit": ("--store-as transit needs --gtfs and --date (without --gtfs: the feeds "
                             "stored in the graph by `network build --gtfs`); car, walk and bike take "
                             "neither"),
        "nf_needs_demand": "--method {method} needs --demand-column",
        "nf_bands": "expected bound:weight pairs in minutes, e.g. 10:1,20:0.68,30:0.22; got {value!r}",
        "nf_access_done": "{method}: {n} places, {r} with access > 0",
        "nf_aggregate_done": "{n} OD pairs ({periods}), total {total} ({count}) by {backend}",
        "nf_members": "  {metro} (core {core}): {n} member(s)",
        "nf_stored_metro": "stored in the project as metro {code}",
        "nf_no_od": "give an OD file, or --project to use the commuters imported into a project",
        "nf_no_commuters": ("no commuters{when} in {project}: import them first (tongcheng import stats "
                            "FILE with indicator commuters) or give an OD file"),
        "nf_cores": "expected unit codes such as 310000 or sh=310000; got {value!r}",
        "nf_custom": "--rule custom needs --threshold (percent)",
        "nf_thresholds": "expected percentages separated by commas, e.g. {example}; got {value!r}",
        "nf_gravity_done": "{model} gravity model ({cf} cost), {n} pairs, AIC {aic}",
        "nf_coef": "  {name}: {coef} (s.e. {se})",
        "nf_ppml_done": "PPML, origin and destination fixed effects, deviance {dev}",
        "nf_columns": "expected column names separated by commas; got {value!r}",
        "nf_table_columns": "{name}: expected columns {need}; got {have}",
        "nf_regions_needed": ("give --regions FILE (columns code, region) or --project DIR "
                              "(regions = provinces)"),
        "nf_border_row": "  {o} → {d}: observed {obs}, expected {exp}, ratio {ratio}",
        "nf_needs_demand_file": "--measure complementarity needs --demand FILE",
        "nf_industry_done": "{measure}: {n} row(s) from {u} unit(s) × {k} industries",
        "nf_market_done": "{n} {level} × year value(s); median integration {median}",
        "nf_combined": "  {code}: {n} unit(s)",
        "nf_none_combined": "  no metros combined",
        "nf_share_row": "  {core}: {share} of {weight} within {t} min ({within} of {total})",
    },
}


def msg(key: str, lang: str, **values: object) -> str:
    """Return a message in ``lang`` with ``values`` filled in."""
    return MESSAGES[lang][key].format(**values)


# h2 — import management (tongcheng import stats / list / show / revert).
MESSAGES["zh"].update({
    "imp_needs": ("请给出 {options}: 数据的来源与版本会随每个观测值记录。"
                  "不知道时请明确写 {options_unspecified},它会被记录并警告。"),
    "imp_reapplied": ("已重新应用 {file}: {n} 条观测值 (导入编号 #{id} 此前已撤销, 未变 {same} 条, "
                      "警告 {warn} 条)"),
    "imp_none": "项目中还没有导入",
    "imp_empty": "空单元格 {n} 个: 视为未填报,不是错误,未存储任何值",
    "imp_col_id": "编号", "imp_col_file": "文件", "imp_col_source": "来源", "imp_col_vintage": "版本",
    "imp_col_rows": "读取行数", "imp_col_obs": "观测值", "imp_col_by": "导入者", "imp_col_when": "时间 (UTC)",
    "imp_col_state": "状态",
    "imp_state_imported": "已导入", "imp_state_reverted": "已撤销",
    "imp_show_title": "导入 #{id}",
    "imp_show_file": "文件", "imp_show_kept": "原始文件副本", "imp_show_sha": "sha256",
    "imp_show_source": "来源", "imp_show_vintage": "版本", "imp_show_sheet": "工作表",
    "imp_show_rows": "读取行数", "imp_show_obs": "观测值", "imp_show_warnings": "警告",
    "imp_show_by": "导入者", "imp_show_at": "导入时间", "imp_show_state": "状态",
    "imp_show_events": "历史",
    "imp_kept_ok": "完整 (sha256 一致)", "imp_kept_missing": "缺失: 重新导入同一文件即可恢复",
    "imp_kept_bad": "与记录的 sha256 不符: 重新导入同一文件即可修复",
    "imp_reverted_state": "已于 {at} UTC 由 {by} 撤销",
    "imp_event": "  {at} UTC  {action}  {by}  {n} 条观测值{note}",
    "imp_action_imported": "导入", "imp_action_reverted": "撤销", "imp_action_reapplied": "重新应用",
    "imp_no_events": "  (无记录: 此导入早于导入历史功能)",
    "imp_reverted": ("已撤销导入 #{id} ({file}): 删除了 {n} 条观测值。导入记录和原始文件 {kept} 保留;"
                     "再次导入该文件即可恢复。计算指标请用 tongcheng indicators compute 更新。"),
})
MESSAGES["en"].update({
    "imp_needs": ("give {options}: the source and vintage of the figures are recorded with every "
                  "observation. If unknown, say so with {options_unspecified}; it is recorded and "
                  "warned about."),
    "imp_reapplied": ("Re-applied {file}: {n} observations (import #{id} had been reverted, "
                      "{same} unchanged, {warn} warnings)"),
    "imp_none": "The project has no imports yet",
    "imp_empty": "{n} empty cell(s): taken as not reported, not an error; nothing stored for them",
    "imp_col_id": "id", "imp_col_file": "file", "imp_col_source": "source", "imp_col_vintage": "vintage",
    "imp_col_rows": "rows", "imp_col_obs": "observations", "imp_col_by": "by",
    "imp_col_when": "when (UTC)", "imp_col_state": "state",
    "imp_state_imported": "imported", "imp_state_reverted": "reverted",
    "imp_show_title": "Import #{id}",
    "imp_show_file": "file", "imp_show_kept": "kept copy", "imp_show_sha": "sha256",
    "imp_show_source": "source", "imp_show_vintage": "vintage", "imp_show_sheet": "sheet",
    "imp_show_rows": "rows read", "imp_show_obs": "observations", "imp_show_warnings": "warnings",
    "imp_show_by": "imported by", "imp_show_at": "imported at", "imp_show_state": "state",
    "imp_show_events": "history",
    "imp_kept_ok": "whole (sha256 matches)",
    "imp_kept_missing": "missing: importing the same file again restores it",
    "imp_kept_bad": "does not match the recorded sha256: importing the same file again repairs it",
    "imp_reverted_state": "reverted on {at} UTC by {by}",
    "imp_event": "  {at} UTC  {action}  {by}  {n} observations{note}",
    "imp_action_imported": "imported", "imp_action_reverted": "reverted",
    "imp_action_reapplied": "re-applied",
    "imp_no_events": "  (none recorded: the import predates the import history)",
    "imp_reverted": ("Reverted import #{id} ({file}): {n} observations removed. The import record "
                     "and the raw file {kept} are kept; importing the file again restores it. "
                     "Update computed indicators with tongcheng indicators compute."),
})


# h3 — plausibility: indicators compute (exclusions, --strict) and indicators list columns.
MESSAGES["zh"].update({
    "ind_col_code": "指标", "ind_col_n_values": "数值个数", "ind_col_n_excluded": "排除的输入",
    "ind_col_status": "状态", "ind_col_name": "名称", "ind_col_unit": "单位",
    "ind_col_subject_kind": "对象", "ind_col_kind": "类型", "ind_col_direction": "方向",
    "ind_col_range": "取值范围", "ind_col_max_jump": "最大跳变",
    "ind_dir_up": "越高越好", "ind_dir_down": "越低越好",
    "ind_subject_unit": "单元", "ind_subject_pair": "单元对", "ind_subject_metro": "都市圈",
    "ind_kind_raw": "原始", "ind_kind_computed": "计算",
    "ind_excluded": "警告: {n} 个已存的输入值不合理,未用于本次计算(未删除;请核对后重新导入更正的文件):",
    "ind_excluded_more": "  … 另有 {n} 个",
    "ind_strict": "--strict: {failed} 个指标计算失败,{excluded} 个输入值被排除",
})
MESSAGES["en"].update({
    "ind_col_code": "indicator", "ind_col_n_values": "values", "ind_col_n_excluded": "excluded inputs",
    "ind_col_status": "status", "ind_col_name": "name", "ind_col_unit": "unit",
    "ind_col_subject_kind": "subject", "ind_col_kind": "kind", "ind_col_direction": "direction",
    "ind_col_range": "range", "ind_col_max_jump": "max jump",
    "ind_dir_up": "higher is better", "ind_dir_down": "lower is better",
    "ind_subject_unit": "unit", "ind_subject_pair": "pair", "ind_subject_metro": "metro",
    "ind_kind_raw": "raw", "ind_kind_computed": "computed",
    "ind_excluded": ("warning: {n} stored input value(s) are implausible and were left out of this "
                     "computation (not deleted; check them and import a corrected file):"),
    "ind_excluded_more": "  … and {n} more",
    "ind_strict": "--strict: {failed} indicator(s) failed, {excluded} input value(s) left out",
})

# h7: the Excel template
MESSAGES["zh"].update({
    "template_next": "请在第一个工作表“数据 data”中填写(说明见“说明 Instructions”),然后导入: "
                     "tongcheng import stats {path} --source 来源 --vintage 版本",
})
MESSAGES["en"].update({
    "template_next": "Fill in the first sheet ('数据 data'; see 'Instructions'), then import it: "
                     "tongcheng import stats {path} --source SOURCE --vintage RELEASE",
})
