"""Raw HTML that an author wrote in ``source/``: published through an allow-list, its prose translated.

Principles:

- HTML in the English article is the author's, so it is content, not an attack: ``<details>``,
  ``<kbd>``, ``<sup>``, a ``<table>`` are published. Still it goes through an allow-list
  sanitizer (``nh3``, the Rust ``ammonia`` library) so that a slip — an ``onclick``, a
  ``<script>``, a ``javascript:`` link — never reaches a reader.
- A translator can never add, drop or change a tag: the translation of a segment that holds
  tags must hold exactly the source's tags, in the same order with the same attributes (only
  the text between them changes). Otherwise the segment is shown in English and ``check``
  reports it (``html-mismatch``).
- In an HTML block, prose is translatable: each run of text and inline tags (``<b>``, ``<kbd>``,
  ``<a>``…) between block-level tags is one segment (``<summary>More <b>info</b></summary>``
  gives "More <b>info</b>"). Markup between runs, and what is inside ``<pre>``, ``<script>``,
  ``<style>``, ``<textarea>`` and comments, is not translated.
- CommonMark ends an HTML block at a blank line, so one ``<details>`` may span several blocks
  with Markdown between them: the whole article body is sanitized at once, never one block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from markdown_it.common.html_re import HTML_TAG_RE

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em i ins kbd mark q s samp small span strong sub sup time u var wbr".split()
)
"""Tags that stay inside a translatable run of an HTML block."""
_OPAQUE = ("pre", "script", "style", "textarea")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTES = re.compile(r"""\s+([A-Za-z_:][\w:.-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_ANY_TAG = re.compile(HTML_TAG_RE.pattern.lstrip("^"))


@dataclass(frozen=True, slots=True)
class HtmlPart:
    """A piece of an HTML block: markup kept as written, or a run of prose to translate."""

    text: str
    translatable: bool


def html_parts(raw: str) -> tuple[HtmlPart, ...]:
    """Split an HTML block into markup and translatable runs; concatenating the parts' texts
    gives ``raw`` back."""
    parts: list[HtmlPart] = []
    run_start = 0
    opaque: str | None = None
    opaque_start = 0

    def flush_run(end: int) -> None:
        chunk = raw[run_start:end]
        if not _has_prose(chunk):
            parts.append(HtmlPart(chunk, False))
            return
        leading, trailing = len(chunk) - len(chunk.lstrip()), len(chunk.rstrip())
        parts.extend((HtmlPart(chunk[:leading], False), HtmlPart(chunk[leading:trailing], True), HtmlPart(chunk[trailing:], False)))

    for match in _ANY_TAG.finditer(raw):
        tag = match.group(0)
        name_match = _TAG_NAME.match(tag)
        name = name_match.group(1).lower() if name_match else ""
        closing = tag.startswith("</")
        if opaque is not None:
            if closing and name == opaque:
                parts.append(HtmlPart(raw[opaque_start : match.end()], False))
                opaque, run_start = None, match.end()
            continue
        if name in INLINE_TAGS:
            continue  # stays inside the run
        flush_run(match.start())
        if name in _OPAQUE and not closing:
            opaque, opaque_start = name, match.start()
            continue
        parts.append(HtmlPart(tag, False))
        run_start = match.end()
    if opaque is not None:
        parts.append(HtmlPart(raw[opaque_start:], False))
    else:
        flush_run(len(raw))
    return _merged([part for part in parts if part.text])


def _merged(parts: list[HtmlPart]) -> tuple[HtmlPart, ...]:
    merged: list[HtmlPart] = []
    for part in parts:
        if merged and not part.translatable and not merged[-1].translatable:
            merged[-1] = HtmlPart(merged[-1].text + part.text, False)
        else:
            merged.append(part)
    return tuple(merged)


def _has_prose(chunk: str) -> bool:
    return bool(_ANY_TAG.sub("", chunk).strip())


_CLOSERS = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>", "<!": ">"}
"""Openings of the tag pattern's alternatives that run to a closing string, with it."""


def _tag_matches(text: str) -> Iterator[re.Match[str]]:
    """``_ANY_TAG.finditer(text)``, without its worst case: at an opening whose closing string
    never follows (``<!--`` with no ``-->`` after it), the pattern would scan to the end of the
    text, from each such opening — seconds for a hostile 100 KB translation. There only the
    short forms can match (``<!-->``, ``<!--->``), and the pattern is asked just for those."""
    last = {closer: text.rfind(closer) for closer in _CLOSERS.values()}
    position = text.find("<")
    while position != -1:
        opening = next((o for o in _CLOSERS if text.startswith(o, position)), None)
        if opening is not None and last[_CLOSERS[opening]] < position + len(opening):
            short = opening == "<!--" and (text.startswith(">", position + 4) or text.startswith("->", position + 4))
            match = _ANY_TAG.match(text, position, position + 6) if short else None
        else:
            match = _ANY_TAG.match(text, position)
        if match is not None:
            yield match
            position = text.find("<", match.end())
        else:
            position = text.find("<", position + 1)


def tags_of(text: str) -> list[str]:
    """The tags of a fragment, normalized (lower-case name, attributes sorted, quotes unified),
    in order: what a translation must keep exactly."""
    found = []
    for match in _tag_matches(text):
        tag = match.group(0)
        name_match = _TAG_NAME.match(tag)
        if name_match is None:
            found.append(tag)  # a comment or declaration: compared as written
            continue
        name = name_match.group(1).lower()
        if tag.startswith("</"):
            found.append(f"</{name}>")
            continue
        body = tag[name_match.end() :].rstrip(">").rstrip("/")
        attributes = sorted((m.group(1).lower(), (m.group(2) or "").strip("\"'")) for m in _ATTRIBUTES.finditer(body))
        found.append(f"<{name}" + "".join(f' {key}="{value}"' for key, value in attributes) + ">")
    return found


def has_html(text: str) -> bool:
    """Whether a segment holds raw HTML tags (or comments)."""
    return "<" in text and next(_tag_matches(text), None) is not None


ALLOWED_TAGS = frozenset(
    {*INLINE_TAGS, "abbr", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details", "div", "dl",
     "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "ol", "p",
     "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "ruby", "rp", "rt"}
)  # fmt: skip
"""What an article body may contain after sanitizing: nh3's defaults plus ``section`` (footnotes)."""
_GLOBAL_ATTRIBUTES = {"id", "class", "lang", "dir", "title"}
_ATTRIBUTES_BY_TAG = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "details": {"open"},
    "time": {"datetime"},
    "data": {"value"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "col": {"span"},
    "colgroup": {"span"},
}
_ALIGN = {f"text-align:{side}" for side in ("left", "center", "right")}


def sanitize(html: str) -> str:
    """An article body's HTML through the allow-list (called only for articles with author HTML)."""
    import nh3

    attributes = {tag: set(names) for tag, names in _ATTRIBUTES_BY_TAG.items()}
    attributes["*"] = set(_GLOBAL_ATTRIBUTES)
    return str(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes=attributes,
            tag_attribute_values={"td": {"style": _ALIGN}, "th": {"style": _ALIGN}},
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel=None,
            strip_comments=True,
        )
    )
