"""UI strings: complete in both languages, and a missing key is a clear error."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from tongcheng import TongchengError
from tongcheng.reports import LANGS, STRINGS, MissingTranslationError, t


def test_languages_define_the_same_keys() -> None:
    assert LANGS == ("zh", "en")
    assert set(STRINGS["zh"]) == set(STRINGS["en"])
    assert all(v.strip() for table in STRINGS.values() for v in table.values())


def test_t_returns_each_language() -> None:
    assert t("section.map", "zh") == "地图"
    assert t("section.map", "en") == "Map"
    assert t("section.map") == "地图"


def test_missing_key_is_a_key_error_and_tongcheng_error() -> None:
    with pytest.raises(MissingTranslationError) as info:
        t("section.nope", "en")
    assert isinstance(info.value, KeyError) and isinstance(info.value, TongchengError)
    assert "section.map" in str(info.value)  # lists the keys of the group
    with pytest.raises(MissingTranslationError, match="not supported"):
        t("section.map", "fr")


def _keys_used_in_package() -> set[str]:
    root = files("tongcheng.reports")
    used: set[str] = set()
    sources = [root / "templates" / "report.html.j2"]
    sources += [p for p in (root / "templates" / "sections").iterdir() if p.name.endswith(".j2")]
    sources += [root / "builtin.py", root / "static" / "report.js", root / "static" / "map.js"]
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']""")
    for src in sources:
        used |= set(pattern.findall(src.read_text("utf-8")))
    return used


def test_every_key_used_by_the_report_exists() -> None:
    used = _keys_used_in_package()
    assert len(used) > 20
    assert used - set(STRINGS["zh"]) == set()
