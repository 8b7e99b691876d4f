"""Verification: every rendered page is read back and its disclaimer checked before publishing.

The guarantee, for every output (HTML and text, every locale): the disclaimer is there exactly
once, complete, as the last block of the article — the locale's translation when the publish
rule (:func:`pipeline.policy.verdict`, with the locale's policy) accepts it, otherwise the
English text (``lang="en"`` in HTML).

The check does not trust the renderer or the templates: the expected text is computed anew
from the source and the catalogue, and the page is parsed (HTML with an HTML parser, text by
its layout), never grepped. A template that drops or truncates the disclaimer, or a renderer
that would publish a fuzzy translation, fails here, and nothing is published.

The short notice near the top that points to the disclaimer is held to the same standard:
computed anew from the ``ui`` catalogue (its approved translation, else the English, marked as
such), there exactly once near the top, linking to the disclaimer's container, visible. A text
page must start with the UTF-8 byte order mark that lets browsers read it.

Present is not enough: the disclaimer must also be visible. :mod:`pipeline.visibility` reads
the same page for anything that could hide it (attributes, styles from the page and from the
published ``style.css``, scripts) and refuses what it cannot rule out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalogs import Catalog
from .config import PublishPolicy
from .inline import render_plain
from .policy import verdict
from .segments import extract_segments
from .sources import Article
from .textpage import BOM, DISCLAIMER_NOTICE, DISCLAIMER_RULE, RLM
from .ui import CatalogTranslations
from .visibility import SiteStyles, check_visibility, parse_document
from .visibility.tree import Document, Element

REQUIRED_ATTR = "data-required"
NOTICE_ATTR = "data-notice"
NOTICE_PLACE = 4
"""The notice is one of the article's first elements (after the title, the byline and at most
one other notice)."""
_SPACE = re.compile(r"\s+")
_LINK_NUMBER = re.compile(r"\[\d+\]")
_LINK_LINE = re.compile(r"\[\d+\] \S+")


@dataclass(frozen=True, slots=True)
class ExpectedDisclaimer:
    """What a page of one article in one locale must end with."""

    text: str
    """The disclaimer as plain text, whitespace normalized."""
    translated: bool
    """The locale's translation (else the English, marked as such)."""
    source_tag: str
    """The ``lang`` a fallback disclaimer must carry (``en``)."""
    present: bool = True
    """The article has a disclaimer (``require_disclaimer = false`` allows articles without)."""
    notice: ExpectedNotice | None = None
    """The notice the page must show near its top (``None``: not checked)."""


@dataclass(frozen=True, slots=True)
class ExpectedNotice:
    """The short notice near the top of a page that points to its disclaimer."""

    text: str
    translated: bool
    """The locale's approved translation (else the English, marked ``lang="en"`` in HTML)."""


def expected_notice(ui: Catalog | None, policy: PublishPolicy = PublishPolicy()) -> ExpectedNotice:
    """The notice a page of a locale whose ``ui`` catalogue is ``ui`` must show (``None``: the
    source language), decided from the catalogue and the locale's publish policy alone."""
    translations = CatalogTranslations(ui, policy)
    shown = translations.gettext(DISCLAIMER_NOTICE)
    return ExpectedNotice(normalized(shown), ui is None or translations.translates(DISCLAIMER_NOTICE))


