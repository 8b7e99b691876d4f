"""CSS selectors read from tinycss2's tokens and matched against the page, with three answers.

A selector *matches* an element (``YES``), *does not* (``NO``), or *might* (``MAYBE``): the
page is static, but a browser also knows what we cannot — the pointer, focus, the URL's
fragment, which links were visited — and we decline to decide some things we could:

- type, ``*``, ``#id``, ``.class``, ``[attr]`` and ``[attr op value]`` (all operators, ``i``/``s``
  flags), descendant and child combinators, ``:root``, ``:lang()``, ``:is()``/``:where()``/
  ``:not()`` and the nesting selector ``&`` are decided on the element and its ancestors;
- sibling combinators (``+``, ``~``), structural pseudo-classes (``:nth-child``, ``:first-child``,
  ``:empty``, …), ``:has()``, every state pseudo-class (``:hover``, ``:target``, ``:checked``, …),
  namespaces and anything we do not know are ``MAYBE``: the reader's tree is close to a
  browser's, not equal to it, and a guess is not a guarantee;
- a value matched only when compared without case (HTML compares some attribute values, and a
  quirks-mode page class names, that way) is ``MAYBE``;
- a selector we cannot read at all is ``MAYBE`` (a browser would drop it; we would rather
  refuse a page than trust our reading).

A selector ending in a pseudo-element styles that pseudo-element, not the element, and so
does not match it — except ``::first-line`` and ``::first-letter``, which restyle the element's
own text and count as ``MAYBE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .tree import Element

NO, MAYBE, YES = 0, 1, 2
TEXT_PSEUDO_ELEMENTS = frozenset({"first-line", "first-letter"})
_LIST_PSEUDOS = frozenset({"is", "where", "matches", "-webkit-any", "-moz-any", "not"})


@dataclass(frozen=True, slots=True)
class Simple:
    """One simple selector: ``kind`` is type, id, class, attr, pseudo, element (pseudo-element),
    nest (``&``) or unknown."""

    kind: str
    name: str = ""
    op: str = ""
    value: str = ""
    flag: str = ""
    args: tuple[Complex, ...] = ()
    """Selector arguments of ``:is()``, ``:not()``, …, and the parent rule's selectors for ``&``."""
    raw: Any = None
    """Other arguments (``:lang()``'s), as tokens."""


@dataclass(frozen=True, slots=True)
class Complex:
    """Compounds from left to right; ``combinators[i]`` joins ``compounds[i]`` and ``compounds[i + 1]``."""

    compounds: tuple[tuple[Simple, ...], ...]
    combinators: tuple[str, ...]
    text: str
    """The selector as written, for messages."""


def parse_selector_list(tokens: Sequence[Any], parent: tuple[Complex, ...] = ()) -> tuple[Complex, ...]:
    """Split a rule's prelude on commas and read each selector; ``parent``: the enclosing rule's."""
    groups: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        elif token.type != "comment":
            groups[-1].append(token)
    return tuple(_parse_complex(group, parent) for group in groups)


def _text(tokens: Sequence[Any]) -> str:
    return "".join(t.serialize() for t in tokens).strip()


def _unknown(tokens: Sequence[Any]) -> Complex:
    return Complex(((Simple("unknown"),),), (), _text(tokens))


def _parse_complex(tokens: list[Any], parent: tuple[Complex, ...]) -> Complex:
    while tokens and tokens[0].type == "whitespace":
        tokens = tokens[1:]
    while tokens and tokens[-1].type == "whitespace":
        tokens = tokens[:-1]
    compounds: list[tuple[Simple, ...]] = []
    combinators: list[str] = []
    current: list[Simple] = []
    pending: str | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "whitespace" or (kind == "literal" and token.value in (">", "+", "~")):
            if current:
                compounds.append(tuple(current))
                current = []
                pending = " "
            if kind == "literal":
                if pending not in (None, " "):
                    return _unknown(tokens)
                pending = token.value
            i += 1
            continue
        if pending is not None:
            combinators.append(pending)
            pending = None
        elif not compounds and not current and kind == "literal" and token.value in (">", "+", "~"):
            return _unknown(tokens)
        simple, i = _parse_simple(tokens, i, parent)
        if simple is None:
            return _unknown(tokens)
        current.append(simple)
    if current:
        compounds.append(tuple(current))
    if pending is not None or not compounds or len(combinators) != len(compounds) - 1:
        return _unknown(tokens)
    if parent and not any(s.kind == "nest" for c in compounds for s in c):
        # A nested rule without "&" is relative to its parent as a descendant.
        compounds.insert(0, (Simple("nest", args=parent),))
        combinators.insert(0, " ")
    return Complex(tuple(compounds), tuple(combinators), _text(tokens))


