"""Units are shown in the report's language."""

from __future__ import annotations

import pytest

from tongcheng.reports.i18n import MissingTranslationError, unit_label
from tongcheng.reports.model import IndicatorMeta


def test_unit_label_translates_known_units_only() -> None:
    assert unit_label("persons", "zh") == "人"
    assert unit_label("100 million CNY", "zh") == "亿元"
    assert unit_label("100 million CNY", "en") == "100 million CNY"
    assert unit_label("furlongs", "zh") == "furlongs"
    with pytest.raises(MissingTranslationError):
        unit_label("persons", "fr")


def test_indicator_meta_unit_in() -> None:
    meta = IndicatorMeta(code="pop", name_zh="人口", name_en="Population", unit="persons")
    assert (meta.unit_in("zh"), meta.unit_in("en")) == ("人", "persons")
