"""The shipped stylesheet: every text colour at WCAG AA in both colour schemes, and on paper."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import tinycss2

from pipeline.build import build_site
from pipeline.catalogs import read_po
from pipeline.config import load_config
from pipeline.extract import read_articles
from pipeline.ui import PACKAGE_TEMPLATES
from pipeline.update import po_path
from pipeline.verify import expected_disclaimer, verify_html
from pipeline.visibility import SiteStyles

CSS = (PACKAGE_TEMPLATES / "style.css").read_text(encoding="utf-8")
AA = 4.5


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb`` or ``#rgb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _declarations(rule: Any) -> Iterator[tuple[str, str]]:
    for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
        if item.type == "declaration":
            yield item.lower_name, tinycss2.serialize(item.value).strip()


def _rules(rules: list[Any], media: str = "") -> Iterator[tuple[str, str, dict[str, str]]]:
    """``(media, selector, declarations)`` for every style rule, ``@media`` blocks flattened."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield media, tinycss2.serialize(rule.prelude).strip(), dict(_declarations(rule))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
            yield from _rules(inner, tinycss2.serialize(rule.prelude).strip())


RULES = list(_rules(tinycss2.parse_stylesheet(CSS, skip_whitespace=True, skip_comments=True)))
SCHEMES = {"light": "", "dark": "(prefers-color-scheme: dark)", "print": "print"}


def properties(scheme: str) -> dict[str, str]:
    """The custom properties of ``:root`` in a scheme: the light values, overridden by its block."""
    values: dict[str, str] = {}
    for media in ("", SCHEMES[scheme]):
        for where, selector, declared in RULES:
            if where == media and selector == ":root":
                values.update({k: v for k, v in declared.items() if k.startswith("--")})
    return values


def _var(value: str, custom: dict[str, str]) -> str:
    found = re.fullmatch(r"var\((--[\w-]+)\)", value)
    assert found, f"a colour that is not a custom property: {value}"
    return custom[found.group(1)]


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_text_colour_meets_aa_on_its_background(scheme: str) -> None:
    """Each rule's ``color`` against the ``background`` the same rule sets (else the page's),
    with the values of the scheme; every colour is a custom property, so none escapes this."""
    custom = properties(scheme)
    page = _var("var(--bg)", custom)
    pairs = []
    for media, selector, declared in RULES:
        if media not in ("", SCHEMES[scheme]) or "color" not in declared:
            continue
        background = declared.get("background") or declared.get("background-color")
        behind = _var(background, custom) if background else page
        pairs.append((selector, _var(declared["color"], custom), behind))
    assert {s for s, _, _ in pairs} >= {"html", "body", "a", "a:visited", "header.site .home", ".byline", ".notice"}
    failing = {s: round(contrast(fg, bg), 2) for s, fg, bg in pairs if contrast(fg, bg) < AA}
    assert failing == {}
    # The link colour on the notice's background too (links may appear inside a notice).
    assert contrast(custom["--link"], custom["--notice-bg"]) >= AA


def test_the_dark_scheme_changes_every_colour_the_light_one_sets() -> None:
    light, dark = properties("light"), properties("dark")
    assert set(dark) == set(light)
    assert [k for k in light if light[k] == dark[k]] == []
    assert luminance(dark["--bg"]) < 0.05 < luminance(light["--bg"])


def test_on_paper_the_switcher_goes_link_targets_are_printed_headings_stay_with_their_text() -> None:
    printed = [(selector, declared) for media, selector, declared in RULES if media == "print"]
    rules = {selector: declared for selector, declared in printed}
    assert rules["nav.languages"]["display"] == "none"
    targets = [d for s, d in printed if "::after" in s and "http" in s]
    assert targets and all("attr(href)" in d["content"] for d in targets)
    headings = [d for s, d in printed if s.startswith("h1")]
    assert headings and headings[0]["break-after"] == "avoid-page"
    assert rules["aside.disclaimer"]["break-inside"] == "avoid"


def test_the_print_rules_do_not_hide_the_disclaimer(shipped_project: Path) -> None:
    """The print block's rules applied as if on screen: the visibility check, which reads the
    stylesheet as a browser would, still finds the disclaimer and its notice shown."""
    config = load_config(shipped_project)
    build_site(config)
    start = CSS.index("@media print {")
    inner = CSS[start + len("@media print {") : CSS.rindex("}")]
    as_screen = CSS + "\n" + inner + "\n"
    article = read_articles(config)[0]
    for code in ("en", "ar"):
        catalog = None if code == "en" else read_po(po_path(config, code, article.slug))
        html = (shipped_project / "build" / code / f"{article.slug}.html").read_text(encoding="utf-8")
        expected = expected_disclaimer(article, catalog, "en")
        assert verify_html(html, expected, code == "en", f"{code}/{article.slug}.html", SiteStyles(as_screen)) is None
        hiding = as_screen + "aside.disclaimer { display: none }\n"
        assert verify_html(html, expected, code == "en", f"{code}/{article.slug}.html", SiteStyles(hiding)) is not None
