"""The page's styles as a flat list of declarations, each with what decides whether it applies.

Read with tinycss2, which tokenizes and parses CSS exactly as CSS Syntax Level 3 says (escapes,
comments, nesting): a hand-written reader would disagree with browsers on some hostile input,
and here a disagreement is a hidden disclaimer.

- Style rules, nested rules (``&`` or implied), ``style`` attributes and the at-rules that only
  *condition* rules are read; each declaration keeps its selector, ``!important``, its place in
  the cascade and where it was written (``style.css:12``).
- ``@media``: a query a screen cannot match (``print``, ``speech``, ``not screen``, …) drops its
  rules; ``screen`` and ``all`` keep them as certain; anything depending on the screen's size,
  the colour scheme or other features keeps them as *possible* (they can hide, never override).
  ``@supports``, ``@container``, ``@layer``, ``@scope``, ``@starting-style`` and at-rules we do
  not know keep their rules as possible too.
- ``@import`` is a problem: a stylesheet we are not given cannot be checked.
- Custom properties (``--x``, and ``@property`` initial values) are collected so that ``var()``
  can be replaced by every value it might take; ``@keyframes`` are kept for the animations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import product
from typing import Any, Sequence

import tinycss2

from .selectors import MAYBE, NO, YES, Complex, parse_selector_list
from .values import significant

_NEVER_ON_SCREEN = frozenset({"print", "speech", "tty", "tv", "projection", "handheld", "braille", "embossed", "aural"})
_CONDITIONAL = frozenset({"supports", "container", "layer", "scope", "starting-style", "document", "-moz-document"})
_IGNORED = frozenset({"font-face", "page", "counter-style", "font-feature-values", "font-palette-values", "namespace", "charset", "view-transition"})
MAX_VARIANTS = 64


@dataclass(frozen=True, slots=True)
class Declared:
    """One declaration of the page's styles."""

    name: str
    """The property, lower-case (``display``, ``--accent``)."""
    value: tuple[Any, ...]
    """tinycss2 component values."""
    important: bool
    selector: Complex | None
    """``None``: a ``style`` attribute (``owner`` says whose) or a rule applying anywhere."""
    certainty: int
    """``YES``: applies wherever the selector matches; ``MAYBE``: only under conditions."""
    order: int
    where: str
    """``style.css:12``, ``line 3 of the page``, …"""
    owner: object | None = None
    """The element of a ``style`` attribute."""
    unranked: bool = False
    """Inside ``@layer`` or an unknown at-rule: its rank in the cascade is not known, so it is
    never taken as overridden."""

    def text(self) -> str:
        value = " ".join(tinycss2.serialize(self.value).split())
        return f"{self.name}:{value}{' !important' if self.important else ''}"


