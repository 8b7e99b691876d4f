"""Text pages as readers meet them: served by a plain web server, shown in a terminal (one
direction per line, ambiguous-width characters wide), wrapped by each language's typography."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pipeline.build import build_site
from pipeline.catalogs.wrapping import POSSIBLE, possible_breaks, text_width
from pipeline.config import load_config
from pipeline.textpage import BOM, DISCLAIMER_RULE, RLM, WIDTH, wrap

FRENCH = (
    "En cas de doute, ne modifiez jamais la dose de vous‑même : informez-vous auprès de votre médecin "
    "ou de votre pharmacien, qui connaît l’ensemble de vos traitements et peut-être d’autres "
    "contre-indications, avant d’arrêter ou de réduire le traitement."
)
RUSSIAN = (
    "Валиум применяют при тревожности и мышечных спазмах, а также в ряде других случаев и состояний; "
    "с ним нельзя сочетать алкоголь, в особенности у пожилых, и о побочных эффектах к врачу следует "
    "обращаться сразу, а не ждать, у кого бы спросить."
)


def _rtl(line: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in line)


def test_no_line_ends_after_the_hyphen_of_a_word() -> None:
    """"Informez-/vous" is a typographic error in French; the text has "’", so it goes through the
    Unicode line-breaking rules, which do allow a break there (the test would catch it)."""
    breaks = possible_breaks(FRENCH)
    hyphen = FRENCH.index("informez-") + len("informez-")
    assert breaks[hyphen] == POSSIBLE  # what UAX #14 alone would allow
    for width in range(20, WIDTH + 1):
        lines = wrap(FRENCH, width, language="fr")
        assert " ".join(lines) == FRENCH
        assert not [line for line in lines if line.endswith("-") and line[-2:-1].isalpha()], width


def test_no_one_letter_word_at_a_line_end_where_typography_forbids_it() -> None:
    def one_letter_ends(lines: list[str]) -> list[str]:
        return [line for line in lines[:-1] if len(line.rsplit(" ", 1)[-1]) == 1 and line[-1].isalpha()]

    allowed = 0
    for width in range(20, WIDTH + 1):
        assert one_letter_ends(wrap(RUSSIAN, width, language="ru")) == [], width
        assert " ".join(wrap(RUSSIAN, width, language="ru")) == RUSSIAN
        allowed += len(one_letter_ends(wrap(RUSSIAN, width, language="en")))
    assert allowed > 0  # without the rule the same text does leave "и", "в", "с"… at line ends


def test_a_text_page_starts_with_a_byte_order_mark_and_rtl_lines_with_rlm(shipped_project: Path) -> None:
    build_site(load_config(shipped_project))
    build = shipped_project / "build"
    for page in build.glob("*/valium.txt"):
        raw = page.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), page
        assert raw.count(b"\xef\xbb\xbf") == 1
    arabic = (build / "ar" / "valium.txt").read_text(encoding="utf-8").removeprefix(BOM).split("\n")
    assert [line for line in arabic if _rtl(line) and not line.startswith(RLM)] == []
    assert [line for line in arabic if line.startswith(RLM) and not _rtl(line)] == []  # URLs, underlines stay as they are
    latin_first = [line for line in arabic if line.startswith(RLM) and unicodedata.bidirectional(line[1]) == "L"]
    assert latin_first, "the shipped Arabic page has lines that begin with a Latin word"
    german = (build / "de" / "valium.txt").read_text(encoding="utf-8")
    assert RLM not in german


def test_the_rule_line_is_72_columns_where_ambiguous_characters_are_wide(shipped_project: Path) -> None:
    build_site(load_config(shipped_project))
    assert text_width(DISCLAIMER_RULE, cjk=True) == text_width(DISCLAIMER_RULE) == WIDTH
    for locale in ("en", "ja", "ar", "ru"):
        lines = (shipped_project / "build" / locale / "valium.txt").read_text(encoding="utf-8").split("\n")
        assert lines.count(DISCLAIMER_RULE) == 1, locale
