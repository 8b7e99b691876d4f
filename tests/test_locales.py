from __future__ import annotations

import pytest

from pipeline.errors import LocaleError
from pipeline.locales import locale_info, normalize_locale


@pytest.mark.parametrize(("code", "normal"), [("de", "de"), ("pt-BR", "pt_BR"), ("pt_br", "pt_BR"), ("zh-Hans", "zh_Hans")])
def test_normalize(code: str, normal: str) -> None:
    assert normalize_locale(code) == normal


@pytest.mark.parametrize("code", ["", "../x", "de/../../etc", "de/x", "xx", "d", "de\n", "en_ZZZZZZZZZZ"])
def test_hostile_or_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(LocaleError):
        normalize_locale(code)


def test_locale_facts_from_babel() -> None:
    ar = locale_info("ar")
    assert (ar.direction, ar.native_name) == ("rtl", "العربية")
    assert locale_info("he").direction == "rtl"
    assert locale_info("fr").native_name == "Français"
    assert locale_info("pt_BR").tag == "pt-BR"
