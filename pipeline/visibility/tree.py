"""The page as a browser builds it: elements, their parents and text, read with Python's parser.

Python's :class:`html.parser.HTMLParser` is a tokenizer, not HTML5's tree builder; a browser
closes, moves and reopens elements by rules the tokenizer does not know. What the visibility
check needs is that every element the *browser* puts around the disclaimer is also around it
here (more is harmless: a style on an element that is not really an ancestor only makes the
check stricter). The builder gets there by following the browser where it is simple and
refusing the page where it is not:

- raw-text elements (``script``, ``style``, ``textarea``, ``title``, ``xmp``, ``iframe``,
  ``noembed``, ``noframes``, ``noscript`` as read with scripting on) hold text, not elements;
- ``<div/>`` is an open ``div`` (the slash means nothing on HTML elements), except inside
  ``svg`` and ``math``, where it closes the element, as browsers do;
- a repeated attribute keeps its first value, as browsers do;
- an end tag that would close other elements than the innermost one (beyond those whose end
  tag is optional: ``p``, ``li``, table cells, …) is a *problem*: browsers then reparent
  (formatting elements) or ignore the end tag (across a table), so the trees would differ;
- constructs where Python's tokenizer and browsers disagree are problems too: marked sections
  ``<![…]>``, end tags written ``</ x>``, comments closed by ``--!>`` or ``-- >`` or opened as
  ``<!-->``, a raw-text element whose text contains what a browser takes for its end tag,
  ``<plaintext>``, a second ``<html>``/``<head>``/``<body>`` (browsers merge its attributes
  into the first), no ``<!DOCTYPE html>`` (quirks mode changes how styles apply).

A page with a problem is refused by :func:`pipeline.visibility.check_visibility` before any
style is looked at: we only vouch for pages we read the way a browser does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterator

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")
OPTIONAL_END = frozenset("p li dt dd option optgroup rb rt rtc rp colgroup caption thead tbody tfoot tr td th".split())
"""Elements a browser closes silently when an ancestor's end tag comes (HTML's implied end tags)."""
FOREIGN = frozenset({"svg", "math"})
_DOCTYPES = ("doctype html", 'doctype html system "about:legacy-compat"', "doctype html system 'about:legacy-compat'")

_TOKEN_TRAPS = (
    (re.compile(r"<!\["), "a marked section <![…]>, which browsers read as a comment up to the first \">\""),
    (re.compile(r"</\s"), "an end tag written \"</ \", which browsers read as a comment"),
    (re.compile(r"<!--(?:>|->)"), "a comment opened as \"<!-->\", which browsers end at once"),
    (re.compile(r"--!>|--\s+>"), "a comment end \"--!>\" or \"-- >\", which browsers and our reader end differently"),
    (re.compile(r"<plaintext", re.IGNORECASE), "a <plaintext> element, which turns the rest of the page into text"),
)


@dataclass(eq=False, slots=True)
class Element:
    """One element of the page, with what the visibility check asks of it."""

    tag: str
    attrs: dict[str, str | None]
    """Attributes by lower-case name; a repeated attribute keeps its first value."""
    parent: Element | None
    line: int
    text: list[str] = field(default_factory=list)
    """Every piece of text inside, at any depth."""
    own_text: list[str] = field(default_factory=list)
    """Text that is a direct child."""
    children: list[Element] = field(default_factory=list)

    def ancestors(self) -> Iterator[Element]:
        """Parent, grandparent, … up to (not including) the document root."""
        node = self.parent
        while node is not None and node.tag != "#root":
            yield node
            node = node.parent

    def previous_siblings(self) -> list[Element]:
        if self.parent is None:
            return []
        siblings = self.parent.children
        return siblings[: siblings.index(self)]

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def describe(self) -> str:
        """``<div id="a" class="x y">``, as a one-line message shows an element."""
        shown = [f'{name}="{self.attrs[name]}"' for name in ("id", "class") if self.attrs.get(name)]
        text = " ".join([self.tag, *shown])
        return f"<{text[:80]}{'…' if len(text) > 80 else ''}>"


@dataclass(slots=True)
class Document:
    """A parsed page: its elements and what was found on the way."""

    root: Element
    all: list[Element]
    problems: list[str]
    """Why this reading may differ from a browser's (first one wins)."""
    raw_holders: list[str]
    """Raw-text elements whose text contains a disclaimer marker (the page hides it as text)."""
    doctype: str | None


class _Builder(HTMLParser):
    CDATA_CONTENT_ELEMENTS = RAW_TEXT  # type: ignore[misc,unused-ignore]  # Final in newer typeshed, meant to be extended

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None, 0)
        self.stack = [self.root]
        self.all: list[Element] = []
        self.problems: list[str] = []
        self.raw_holders: list[str] = []
        self.doctype: str | None = None
        self.marker = marker
        self.seen: dict[str, int] = {}

    def handle_decl(self, decl: str) -> None:
        if self.doctype is None:
            self.doctype = " ".join(decl.split()).lower()

    def unknown_decl(self, data: str) -> None:
        self._problem("a marked section <![…]>, which browsers read as a comment")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closes=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        foreign = any(e.tag in FOREIGN for e in self.stack)
        if tag in RAW_TEXT and not foreign:
            self._problem(f"<{tag}/>, which browsers leave open (and read what follows as its text)")
        self._open(tag, attrs, closes=tag in VOID or foreign)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], closes: bool) -> None:
        first: dict[str, str | None] = {}
        for name, value in attrs:
            first.setdefault(name, value)
        if tag in ("html", "head", "body"):
            self.seen[tag] = self.seen.get(tag, 0) + 1
            if self.seen[tag] == 2:
                self._problem(f"a second <{tag}> tag, whose attributes browsers move to the first")
        if tag == "html" and self.all:
            self._problem("<html> is not the first element")
        element = Element(tag, first, self.stack[-1], self.getpos()[0])
        self.stack[-1].children.append(element)
        self.all.append(element)
        if not closes:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                skipped = [e.tag for e in self.stack[depth + 1 :] if e.tag not in OPTIONAL_END]
                foreign = any(e.tag in FOREIGN for e in self.stack[depth:])
                if skipped and not foreign:
                    self._problem(f"</{tag}> closes <{skipped[-1]}> too (misnested tags, which browsers rearrange)")
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        top = self.stack[-1]
        if top.tag in RAW_TEXT:
            if self.marker in data:
                self.raw_holders.append(top.tag)
            if re.search(rf"</{top.tag}[\t\n\f\r /]", data, re.IGNORECASE):
                self._problem(f"<{top.tag}> text holding what browsers read as its end tag")
        top.own_text.append(data)
        for element in self.stack:
            element.text.append(data)

    def _problem(self, why: str) -> None:
        self.problems.append(why)


def parse_document(html: str, marker: str = "data-required") -> Document:
    """Read ``html`` into a :class:`Document`; ``marker`` is looked for in raw text."""
    builder = _Builder(marker)
    for pattern, why in _TOKEN_TRAPS:
        if pattern.search(html):
            builder.problems.append(why)
    builder.feed(html)
    builder.close()
    if builder.cdata_elem is not None or builder.rawdata:
        builder.problems.append(f"<{builder.cdata_elem or 'markup'}> left open at the end of the page")
    if builder.doctype not in _DOCTYPES:
        builder.problems.append("no <!DOCTYPE html> (quirks mode changes how browsers apply styles)")
    return Document(builder.root, builder.all, builder.problems, builder.raw_holders, builder.doctype)
