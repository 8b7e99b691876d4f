"""Inline Markdown of a segment → safe HTML, or plain text with numbered link references.

Principles:

- Text from catalogues is untrusted. It is parsed with markdown-it with raw HTML off, so
  ``<script>`` or ``onerror=`` in a translation is escaped and shown as text, and markdown-it's
  own link validation refuses ``javascript:``/``data:`` targets.
- Link targets come from the source: the links of a translation are matched to the source
  segment's links (the same targets in any order are kept; otherwise the n-th link gets the
  n-th source target) and a link or image the source does not have is shown as its text. A
  link whose source target is empty (``[text]()``) is a link, as CommonMark says.
- A segment whose *source* holds raw HTML (the author's ``<kbd>``) is parsed with HTML on; its
  translation is used only when its tags are exactly the source's (:mod:`pipeline.rawhtml`),
  and the page is sanitized afterwards. Runs of an HTML block are HTML already (``html``
  markup): shown as they are, under the same rule.
- Footnote references (``[^label]``) are parsed against the page's footnotes, in page order,
  so their ids and back-references are the ones CommonMark's footnote extension gives.
- Plain-text articles (``.txt``) have no inline markup: their text is escaped, never parsed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

from .rawhtml import has_html


def _inline_parser(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "xhtmlOut": False}).use(footnote_plugin, inline=False)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    return md


def _render_footnote_ref(self: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
    """CommonMark's footnote extension's reference: ``<sup class="footnote-ref">…``."""
    meta = tokens[index].meta
    number = str(meta["id"] + 1)
    sub = int(meta.get("subId", 0) or 0)
    refid = f"{number}:{sub}" if sub > 0 else number
    return f'<sup class="footnote-ref"><a href="#fn{number}" id="fnref{refid}">[{refid}]</a></sup>'


_MD = _inline_parser(html=False)
_MD_HTML = _inline_parser(html=True)
"""For segments whose source holds the author's raw HTML."""


@dataclass(slots=True)
class LinkList:
    """The link targets of a text page, numbered in order of first use."""

    urls: list[str] = field(default_factory=list)

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1


_SPECIAL = re.compile(r"[\\`*_\[\]!<>&\n]")
"""Characters that can start inline markup in CommonMark (with raw HTML off). A text without any
is plain prose, the common case: it needs no parsing at all."""


def has_markup(text: str) -> bool:
    return _SPECIAL.search(text) is not None


def _tokens(text: str, references: dict[str, Any] | None, html: bool = False, footnotes: PageFootnotes | None = None) -> list[Token]:
    env: dict[str, Any] = {"references": dict(references or {})}
    if footnotes is not None:
        env["footnotes"] = footnotes.env
    parsed = (_MD_HTML if html else _MD).parseInline(text, env)
    return list(parsed[0].children or []) if parsed else []


@dataclass(slots=True)
class PageFootnotes:
    """The footnotes of one page being rendered: references are numbered in page order."""

    labels: tuple[str, ...]
    env: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {
            "refs": {f":{label}": number for number, label in enumerate(self.labels)},
            "list": {number: {"label": label, "count": 0} for number, label in enumerate(self.labels)},
        }

    def references_of(self, number: int) -> int:
        """How many times footnote ``number`` (0-based) was referenced so far on the page."""
        return int(self.env["list"][number]["count"])


def _targets(tokens: list[Token], kind: str, attr: str) -> list[str]:
    return [str(t.attrGet(attr)) for t in tokens if t.type == kind]


_TARGETS = (("link_open", "href"), ("image", "src"))


