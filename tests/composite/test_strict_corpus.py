"""A corpus of broken recipes and frameworks through `tongcheng index run`, in Chinese and English.

Every case must exit non-zero with a message naming the file, where in it, and the case's own
words in the command's language; never a traceback or a tongcheng bug; and leave the store as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.store.models import Import, IndexRun, Indicator, Observation

GOOD_RECIPE = ("steps:\n  - name: treat\n    params: {method: winsorise, winmax: 5}\n"
               "  - name: normalise\n    params: {method: minmax, params: {l_u: [0, 100]}}\n"
               "  - name: aggregate\n    params: {method: amean}\n")
GOOD_FRAMEWORK = ("code,level,parent,direction,weight\nrail_time_equiv,1,connect,-1,1\n"
                  "gravity_rail,1,connect,1,1\nkrugman_index,1,industry,1,1\nconnect,2,tc_pair_index,1,1\n"
                  "industry,2,tc_pair_index,1,1\ntc_pair_index,3,,1,1\n")

# (name, recipe text, en words, zh words)
RECIPES = [
    ("misspelt_params", GOOD_RECIPE.replace("params: {method: winsorise", "parms: {method: winsorise"),
     ["row 3 column 'steps[0].parms'", "did you mean params"], ["第 3 行", "改为 params"]),
    ("unknown_top_key", GOOD_RECIPE.replace("steps:", "stepz:"),
     ["column 'stepz'", "did you mean steps", "a list of steps"], ["「stepz」列", "改为 steps"]),
    ("malformed_yaml", "steps:\n  - name: normalise\n   params: {method: minmax\n",
     ["row 3", "valid YAML"], ["第 3 行", "有效的 YAML"]),
    ("steps_not_a_list", "steps: normalise\n", ["a list of steps"], ["步骤列表"]),
    ("params_not_a_mapping", "steps:\n  - name: normalise\n    params: 5\n",
     ["column 'steps[0].params'", "a mapping of parameters"], ["参数映射"]),
    ("winmax_text", GOOD_RECIPE.replace("winmax: 5", "winmax: five"),
     ["steps[0].params.winmax", "an integer"], ["整数"]),
    ("unknown_method", GOOD_RECIPE.replace("method: minmax", "method: minmaxx"),
     ["steps[1].params.method", "did you mean minmax"], ["改为 minmax"]),
    ("normaliser_param", GOOD_RECIPE.replace("l_u:", "lu:"),
     ["steps[1].params.params.lu", "did you mean l_u"], ["改为 l_u"]),
    ("unknown_step", GOOD_RECIPE.replace("name: normalise", "name: normalize"),
     ["steps[1]", "did you mean normalise"], ["改为 normalise"]),
    ("steps_out_of_order", "steps:\n  - name: aggregate\n  - name: normalise\n",
     ["row 3 column 'steps[1]'", "in the order"], ["的顺序"]),
    ("no_aggregate_step", "steps:\n  - name: normalise\n", ["an aggregate step"], ["aggregate 步"]),
    ("no_steps", "steps: []\n", ["an aggregate step"], ["aggregate 步"]),
    ("document_is_a_list", "- normalise\n- aggregate\n", ["a mapping with a list 'steps'"],
     ["含 steps 列表的映射"]),
    ("empty_file", "", ["a mapping with a list 'steps'"], ["含 steps 列表的映射"]),
    ("bad_level", GOOD_RECIPE + "level: town\n", ["column 'level'", "one of province, city, county"],
     ["以下之一: province, city, county"]),
    ("bad_period_type", GOOD_RECIPE + "period: [2020]\n", ["column 'period'", "a year"], ["年份"]),
    ("unknown_weight_set", GOOD_RECIPE.replace("params: {method: amean}", "params: {weights: expert}"),
     ["step aggregate cannot run", "no weight set named 'expert'"], ["没有名为 'expert' 的权重组"]),
    ("percentiles_not_numbers", GOOD_RECIPE.replace(
        "params: {method: winsorise, winmax: 5}", "params: {method: percentile, percentiles: [low, high]}"),
     ["step treat cannot run", "steps[0].params"], ["treat 步无法运行"]),
]

# (name, framework text or bytes, en words, zh words)
FRAMEWORKS = [
    ("missing_level_column", GOOD_FRAMEWORK.replace("code,level,", "code,lvl,"),
     ["column 'level'", "a column named level or Level", "rename column 'lvl' to level"],
     ["名为 level 或 Level 的列", "改名为 level"]),
    ("misspelt_weight_column", GOOD_FRAMEWORK.replace(",weight\n", ",weigth\n", 1),
     ["column 'weigth'", "did you mean weight"], ["改为 weight"]),
    ("weight_text", GOOD_FRAMEWORK.replace("gravity_rail,1,connect,1,1", "gravity_rail,1,connect,1,heavy"),
     ["row 3 column 'weight'", "a number"], ["第 3 行", "数值"]),
    ("negative_weight", GOOD_FRAMEWORK.replace("gravity_rail,1,connect,1,1", "gravity_rail,1,connect,1,-2"),
     ["row 3 column 'weight'", "a finite weight ≥ 0"], ["≥ 0 的有限权重"]),
    ("cycle", GOOD_FRAMEWORK.replace("industry,2,tc_pair_index", "industry,2,krugman_index"),
     ["a tree without cycles"], ["没有循环的树"]),
    ("duplicate_code", GOOD_FRAMEWORK.replace("krugman_index,1", "gravity_rail,1"),
     ["row 4 column 'code'", "a unique code", "also on row 3"], ["唯一的代码", "第 3 行也用了它"]),
    ("orphan", GOOD_FRAMEWORK.replace("krugman_index,1,industry", "krugman_index,1,industri"),
     ["row 4 column 'parent'", "orphan"], ["孤立行"]),
    ("direction_two", GOOD_FRAMEWORK.replace("gravity_rail,1,connect,1", "gravity_rail,1,connect,2"),
     ["row 3 column 'direction'", "1 or -1"], ["1 或 -1"]),
    ("two_roots", GOOD_FRAMEWORK.replace("industry,2,tc_pair_index", "industry,2,"),
     ["exactly one root"], ["恰好一个根"]),
    ("level_not_integer", GOOD_FRAMEWORK.replace("connect,2,", "connect,1.5,"),
     ["row 5 column 'level'", "an integer"], ["整数"]),
    ("empty_file", "", ["a header row and rows"], ["表头行"]),
    ("header_only", "code,level,parent\n", ["at least one indicator"], ["至少一行指标"]),
    ("ragged_row", GOOD_FRAMEWORK.replace("gravity_rail,1,connect,1,1", "gravity_rail,1,connect,1,1,9,9"),
     ["row 3", "as many fields as the header"], ["每行列数与表头相同"]),
    ("gbk_encoded", GOOD_FRAMEWORK.replace("code,level", "代码,level").encode("gbk"),
     ["UTF-8 text"], ["UTF-8 文本"]),
    ("unknown_indicator", GOOD_FRAMEWORK.replace("krugman_index,1", "krugman_indx,1"),
     ["row 4 column 'code'", "krugman_index"], ["第 4 行", "相近的代码"]),
    ("blank_code", GOOD_FRAMEWORK.replace("krugman_index,1", ",1"),
     ["row 4 column 'code'", "a value"], ["非空的值"]),
]


@pytest.fixture(scope="module")
def shared(yrd_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One copy of the YRD project for the whole corpus: no case may change it (each checks)."""
    root = tmp_path_factory.mktemp("corpus") / "yrd"
    shutil.copytree(yrd_template, root)
    return Project.open(root)


