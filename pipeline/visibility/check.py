"""The check itself: every element between ``<html>`` and the disclaimer's text, every style that
could reach it, every way a page could act on it after loading.

See :mod:`pipeline.visibility` for what is refused and what is not caught.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urljoin, urlsplit

import tinycss2

from .css import Declared, Styles, media_applies
from .hiding import MIN_FONT_PX, MIN_OPACITY, MIN_WIDTH_PX, RULES, _line_height, font_shorthand, font_size_factor
from .selectors import MAYBE, NO, YES, match, specificity
from .tree import Document, Element
from .values import WIDE_KEYWORDS, amounts, evaluate, keywords, number, single_keyword

STYLESHEET = "style.css"
NARROW_SCREEN_PX = 320.0
"""Percentages of widths are worked out on a phone's screen."""
_JAVASCRIPT_URL = re.compile(r"^[\x00-\x20]*j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)
_EMBEDS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe"})


@dataclass(frozen=True, slots=True)
class SiteStyles:
    """What the build knows beyond the page: the stylesheet it publishes and what it allows."""

    stylesheet: str | None = None
    """The text of ``style.css``, published at the build's root (``None``: there is none)."""
    allow_scripts: bool = False
    """``allow_scripts`` in ``[tool.translatio]``: pages may carry scripts (unchecked)."""


def check_visibility(document: Document, disclaimer: Element, page: str, site: SiteStyles) -> str | None:
    """``None`` if nothing we can see hides the disclaimer of ``page`` (its path in the build,
    ``de/valium.html``, against which stylesheet links are resolved), else why (one phrase)."""
    if document.problems:
        return f"the page cannot be checked the way a browser reads it: {document.problems[0]}"
    if not site.allow_scripts:
        why = _scripts(document)
        if why:
            return f"{why}, which could hide or remove the disclaimer (allow_scripts = true to publish pages with scripts)"
    why = _page_rules(document)
    if why:
        return why
    sources = _style_sources(document, page, site)
    if isinstance(sources, str):
        return sources
    path = text_path(disclaimer)
    key = _verdict_key(sources, path)
    if key in _PASSED:
        return None
    styles = Styles()
    for source in sources:
        if isinstance(source, _Sheet):
            styles.add_sheet(source.css, source.where, source.line, source.certainty)
        else:
            styles.add_attribute(source.css, source.owner, source.where)
    if styles.problems:
        return f"the page's styles cannot be checked: {styles.problems[0]}"
    for element in path:
        for element_rule in ELEMENT_RULES:
            found = element_rule(element)
            if found:
                return f"the disclaimer is hidden: {element.describe()} {found}"
    problem = _Cascade(styles, path, disclaimer).first_problem()
    if problem is None:
        if len(_PASSED) >= _PASSED_MAX:
            _PASSED.clear()
        _PASSED.add(key)
    return problem


_PASSED: set[bytes] = set()
"""Keys (:func:`_verdict_key`) of text paths already found visible in this process: a site's
pages share their templates, so the same path under the same styles comes back on every page."""
_PASSED_MAX = 4096


def _verdict_key(sources: list[_Sheet | _Attribute], path: list[Element]) -> bytes:
    """Everything the verdict on a text path depends on, as a digest: the styles in cascade order
    (a ``style`` attribute's owner by its place on the path, or -1 when it is elsewhere — its
    custom properties still count), and each element of the path with its tag, attributes,
    parent's place on the path (or tag, for the document root) and whether it holds text. Selectors
    are decided on an element and its ancestors only (:mod:`.selectors`), and the path holds
    every ancestor, so two paths with the same key get the same verdict. Only passes are kept:
    a failure is worked out again, so that its message names this page's lines."""
    place = {id(e): i for i, e in enumerate(path)}
    digest = hashlib.blake2b(digest_size=20)
    for source in sources:
        if isinstance(source, _Sheet):
            part: tuple[object, ...] = ("sheet", source.css, source.where, source.line, source.certainty)
        else:
            part = ("attribute", source.css, place.get(id(source.owner), -1))
        digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    for element in path:
        parent = element.parent
        parent_place: object = place.get(id(parent), parent.tag if parent is not None else None)
        leaf = bool("".join(element.own_text).strip())
        digest.update(repr((element.tag, sorted(element.attrs.items()), parent_place, leaf)).encode("utf-8", "surrogatepass") + b"\1")
    return digest.digest()


def text_path(disclaimer: Element) -> list[Element]:
    """The disclaimer's ancestors from ``<html>``, the disclaimer, and every element inside it
    that holds some of its text (with the elements between), in document order."""
    inside: list[Element] = []

    def walk(element: Element) -> None:
        inside.append(element)
        for child in element.children:
            walk(child)

    walk(disclaimer)
    keep = {id(disclaimer)}
    for element in inside:
        if "".join(element.own_text).strip():
            node: Element | None = element
            while node is not None and node is not disclaimer:
                keep.add(id(node))
                node = node.parent
    return [*reversed(list(disclaimer.ancestors())), *(e for e in inside if id(e) in keep)]


def _scripts(document: Document) -> str | None:
    for element in document.all:
        if element.tag == "script":
            return f"the page has a <script> (line {element.line})"
        for name, value in element.attrs.items():
            if name.startswith("on"):
                return f"the page has an event handler {name}= on {element.describe()} (line {element.line})"
            if value and _JAVASCRIPT_URL.match(value):
                return f"the page has a javascript: URL on {element.describe()} (line {element.line})"
        if element.tag in _EMBEDS and not _sandboxed(element):
            return f"the page embeds a document in {element.describe()} (line {element.line}) whose scripts could reach it"
    return None


def _sandboxed(element: Element) -> bool:
    """An ``<iframe sandbox>`` that keeps its document in an origin of its own cannot touch ours."""
    if element.tag != "iframe" or element.attrs.get("sandbox") is None:
        return False
    tokens = set((element.attrs.get("sandbox") or "").lower().split())
    return "allow-same-origin" not in tokens and not any(t.startswith("allow-top-navigation") for t in tokens)


def _page_rules(document: Document) -> str | None:
    for element in document.all:
        attrs = element.attrs
        if element.tag == "meta" and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            return f'the page sends readers elsewhere with <meta http-equiv="refresh"> (line {element.line})'
        if element.tag == "base" and attrs.get("href") is not None:
            return f"the page has <base href> (line {element.line}), which changes which stylesheet is loaded"
        if element.tag == "template" and ("shadowrootmode" in attrs or "shadowroot" in attrs):
            return f"the page attaches a shadow root (<template shadowrootmode>, line {element.line}), which can leave the disclaimer out"
    return None


@dataclass(frozen=True, slots=True)
class _Sheet:
    css: str
    where: str
    line: int
    certainty: int


@dataclass(frozen=True, slots=True)
class _Attribute:
    css: str
    owner: Element
    where: str


def _style_sources(document: Document, page: str, site: SiteStyles) -> list[_Sheet | _Attribute] | str:
    """Every stylesheet and ``style`` attribute that applies to the page, in cascade order, or
    why the page's styles cannot be checked."""
    sources: list[_Sheet | _Attribute] = []
    for element in document.all:
        rel = (element.attrs.get("rel") or "").lower().split()
        if element.tag == "link" and "stylesheet" in rel:
            href = element.attrs.get("href") or ""
            target = urlsplit(urljoin(page, href.strip()))
            if target.scheme or target.netloc or target.query or target.path != STYLESHEET:
                return f'the page links a stylesheet that cannot be checked ("{href}", line {element.line})'
            certainty = _media_attribute(element)
            if site.stylesheet is not None and certainty != NO:
                sources.append(_Sheet(site.stylesheet, STYLESHEET + ":{}", 1, certainty))
        elif element.tag == "style":
            certainty = _media_attribute(element)
            if certainty != NO:
                sources.append(_Sheet("".join(element.own_text), "line {} of the page", element.line, certainty))
        if element.attrs.get("style"):
            sources.append(_Attribute(element.attrs["style"] or "", element, f"its style attribute, line {element.line}"))
    return sources


def _media_attribute(element: Element) -> int:
    media = element.attrs.get("media")
    return YES if media is None else media_applies(tinycss2.parse_component_value_list(media))


# --- Elements and attributes -------------------------------------------------------------------

ElementRule = Callable[[Element], "str | None"]
NOT_SHOWN = {
    "template": "is never shown", "head": "is never shown", "title": "is never shown",
    "select": "shows only its options", "option": "is a form option", "optgroup": "is a form option",
    "datalist": "is never shown", "object": "shows its content only when the object fails",
    "video": "shows its content only without video support", "audio": "shows its content only without audio support",
    "canvas": "shows its content only without canvas support", "svg": "is drawn as SVG, not as the page's text",
    "math": "is drawn as MathML, not as the page's text", "rt": "is a small ruby annotation",
    "rp": "is never shown", "meter": "shows its content only without meter support",
    "progress": "shows its content only without progress support", "font": "is obsolete presentational markup",
    "marquee": "scrolls its text away", "bdo": "can reverse the order of its letters",
}  # fmt: skip
ELEMENT_RULES: list[ElementRule] = []


def element_rule(function: ElementRule) -> ElementRule:
    ELEMENT_RULES.append(function)
    return function


@element_rule
def _hidden_attribute(element: Element) -> str | None:
    for name in ("hidden", "inert", "popover"):
        if name in element.attrs:
            return f"has the {name} attribute"
    if (element.attrs.get("aria-hidden") or "").strip().lower() == "true":
        return 'has aria-hidden="true" (screen readers skip it)'
    return None


@element_rule
def _not_shown(element: Element) -> str | None:
    if element.tag in NOT_SHOWN:
        return NOT_SHOWN[element.tag]
    if element.tag in ("details", "dialog") and "open" not in element.attrs:
        return "is closed (no open attribute)"
    if element.tag == "body" and "text" in element.attrs:
        return "sets the text colour with the obsolete text attribute"
    return None


# --- Styles ------------------------------------------------------------------------------------

_FONT_NAMES = ("font-size", "font")
INHERITED = frozenset({
    "visibility", "color", "-webkit-text-fill-color", "line-height", "letter-spacing", "word-spacing", "white-space",
    "text-wrap", "text-wrap-mode", "-webkit-text-security", "font-size-adjust", "text-indent",
})  # fmt: skip
"""Properties whose value on the text decides (a descendant may set them back)."""
_OVERFLOW_NAMES = ("overflow", "overflow-x", "overflow-y", "overflow-block", "overflow-inline", "contain")
_HEIGHT_NAMES = ("height", "max-height", "block-size", "max-block-size")
_WIDTH_NAMES = ("width", "max-width", "inline-size", "max-inline-size")
_FREE_SIZES = frozenset({"auto", "none", "fit-content", "max-content", "min-content", "stretch", "-webkit-fill-available"})


@dataclass(frozen=True, slots=True)
class _Finding:
    declared: Declared
    value: tuple[Any, ...]
    why: str
    certain: bool


class _Cascade:
    """Which declarations can win on each element of the path, and what they do."""

    def __init__(self, styles: Styles, path: list[Element], disclaimer: Element) -> None:
        self.styles = styles
        self.path = path
        start = path.index(disclaimer)
        self.leaves = {id(e) for e in path[start:] if "".join(e.own_text).strip()}
        """The elements whose own text is the disclaimer's: where inherited values are judged."""
        self.by_name: dict[str, list[Declared]] = {}
        for declared in styles.declared:
            self.by_name.setdefault(declared.name, []).append(declared)

    def candidates(self, element: Element, name: str) -> tuple[list[tuple[Declared, bool]], bool]:
        """Declarations of ``name`` that may give ``element`` its value (with whether surely),
        and whether none may (the value is inherited or initial)."""
        found = []
        for declared in self.by_name.get(name, ()):
            if declared.owner is not None:
                matched = YES if declared.owner is element else NO
            elif declared.selector is None:
                matched = MAYBE
            else:
                matched = match(declared.selector, element)
            matched = min(matched, declared.certainty)
            if matched != NO:
                rank = (declared.important, declared.owner is not None, specificity(declared.selector) if declared.selector else (0, 0, 0), declared.order)
                found.append((rank, matched, declared))
        found.sort(key=lambda item: item[0], reverse=True)
        kept: list[tuple[Declared, bool]] = []
        settled = False
        for _, matched, declared in found:
            if settled:
                if declared.unranked:
                    kept.append((declared, False))
                continue
            kept.append((declared, matched == YES))
            settled = matched == YES and not declared.unranked
        return kept, not settled

    def values(self, element: Element, name: str) -> Iterator[tuple[Declared, tuple[Any, ...] | None, bool]]:
        """Each value ``name`` may take on ``element`` (``None``: a ``var()`` we cannot follow)."""
        kept, _ = self.candidates(element, name)
        return self._variants(kept)

    def _variants(self, kept: list[tuple[Declared, bool]]) -> Iterator[tuple[Declared, tuple[Any, ...] | None, bool]]:
        for declared, surely in kept:
            variants = self.styles.variants(declared.value)
            if variants is None:
                yield declared, None, False
                continue
            for variant in variants:
                yield declared, variant, surely and len(variants) == 1

    def first_problem(self) -> str | None:
        font: dict[int, tuple[float, tuple[_Finding, Element] | None]] = {}
        opacity: dict[int, float] = {}
        root_font: tuple[float, tuple[_Finding, Element] | None] = (16.0, None)
        for element in self.path:
            finding = self._rules(element) or self._animations(element) or self._clipping(element)
            if finding is None and id(element) in self.leaves:
                finding = self._inherited(element)
            if finding is not None:
                return _say(finding, element)
            size = self._font_size(element, font.get(id(element.parent), (16.0, None)), root_font)
            font[id(element)] = size
            if element.tag == "html":
                root_font = size
            if size[0] < MIN_FONT_PX and id(element) in self.leaves:
                origin = size[1] or (_Finding(_no_declaration(element), (), "", False), element)
                why = f"makes its text {size[0]:.1f}px high (less than {MIN_FONT_PX:g}px)"
                return _say(_Finding(origin[0].declared, origin[0].value, why, origin[0].certain), origin[1])
            own, finding = self._opacity(element)
            opacity[id(element)] = opacity.get(id(element.parent), 1.0) * own
            if finding is not None and opacity[id(element)] < MIN_OPACITY:
                return _say(_Finding(finding.declared, finding.value, f"makes it, with its ancestors' opacity, {opacity[id(element)]:.2f} opaque", False), element)
        return None

    def _rules(self, element: Element) -> _Finding | None:
        for name, check in RULES.items():
            if name in INHERITED:
                continue
            for declared, value, surely in self.values(element, name):
                if value is None:
                    return _Finding(declared, declared.value, "uses var() with too many possible values", False)
                why = check(value)
                if why:
                    return _Finding(declared, value, why, surely)
        return None

    def _inherited(self, leaf: Element) -> _Finding | None:
        """Inherited properties, judged on the text: the leaf's value may come from itself or,
        while no declaration surely wins, from each ancestor in turn."""
        for name in (*INHERITED, "font"):
            check = RULES[name] if name != "font" else _font_line_height
            node: Element | None = leaf
            while node is not None and node.tag != "#root":
                kept, open_ = self.candidates(node, name)
                for declared, value, surely in self._variants(kept):
                    if value is None:
                        return _Finding(declared, declared.value, "uses var() with too many possible values", False)
                    why = check(value)
                    if why:
                        return _Finding(declared, value, why, surely and node is leaf)
                if not open_:
                    break
                node = node.parent
        return None

    def _animations(self, element: Element) -> _Finding | None:
        for name in ("animation", "animation-name"):
            for declared, value, _ in self.values(element, name):
                words = set(keywords(value or ())) | {t.value for t in (value or ()) if t.type == "string"}
                named = [k for k in self.styles.keyframes if k in words] if value is not None else list(self.styles.keyframes)
                for key in named:
                    for frame in self.styles.keyframes[key]:
                        check = RULES.get(frame.name)
                        why = check(frame.value) if check else None
                        if why:
                            return _Finding(declared, tuple(declared.value), f"runs the animation {key!r}, whose {frame.text()!r} ({frame.where}) {why}", False)
        return None

    def _clipping(self, element: Element) -> _Finding | None:
        clipping: list[tuple[Declared, tuple[Any, ...], bool]] = []
        for name in _OVERFLOW_NAMES:
            for declared, value, surely in self.values(element, name):
                words = set(keywords(value or ()))
                if value is None or (name == "contain" and words & {"paint", "strict", "content"}):
                    clipping.append((declared, declared.value if value is None else value, surely))
                elif name != "contain" and words & {"hidden", "clip"}:
                    vertical = name in ("overflow-y", "overflow-block") or (name == "overflow" and _second(value)[0] in ("hidden", "clip"))
                    if element.tag in ("html", "body") and vertical:
                        return _Finding(declared, value, "stops the page from scrolling down to the disclaimer", surely)
                    clipping.append((declared, value, surely))
        for name in _WIDTH_NAMES:
            for declared, value, surely in self.values(element, name):
                width = None if value is None else _size(value, NARROW_SCREEN_PX)
                if width is not False and (width is None or width < MIN_WIDTH_PX):
                    return _Finding(declared, value or declared.value, "squeezes it into a column too narrow to read", surely)
        if not clipping:
            return None
        for name in _HEIGHT_NAMES:
            for declared, value, surely in self.values(element, name):
                if value is None or _size(value, NARROW_SCREEN_PX) is not False:
                    clip = clipping[0]
                    return _Finding(declared, value or declared.value, f"with {clip[0].text()!r} ({clip[0].where}), cuts it off", surely and clip[2])
        return None

    def _font_size(
        self, element: Element, parent: tuple[float, tuple[_Finding, Element] | None], root: tuple[float, tuple[_Finding, Element] | None]
    ) -> tuple[float, tuple[_Finding, Element] | None]:
        """The smallest font size ``element`` may have, and the declaration that gives it
        (``None``: the browser's default)."""
        sizes: list[tuple[float, tuple[_Finding, Element] | None]] = []
        _, inherited = self.candidates(element, "font-size")
        _, inherited_font = self.candidates(element, "font")
        if inherited and inherited_font:
            sizes.append(parent)
        for name in _FONT_NAMES:
            for declared, value, surely in self.values(element, name):
                if value is None:
                    sizes.append((0.0, (_Finding(declared, declared.value, "", False), element)))
                    continue
                part: list[Any] | None = list(value)
                if name == "font":
                    part, _ = font_shorthand(value)
                    if part is None:
                        sizes.append(parent)
                        continue
                factor = font_size_factor(part) if part else None
                if factor is None:
                    sizes.append((0.0, (_Finding(declared, value, "", surely), element)))
                    continue
                kind, amount = factor
                base = parent if kind in ("times", "inherit") else root
                size = amount if kind == "px" else base[0] * amount
                origin = (_Finding(declared, value, "", surely), element) if kind != "inherit" else parent[1]
                sizes.append((size, origin))
        return min(sizes, key=lambda item: item[0]) if sizes else parent

    def _opacity(self, element: Element) -> tuple[float, _Finding | None]:
        lowest, which = 1.0, None
        for declared, value, surely in self.values(element, "opacity"):
            found = number(value or ())
            if found is not None and found < lowest and single_keyword(value or ()) not in WIDE_KEYWORDS:
                lowest, which = found, _Finding(declared, value or (), "", surely)
        return lowest, which


def _font_line_height(value: Sequence[Any]) -> str | None:
    _, height = font_shorthand(value)
    return _line_height(list(amounts(height))) if height is not None else None


def _second(value: tuple[Any, ...]) -> list[str]:
    words = keywords(value)
    return words[1:2] or words[:1]


def _size(value: tuple[Any, ...], percent_px: float) -> float | None | bool:
    """``False`` for a size that follows the content, else its pixels (``None``: unknown)."""
    word = single_keyword(value)
    if word is not None and (word in _FREE_SIZES or word in WIDE_KEYWORDS):
        return False
    return evaluate(value, percent_px)


def _no_declaration(element: Element) -> Declared:
    return Declared("font-size", (), False, None, YES, -1, "inherited")


def _say(finding: _Finding, element: Element) -> str:
    declared = finding.declared
    shown = f"{declared.name}:{' '.join(tinycss2.serialize(finding.value).split())}" if finding.value else declared.text()
    verb = "is" if finding.certain else "may be"
    return f'the disclaimer {verb} hidden by style "{shown}" on {element.describe()} ({declared.where}: {finding.why})'