@dataclass(slots=True)
class Styles:
    """Everything the page's CSS says, in cascade order."""

    declared: list[Declared] = field(default_factory=list)
    custom: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    keyframes: dict[str, list[Declared]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unranked_depth: int = 0

    def add_sheet(self, css: str, where: str, first_line: int = 1, certainty: int = YES) -> None:
        """A stylesheet (``style.css``, a ``<style>`` element's text) starting at ``first_line``;
        ``where`` has a ``{}`` for the line (``"style.css:{}"``). The same sheet on every page
        is read once per process."""
        sheet = _read_sheet(css, where, first_line, certainty)
        base = len(self.declared)
        self.declared.extend(replace(d, order=base + d.order) for d in sheet.declared)
        for name, values in sheet.custom.items():
            self.custom.setdefault(name, []).extend(values)
        for name, frames in sheet.keyframes.items():
            self.keyframes.setdefault(name, []).extend(frames)
        self.problems.extend(sheet.problems)

    def add_attribute(self, css: str, owner: object, where: str) -> None:
        """A ``style`` attribute: declarations of that element only, the strongest in the cascade."""
        for item in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
            if item.type == "declaration":
                self._declare(item, None, YES, where, 0, owner)

    def _rules(self, rules: Sequence[Any], parent: tuple[Complex, ...], certainty: int, where: str, offset: int, top: bool) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = parse_selector_list(rule.prelude, parent)
                self._block(rule.content, selectors, certainty, where, offset)
            elif rule.type == "at-rule":
                self._at_rule(rule, parent, certainty, where, offset, top)
            elif rule.type == "declaration" and not top:
                self._declare(rule, parent or None, certainty, where, offset)

    def _block(self, content: Sequence[Any] | None, selectors: tuple[Complex, ...], certainty: int, where: str, offset: int) -> None:
        items = tinycss2.parse_blocks_contents(content or [], skip_comments=True, skip_whitespace=True)
        for item in items:
            if item.type == "declaration":
                for selector in selectors:
                    self._declare(item, selector, certainty, where, offset)
            elif item.type in ("qualified-rule", "at-rule"):
                self._rules([item], selectors, certainty, where, offset, top=False)

    def _at_rule(self, rule: Any, parent: tuple[Complex, ...], certainty: int, where: str, offset: int, top: bool) -> None:
        name = rule.lower_at_keyword
        line = where.format(rule.source_line + offset)
        if name == "import":
            self.problems.append(f"@import at {line} brings in a stylesheet that cannot be checked")
            return
        if name in _IGNORED or rule.content is None:
            return
        if name.endswith("keyframes"):
            frames = [t for t in significant(rule.prelude) if t.type in ("ident", "string")]
            key = frames[0].value if frames else ""
            holder = Styles(custom=self.custom)
            holder._rules(tinycss2.parse_rule_list(rule.content, True, True), (), MAYBE, where, offset, top=True)
            self.keyframes.setdefault(key, []).extend(d for d in holder.declared)
            return
        if name == "property":
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                if item.type == "declaration" and item.lower_name == "initial-value":
                    names = [t for t in significant(rule.prelude) if t.type == "ident"]
                    if names:
                        self.custom.setdefault(names[0].value, []).append(tuple(item.value))
            return
        known = name == "media" or name in _CONDITIONAL
        if name == "media":
            certainty = min(certainty, media_applies(rule.prelude))
            if certainty == NO:
                return
        else:
            certainty = MAYBE  # conditions we do not evaluate, or an at-rule we do not know
        unranked = name == "layer" or not known
        self.unranked_depth += unranked
        if not known:  # e.g. @position-try: its declarations may land on any element
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                if item.type == "declaration":
                    self._declare(item, None, MAYBE, where, offset)
                elif item.type in ("qualified-rule", "at-rule"):
                    self._rules([item], parent, MAYBE, where, offset, top=False)
        elif top:
            self._rules(tinycss2.parse_rule_list(rule.content, True, True), parent, certainty, where, offset, top=True)
        else:
            self._block(rule.content, parent, certainty, where, offset)
        self.unranked_depth -= unranked

    def _declare(self, item: Any, selector: Complex | tuple[Complex, ...] | None, certainty: int, where: str, offset: int, owner: object | None = None) -> None:
        if isinstance(selector, tuple):  # declarations directly inside a nested at-rule
            for one in selector:
                self._declare(item, one, certainty, where, offset, owner)
            return
        place = where.format(item.source_line + offset)
        declared = Declared(
            item.lower_name, tuple(item.value), item.important, selector, certainty, len(self.declared), place, owner, self.unranked_depth > 0
        )
        if item.name.startswith("--"):
            self.custom.setdefault(item.name, []).append(tuple(item.value))
        self.declared.append(declared)

    def variants(self, value: Sequence[Any]) -> list[tuple[Any, ...]] | None:
        """Every value ``value`` may have once ``var()`` is replaced; ``None`` if too many to tell."""
        return _substitute(tuple(value), self.custom, 0)


@lru_cache(maxsize=32)
def _read_sheet(css: str, where: str, first_line: int, certainty: int) -> Styles:
    sheet = Styles()
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    sheet._rules(rules, (), certainty, where, first_line - 1, top=True)
    return sheet


def _substitute(value: tuple[Any, ...], custom: dict[str, list[tuple[Any, ...]]], depth: int) -> list[tuple[Any, ...]] | None:
    if depth > 4:
        return None
    options: list[list[tuple[Any, ...]]] = []
    found = False
    for token in value:
        if token.type == "function" and token.lower_name == "var":
            found = True
            arguments = list(token.arguments)
            names = [t for t in significant(arguments) if t.type == "ident"]
            commas = [i for i, t in enumerate(arguments) if t.type == "literal" and t.value == ","]
            choices = list(custom.get(names[0].value, [])) if names else []
            if commas:
                choices.append(tuple(arguments[commas[0] + 1 :]))
            expanded: list[tuple[Any, ...]] = []
            for choice in choices or [()]:
                inner = _substitute(choice, custom, depth + 1)
                if inner is None:
                    return None
                expanded.extend(inner)
            options.append(expanded)
        elif token.type == "function" and any(t.type == "function" and t.lower_name == "var" for t in _walk(token.arguments)):
            inner = _substitute(tuple(token.arguments), custom, depth + 1)
            if inner is None:
                return None
            found = True
            options.append([(_with_arguments(token, list(args)),) for args in inner])
        else:
            options.append([(token,)])
    if not found:
        return [value]
    total = 1
    for option in options:
        total *= len(option)
        if total > MAX_VARIANTS:
            return None
    return [tuple(t for part in combo for t in part) for combo in product(*options)]


def _walk(tokens: Sequence[Any]) -> list[Any]:
    out = []
    for token in tokens:
        out.append(token)
        if token.type == "function":
            out.extend(_walk(token.arguments))
        elif token.type in ("() block", "[] block"):
            out.extend(_walk(token.content))
    return out


def _with_arguments(function: Any, arguments: list[Any]) -> Any:
    return tinycss2.ast.FunctionBlock(function.source_line, function.source_column, function.name, arguments)


def media_applies(prelude: Sequence[Any]) -> int:
    """Could a screen match this media query list? ``YES``, ``MAYBE`` (features), or ``NO``."""
    queries: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            queries.append([])
        elif token.type not in ("whitespace", "comment"):
            queries[-1].append(token)
    if queries == [[]]:
        return YES
    return max(_query_applies(query) for query in queries)


def _query_applies(tokens: list[Any]) -> int:
    words = [t.lower_value if t.type == "ident" else None for t in tokens]
    features = any(t.type == "() block" for t in tokens)
    negated = bool(words) and words[0] == "not"
    rest = [w for w in words if w not in ("not", "only", "and")]
    kind = rest[0] if rest and rest[0] is not None else None
    if not tokens:
        return YES
    if kind is None:
        return MAYBE  # features alone, or something we cannot read
    typed = NO if kind in _NEVER_ON_SCREEN else YES if kind in ("all", "screen") else MAYBE
    if negated:
        return MAYBE if features or typed == MAYBE else YES - typed
    return min(typed, MAYBE) if features else typed