def normalized(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def expected_disclaimer(
    article: Article,
    catalog: Catalog | None,
    source_tag: str,
    policy: PublishPolicy = PublishPolicy(),
    notice: ExpectedNotice | None = None,
) -> ExpectedDisclaimer:
    """The disclaimer a page must show, decided from the source, the catalogue and the locale's
    publish policy alone (and the notice pointing to it, when given)."""
    required = [s.text for s in extract_segments(article) if s.required]
    messages = {m.msgid: m for m in catalog.active if m.msgctxt is None} if catalog is not None else {}
    usable = catalog is not None and all(verdict(t, messages.get(t), policy, required=True).usable for t in required)
    shown = [messages[t].msgstr[0] if usable else t for t in required]
    plain = " ".join(render_plain(text, src, article.markup, None, article.references) for text, src in zip(shown, required))
    return ExpectedDisclaimer(normalized(plain), usable, source_tag, present=bool(required), notice=notice if required else None)


def verify_html(
    html: str, expected: ExpectedDisclaimer, page_is_source: bool, page: str = "page.html", site: SiteStyles = SiteStyles()
) -> str | None:
    """``None`` if the page keeps the guarantee, else why not (one phrase). ``page`` is the
    page's path in the build, ``site`` the stylesheet and settings :mod:`pipeline.visibility`
    checks it with."""
    tree = parse_document(html, REQUIRED_ATTR)
    marked = [e for e in tree.all if REQUIRED_ATTR in e.attrs]
    if not expected.present:
        return "a disclaimer container on the page of an article without a disclaimer" if marked else None
    if not marked and tree.raw_holders:
        return f"the disclaimer is inside <{tree.raw_holders[0]}>, whose content browsers show as text or not at all"
    if not marked:
        return "the disclaimer is missing"
    if len(marked) > 1:
        return f"the disclaimer appears {len(marked)} times"
    disclaimer = marked[0]
    articles = [e for e in tree.all if e.tag == "article"]
    if len(articles) != 1 or not articles[0].children or articles[0].children[-1] is not disclaimer:
        return "the disclaimer is not the last block of the article"
    shown = normalized("".join(disclaimer.text))
    if shown != expected.text:
        return _difference(shown, expected)
    whole = normalized("".join(tree.root.text))
    if whole.count(expected.text) != 1:
        return "the disclaimer text appears more than once"
    lang = disclaimer.attrs.get("lang")
    if not expected.translated and not page_is_source and lang != expected.source_tag:
        return f"the English disclaimer is not marked lang=\"{expected.source_tag}\""
    notice = None
    if expected.notice is not None:
        notice, why = _find_notice(tree, articles[0], disclaimer, expected, page_is_source)
        if why:
            return why
    hidden = check_visibility(tree, disclaimer, page, site)
    if hidden or notice is None:
        return hidden
    hidden = check_visibility(tree, notice, page, site)
    return hidden.replace("the disclaimer is hidden", "the notice pointing to the disclaimer is hidden") if hidden else None


def _find_notice(
    tree: Document, article: Element, disclaimer: Element, expected: ExpectedDisclaimer, page_is_source: bool
) -> tuple[Element | None, str | None]:
    """The notice near the top of the article that links to the disclaimer, or why it fails."""
    assert expected.notice is not None
    marked = [e for e in tree.all if NOTICE_ATTR in e.attrs]
    if not marked:
        return None, "the notice pointing to the disclaimer is missing"
    if len(marked) > 1:
        return None, f"the notice pointing to the disclaimer appears {len(marked)} times"
    notice = marked[0]
    if notice.parent is not article or notice not in article.children[:NOTICE_PLACE]:
        return None, "the notice pointing to the disclaimer is not at the top of the article"
    target = disclaimer.attrs.get("id")
    links = [e for e in tree.all if e.tag == "a" and _inside(e, notice)]
    if not target or not links or any(link.attrs.get("href") != f"#{target}" for link in links):
        return None, "the notice does not link to the disclaimer's id"
    if sum(1 for e in tree.all if e.attrs.get("id") == target) != 1:
        return None, f"the disclaimer's id {target!r} is not unique on the page"
    shown = normalized("".join(notice.text))
    if shown != expected.notice.text:
        return None, f"the notice pointing to the disclaimer differs from the expected text: {shown[:60]!r}"
    if not expected.notice.translated and not page_is_source and notice.attrs.get("lang") != expected.source_tag:
        return None, f"the English notice pointing to the disclaimer is not marked lang=\"{expected.source_tag}\""
    return notice, None


def _inside(element: Element, ancestor: Element) -> bool:
    node: Element | None = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def verify_text(text: str, expected: ExpectedDisclaimer) -> str | None:
    """The same guarantee for a text page: one rule line, then the disclaimer, then only links;
    the notice among the first paragraphs; the byte order mark first."""
    if not text.startswith(BOM):
        return "the text page does not start with the UTF-8 byte order mark browsers need to read it"
    text = text[len(BOM) :]
    lines = [line.removeprefix(RLM) for line in text.split("\n")]
    rules = [i for i, line in enumerate(lines) if line == DISCLAIMER_RULE]
    if not expected.present:
        return "a disclaimer rule line on the page of an article without a disclaimer" if rules else None
    if not rules:
        return "the disclaimer is missing (no disclaimer rule line)"
    if len(rules) > 1:
        return f"the disclaimer appears {len(rules)} times"
    tail = lines[rules[0] + 1 :]
    while tail and not tail[-1].strip():
        tail.pop()
    links = 0
    while tail and _LINK_LINE.fullmatch(tail[-1]):
        tail.pop()
        links += 1
    if links and tail:
        tail.pop()  # the translated "Links:" label
    # Wrapping moved line ends (and, between CJK characters, added them where no space was), so
    # the text is compared with all whitespace removed.
    shown = _unwrapped(" ".join(tail))
    want = _unwrapped(expected.text)
    if shown != want:
        return _difference(shown, ExpectedDisclaimer(want, expected.translated, expected.source_tag))
    if _unwrapped(text).count(want) != 1:
        return "the disclaimer text appears more than once"
    if expected.notice is not None:
        notice = _unwrapped(expected.notice.text)
        paragraphs = [_unwrapped(p) for p in "\n".join(lines[: rules[0]]).split("\n\n")]
        if notice not in paragraphs[:NOTICE_PLACE]:
            return "the notice pointing to the disclaimer is missing from the top of the page"
        if sum(p.count(notice) for p in paragraphs) != 1:
            return "the notice pointing to the disclaimer appears more than once"
    return None


def _unwrapped(text: str) -> str:
    return _SPACE.sub("", _LINK_NUMBER.sub("", text)).replace(RLM, "")


def _difference(shown: str, expected: ExpectedDisclaimer) -> str:
    which = "translated" if expected.translated else "English"
    if not shown:
        return f"the disclaimer is empty (expected the {which} text)"
    if expected.text.startswith(shown):
        return f"the disclaimer is cut short after {len(shown)} of {len(expected.text)} characters"
    return f"the disclaimer differs from the {which} text: {shown[:60]!r}…"


def verify_page(
    path: Path, expected: ExpectedDisclaimer, page_is_source: bool, page: str = "page.html", site: SiteStyles = SiteStyles()
) -> str | None:
    """Read one published file back; ``page`` (its path in the build) and ``site`` as for
    :func:`verify_html`."""
    content = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return verify_html(content, expected, page_is_source, page, site)
    return verify_text(content, expected)