def _parse_simple(tokens: list[Any], i: int, parent: tuple[Complex, ...]) -> tuple[Simple | None, int]:
    token = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.type == "ident":
        if nxt is not None and nxt.type == "literal" and nxt.value == "|":
            return Simple("unknown"), i + 3  # a namespace prefix
        return Simple("type", token.lower_value), i + 1
    if token.type == "literal" and token.value == "*":
        if nxt is not None and nxt.type == "literal" and nxt.value == "|":
            return Simple("unknown"), i + 3
        return Simple("type", "*"), i + 1
    if token.type == "literal" and token.value == "|":
        return Simple("unknown"), i + 2
    if token.type == "hash":
        return (Simple("id", token.value), i + 1) if token.is_identifier else (None, i)
    if token.type == "literal" and token.value == "." and nxt is not None and nxt.type == "ident":
        return Simple("class", nxt.value), i + 2
    if token.type == "literal" and token.value == "&":
        return Simple("nest", args=parent), i + 1
    if token.type == "[] block":
        return _parse_attribute(token.content), i + 1
    if token.type == "literal" and token.value == ":":
        if nxt is not None and nxt.type == "literal" and nxt.value == ":":
            name = tokens[i + 2] if i + 2 < len(tokens) else None
            if name is not None and name.type in ("ident", "function"):
                return Simple("element", name.lower_value if name.type == "ident" else name.lower_name), i + 3
            return None, i
        if nxt is not None and nxt.type == "ident":
            return Simple("pseudo", nxt.lower_value), i + 2
        if nxt is not None and nxt.type == "function":
            name = nxt.lower_name
            if name in _LIST_PSEUDOS:
                return Simple("pseudo", name, args=parse_selector_list(nxt.arguments)), i + 2
            return Simple("pseudo", name, raw=nxt.arguments), i + 2
    return None, i


def _parse_attribute(content: list[Any]) -> Simple:
    tokens = [t for t in content if t.type not in ("whitespace", "comment")]
    if not tokens or tokens[0].type != "ident":
        return Simple("unknown")
    name = tokens[0].lower_value
    if len(tokens) == 1:
        return Simple("attr", name)
    op = ""
    rest = tokens[1:]
    while rest and rest[0].type == "literal" and rest[0].value in ("=", "~", "|", "^", "$", "*"):
        op += rest[0].value
        rest = rest[1:]
    if op not in ("=", "~=", "|=", "^=", "$=", "*=") or not rest or rest[0].type not in ("ident", "string"):
        return Simple("unknown")
    value = rest[0].value
    flag = rest[1].lower_value if len(rest) > 1 and rest[1].type == "ident" else ""
    return Simple("attr", name, op, value, flag)


def specificity(selector: Complex) -> tuple[int, int, int]:
    """(ids, classes + attributes + pseudo-classes, types + pseudo-elements), as browsers count."""
    a = b = c = 0
    for compound in selector.compounds:
        for simple in compound:
            if simple.kind == "id":
                a += 1
            elif simple.kind in ("class", "attr"):
                b += 1
            elif simple.kind == "type" and simple.name != "*":
                c += 1
            elif simple.kind == "element":
                c += 1
            elif simple.kind in ("pseudo", "nest") and simple.args:
                if simple.name != "where":
                    best = max(specificity(arg) for arg in simple.args)
                    a, b, c = a + best[0], b + best[1], c + best[2]
            elif simple.kind == "pseudo":
                b += 1
    return a, b, c