def _anchor_links(tokens: list[Token], source: list[Token] | None, targets: dict[str, list[str]] | None = None) -> list[Token]:
    """Give the translation's links the source's targets; drop links and images it lacks."""
    dropped: set[int] = set()
    for kind, attr in _TARGETS:
        wanted = targets[kind] if targets is not None else _targets(source or [], kind, attr)
        found = [t for t in tokens if t.type == kind]
        if Counter(_targets(found, kind, attr)) == Counter(wanted):
            continue
        for index, token in enumerate(found):
            if index < len(wanted):
                token.attrSet(attr, wanted[index])
            else:
                dropped.add(id(token))
    if not dropped:
        return tokens
    kept: list[Token] = []
    depth_dropped = 0
    for token in tokens:
        if token.type == "link_open" and id(token) in dropped:
            depth_dropped += 1
            continue
        if token.type == "link_close" and depth_dropped:
            depth_dropped -= 1
            continue
        if token.type == "image" and id(token) in dropped:
            kept.append(Token("text", "", 0, content=token.content))
            continue
        kept.append(token)
    return kept


@lru_cache(maxsize=8192)
def _source_targets(source: str) -> dict[str, list[str]]:
    """Link and image targets of a source text without reference definitions (cached: one
    source is rendered in every locale and both formats)."""
    tokens = _tokens(source, None)
    return {kind: _targets(tokens, kind, attr) for kind, attr in _TARGETS}


def inline_tokens(
    text: str, source: str, markup: str, references: dict[str, Any] | None = None, footnotes: PageFootnotes | None = None
) -> tuple[Token, ...] | None:
    """The parsed, link-anchored inline tokens of ``text``; ``None`` when there is nothing to
    parse (plain prose, raw HTML runs, or a plain-text article). Parse once, render as HTML and
    as text."""
    if markup != "markdown" or not has_markup(text):
        return None
    html = has_html(source)
    if footnotes is not None and "[^" in text:
        return _parse_anchored(text, source, references, html, footnotes)  # numbered in page order: never cached
    if not references and not html:
        return _shared_tokens(text, source)
    return _parse_anchored(text, source, references, html)


@lru_cache(maxsize=16384)
def _shared_tokens(text: str, source: str) -> tuple[Token, ...]:
    """Parsed once per build: a sentence repeated across articles renders from the same tokens
    (which nothing modifies after anchoring)."""
    return _parse_anchored(text, source, None)


def _parse_anchored(
    text: str, source: str, references: dict[str, Any] | None, html: bool = False, footnotes: PageFootnotes | None = None
) -> tuple[Token, ...]:
    wanted = _source_targets(source) if not references else None
    source_tokens = None if wanted is not None else _tokens(source, references)
    return tuple(_anchor_links(_tokens(text, references, html, footnotes), source_tokens, wanted))


def render_html(text: str, source: str, markup: str, references: dict[str, Any] | None = None) -> Markup:
    """``text`` (a translation or the source itself) as inline HTML, links anchored to ``source``."""
    return tokens_html(text, markup, inline_tokens(text, source, markup, references))


def tokens_html(text: str, markup: str, tokens: tuple[Token, ...] | None) -> Markup:
    if tokens is None:
        if markup == "html":
            return Markup(text)  # a run of the author's HTML block, tags checked; the page is sanitized
        return escape(text) if markup != "markdown" else Markup(escapeHtml(text))
    return Markup(_MD.renderer.renderInline(list(tokens), _MD.options, {}))  # type: ignore[attr-defined]


def render_plain(
    text: str, source: str, markup: str, links: LinkList | None, references: dict[str, Any] | None = None
) -> str:
    """``text`` without markup; each link followed by ``[n]`` when a link list is given."""
    return tokens_plain(text, inline_tokens(text, source, markup, references), links)


def tokens_plain(text: str, tokens: tuple[Token, ...] | None, links: LinkList | None) -> str:
    if tokens is None:
        return text
    out: list[str] = []
    pending: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type == "footnote_ref":
            out.append(f"[^{token.meta['id'] + 1}]")
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type == "hardbreak":
            out.append("\n")
        elif token.type == "image":
            out.append(token.content)
        elif token.type == "link_open":
            pending.append(str(token.attrGet("href")))
        elif token.type == "link_close" and pending:
            url = pending.pop()
            if links is not None:
                out.append(f" [{links.number(url)}]")
    return "".join(out)