def _state(project: Project) -> list[int]:
    """Rows of every table that a failed run could have touched."""
    with project.store() as store, store.engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (Observation, IndexRun, Indicator, Import)]


def _check(project: Project, args: list[str], name: str, en: list[str], zh: list[str]) -> None:
    before = _state(project)
    for lang, words in (("en", en), ("zh", zh)):
        out = CliRunner().invoke(cli, ["index", "run", *args, "--project", str(project.root), "--lang", lang])
        assert out.exit_code != 0, (name, lang, out.output)
        assert "Traceback" not in out.output and "tongcheng-bug" not in out.output, (name, out.output)
        assert name in out.output, (name, lang, out.output)  # the file is named
        for word in words:
            assert word in out.output, (name, lang, word, out.output)
    assert _state(project) == before, name


@pytest.mark.parametrize(("name", "text", "en", "zh"), RECIPES, ids=[r[0] for r in RECIPES])
def test_broken_recipe_is_a_located_bilingual_problem(shared: Project, tmp_path: Path, name: str,
                                                      text: str, en: list[str], zh: list[str]) -> None:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(text, encoding="utf-8")
    _check(shared, ["--recipe", str(recipe)], name, en, zh)


@pytest.mark.parametrize(("name", "text", "en", "zh"), FRAMEWORKS, ids=[f[0] for f in FRAMEWORKS])
def test_broken_framework_is_a_located_bilingual_problem(shared: Project, tmp_path: Path, name: str,
                                                         text: str | bytes, en: list[str],
                                                         zh: list[str]) -> None:
    framework = tmp_path / f"{name}.csv"
    if isinstance(text, bytes):
        framework.write_bytes(text)
    else:
        framework.write_text(text, encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(GOOD_RECIPE, encoding="utf-8")
    _check(shared, ["--framework", str(framework), "--recipe", str(recipe)], name, en, zh)


def test_good_definitions_of_the_corpus_build(yrd_project: Project, tmp_path: Path) -> None:
    """The corpus's base files are valid: each case fails for its own break, not another."""
    (tmp_path / "fw.csv").write_text(GOOD_FRAMEWORK, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(GOOD_RECIPE, encoding="utf-8")
    out = CliRunner().invoke(cli, ["index", "run", "--framework", str(tmp_path / "fw.csv"),
                                   "--recipe", str(tmp_path / "r.yaml"), "--project", str(yrd_project.root),
                                   "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "98 city pairs" in out.output


def test_missing_definition_file_is_bilingual(shared: Project, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    for option, path in (("--recipe", tmp_path / "nope.yaml"), ("--framework", tmp_path / "folder")):
        for lang, word in (("en", "is not a file"), ("zh", "找不到文件")):
            out = CliRunner().invoke(cli, ["index", "run", option, str(path), "--project", str(shared.root),
                                           "--lang", lang])
            assert out.exit_code == 1 and word in out.output and path.name in out.output, out.output


TOY_FRAMEWORK = "code,level,parent,direction\na,1,I,1\nb,1,I,-1\nI,2,,1\n"
TOY_DATA = "uCode,a,b\n310000,1,3\n320500,2,2\n330100,3,1\n"
DATA = [
    ("text_value", TOY_DATA.replace("320500,2,2", "320500,two,2"), ".csv",
     ["column 'a'", "a number (unit 320500)"], ["「a」列", "单元 320500 的数值"]),
    ("ragged", TOY_DATA.replace("320500,2,2", "320500,2,2,7"), ".csv", ["row 3", "as many fields"],
     ["第 3 行"]),
    ("gbk", TOY_DATA.replace("uCode", "单元").encode("gbk"), ".csv", ["UTF-8 text"], ["UTF-8 文本"]),
    ("missing_column", TOY_DATA.replace(",b\n", ",c\n"), ".csv", ["column 'b'", "a data column"],
     ["数据与指标体系不符"]),
    ("not_excel", b"this is not a workbook", ".xlsx", ["a readable Excel file"], ["可读的 Excel 文件"]),
    ("empty", "", ".csv", ["the file is empty"], ["数据表"]),
    ("folder", None, "", ["give a file, not a folder"], ["数据表"]),
]


@pytest.mark.parametrize(("name", "text", "suffix", "en", "zh"), DATA, ids=[d[0] for d in DATA])
def test_broken_data_table_of_index_build_is_located(tmp_path: Path, name: str, text: str | bytes | None,
                                                     suffix: str, en: list[str], zh: list[str]) -> None:
    data = tmp_path / f"{name}{suffix}"
    if text is None:
        data.mkdir()
    elif isinstance(text, bytes):
        data.write_bytes(text)
    else:
        data.write_text(text, encoding="utf-8")
    (tmp_path / "fw.csv").write_text(TOY_FRAMEWORK, encoding="utf-8")
    (tmp_path / "r.yaml").write_text("steps:\n  - name: normalise\n  - name: aggregate\n", encoding="utf-8")
    args = ["index", "build", "--framework", str(tmp_path / "fw.csv"), "--data", str(data),
            "--recipe", str(tmp_path / "r.yaml"), "--out", str(tmp_path / "out")]
    for lang, words in (("en", en), ("zh", zh)):
        out = CliRunner().invoke(cli, [*args, "--lang", lang])
        assert out.exit_code == 2, (name, out.output)
        assert "Traceback" not in out.output and "tongcheng-bug" not in out.output, out.output
        assert all(w in out.output for w in words), (name, lang, out.output)
    assert not (tmp_path / "out").exists()