def pseudo_element(selector: Complex) -> str | None:
    """The pseudo-element a selector styles, if any."""
    for simple in selector.compounds[-1]:
        if simple.kind == "element":
            return simple.name
    return None


def match(selector: Complex, element: Element) -> int:
    """Does ``selector`` apply to ``element`` itself (``YES``/``MAYBE``/``NO``)?"""
    target = pseudo_element(selector)
    if target is not None and target not in TEXT_PSEUDO_ELEMENTS:
        return NO
    found = _match_from(selector, len(selector.compounds) - 1, element)
    return min(found, MAYBE) if target is not None else found


def _match_from(selector: Complex, index: int, element: Element) -> int:
    result = _compound(selector.compounds[index], element)
    if result == NO or index == 0:
        return result
    combinator = selector.combinators[index - 1]
    if combinator == " ":
        left = max((_match_from(selector, index - 1, a) for a in element.ancestors()), default=NO)
    elif combinator == ">":
        parent = element.parent
        left = _match_from(selector, index - 1, parent) if parent is not None and parent.tag != "#root" else NO
    else:
        left = MAYBE  # sibling combinators are not decided
    return min(result, left)


def _compound(compound: tuple[Simple, ...], element: Element) -> int:
    result = YES
    for simple in compound:
        result = min(result, _simple(simple, element))
        if result == NO:
            break
    return result


def _compare(actual: str, wanted: str, sensitive: bool) -> int:
    if actual == wanted:
        return YES
    if not sensitive and actual.lower() == wanted.lower():
        return MAYBE
    return NO


def _simple(simple: Simple, element: Element) -> int:
    kind = simple.kind
    if kind == "type":
        return YES if simple.name in ("*", element.tag) else NO
    if kind == "id":
        return _compare(element.attrs.get("id") or "", simple.name, False)
    if kind == "class":
        return max((_compare(c, simple.name, False) for c in element.classes), default=NO)
    if kind == "attr":
        return _attribute(simple, element)
    if kind == "nest":
        return max((_match_from(arg, len(arg.compounds) - 1, element) for arg in simple.args), default=MAYBE)
    if kind == "element":
        return YES  # decided by match()
    if kind == "pseudo":
        return _pseudo(simple, element)
    return MAYBE


def _attribute(simple: Simple, element: Element) -> int:
    if simple.name not in element.attrs:
        return NO
    if not simple.op:
        return YES
    actual = element.attrs[simple.name] or ""
    wanted = simple.value
    if simple.flag == "i":
        actual, wanted = actual.lower(), wanted.lower()
    if simple.op in ("^=", "$=", "*=") and not wanted:
        return NO
    tests = {
        "=": lambda a, w: a == w,
        "~=": lambda a, w: w in a.split(),
        "|=": lambda a, w: a == w or a.startswith(w + "-"),
        "^=": lambda a, w: a.startswith(w),
        "$=": lambda a, w: a.endswith(w),
        "*=": lambda a, w: w in a,
    }
    test = tests[simple.op]
    if test(actual, wanted):
        return YES
    if simple.flag != "s" and test(actual.lower(), wanted.lower()):
        return MAYBE
    return NO


def _pseudo(simple: Simple, element: Element) -> int:
    name = simple.name
    if name in ("is", "where", "matches", "-webkit-any", "-moz-any"):
        return max((_match_from(a, len(a.compounds) - 1, element) for a in simple.args), default=NO)
    if name == "not":
        return YES - max((_match_from(a, len(a.compounds) - 1, element) for a in simple.args), default=NO)
    if name == "root":
        return YES if element.tag == "html" and element.parent is not None and element.parent.tag == "#root" else NO
    if name == "lang" and simple.raw is not None:
        return _lang(simple.raw, element)
    return MAYBE


def _lang(arguments: list[Any], element: Element) -> int:
    wanted = [t.value.lower() for t in arguments if t.type in ("ident", "string")]
    language = None
    for node in (element, *element.ancestors()):
        if "lang" in node.attrs:
            language = (node.attrs["lang"] or "").lower()
            break
    if language is None or not wanted or any("*" in w for w in wanted):
        return MAYBE
    return YES if any(language == w or language.startswith(w + "-") for w in wanted) else NO
