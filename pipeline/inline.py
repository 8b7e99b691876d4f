"""Inline Markdown of a segment → safe HTML, or plain text with numbered link references.

Principles:

- Text from catalogues is untrusted. It is parsed with markdown-it with raw HTML off, so
  ``<script>`` or ``onerror=`` in a translation is escaped and shown as text, and markdown-it's
  own link validation refuses ``javascript:``/``data:`` targets.
- Link targets come from the source: the links of a translation are matched to the source
  segment's links (the same targets in any order are kept; otherwise the n-th link gets the
  n-th source target) and a link or image the source does not have is shown as its text.
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

_MD = MarkdownIt("commonmark", {"html": False})


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


def _tokens(text: str, references: dict[str, Any] | None) -> list[Token]:
    env: dict[str, Any] = {"references": dict(references or {})}
    parsed = _MD.parseInline(text, env)
    return list(parsed[0].children or []) if parsed else []


def _targets(tokens: list[Token], kind: str, attr: str) -> list[str]:
    return [str(t.attrGet(attr)) for t in tokens if t.type == kind]


_TARGETS = (("link_open", "href"), ("image", "src"))


def _anchor_links(tokens: list[Token], source: list[Token] | None, targets: dict[str, list[str]] | None = None) -> list[Token]:
    """Give the translation's links the source's targets; drop links and images it lacks."""
    for kind, attr in _TARGETS:
        wanted = targets[kind] if targets is not None else _targets(source or [], kind, attr)
        found = [t for t in tokens if t.type == kind]
        if Counter(_targets(found, kind, attr)) == Counter(wanted):
            continue
        for index, token in enumerate(found):
            if index < len(wanted):
                token.attrSet(attr, wanted[index])
            else:
                token.attrSet(attr, "")
    kept: list[Token] = []
    depth_dropped = 0
    for token in tokens:
        if token.type == "link_open" and not token.attrGet("href"):
            depth_dropped += 1
            continue
        if token.type == "link_close" and depth_dropped:
            depth_dropped -= 1
            continue
        if token.type == "image" and not token.attrGet("src"):
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


def inline_tokens(text: str, source: str, markup: str, references: dict[str, Any] | None = None) -> tuple[Token, ...] | None:
    """The parsed, link-anchored inline tokens of ``text``; ``None`` when there is nothing to
    parse (plain prose, or a plain-text article). Parse once, render as HTML and as text."""
    if markup != "markdown" or not has_markup(text):
        return None
    if not references:
        return _shared_tokens(text, source)
    return _parse_anchored(text, source, references)


@lru_cache(maxsize=16384)
def _shared_tokens(text: str, source: str) -> tuple[Token, ...]:
    """Parsed once per build: a sentence repeated across articles renders from the same tokens
    (which nothing modifies after anchoring)."""
    return _parse_anchored(text, source, None)


def _parse_anchored(text: str, source: str, references: dict[str, Any] | None) -> tuple[Token, ...]:
    wanted = _source_targets(source) if not references else None
    source_tokens = None if wanted is not None else _tokens(source, references)
    return tuple(_anchor_links(_tokens(text, references), source_tokens, wanted))


def render_html(text: str, source: str, markup: str, references: dict[str, Any] | None = None) -> Markup:
    """``text`` (a translation or the source itself) as inline HTML, links anchored to ``source``."""
    return tokens_html(text, markup, inline_tokens(text, source, markup, references))


def tokens_html(text: str, markup: str, tokens: tuple[Token, ...] | None) -> Markup:
    if tokens is None:
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
