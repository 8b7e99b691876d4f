"""CSS values, read just far enough to say whether they can hide text.

Every reader answers ``None`` when it cannot decide (``calc()`` it does not follow, an unknown
unit or function); the rules in :mod:`pipeline.visibility.hiding` treat that as "could hide".
Relative lengths are turned into CSS pixels with the browser's defaults: ``1em`` = ``1rem`` =
16px (the check follows font sizes down the page itself where it matters), ``1ex`` = ``1ch`` =
8px; viewport and container units are kept apart as a share of the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

PX_PER_UNIT = {
    "px": 1.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6, "in": 96.0, "pt": 96 / 72, "pc": 16.0,
    "em": 16.0, "rem": 16.0, "lh": 16.0, "rlh": 16.0, "cap": 11.0, "ic": 16.0,
    "ex": 8.0, "ch": 8.0, "rex": 8.0, "rch": 8.0, "ric": 16.0, "rcap": 11.0,
}  # fmt: skip
SCREEN_SHARE_UNITS = frozenset(
    "vw vh vi vb vmin vmax svw svh svi svb svmin svmax lvw lvh lvi lvb lvmin lvmax "
    "dvw dvh dvi dvb dvmin dvmax cqw cqh cqi cqb cqmin cqmax".split()
)
WIDE_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert", "revert-layer"})


@dataclass(frozen=True, slots=True)
class Amount:
    """A number with its kind: ``px`` (CSS pixels), ``%`` (of the box or screen), or ``""``."""

    value: float
    kind: str


def significant(tokens: Sequence[Any]) -> list[Any]:
    return [t for t in tokens if t.type not in ("whitespace", "comment")]


def keywords(tokens: Sequence[Any]) -> list[str]:
    """The identifiers of a value, lower-case, at the top level."""
    return [t.lower_value for t in significant(tokens) if t.type == "ident"]


def single_keyword(tokens: Sequence[Any]) -> str | None:
    parts = significant(tokens)
    return parts[0].lower_value if len(parts) == 1 and parts[0].type == "ident" else None


def amount(token: Any) -> Amount | None:
    """A dimension, percentage or number token as an :class:`Amount`; ``None`` if unknown."""
    if token.type == "number":
        return Amount(float(token.value), "")
    if token.type == "percentage":
        return Amount(float(token.value), "%")
    if token.type == "dimension":
        unit = token.lower_unit
        if unit in PX_PER_UNIT:
            return Amount(float(token.value) * PX_PER_UNIT[unit], "px")
        if unit in SCREEN_SHARE_UNITS:
            return Amount(float(token.value), "%")
    return None


def amounts(tokens: Sequence[Any]) -> Iterator[Amount | None]:
    """Every number in a value, inside ``calc()``, ``min()``, … too; ``None`` for what is not
    understood (an unknown unit or function, ``var()`` left unresolved)."""
    for token in significant(tokens):
        if token.type in ("number", "percentage", "dimension"):
            yield amount(token)
        elif token.type == "function":
            if token.lower_name in ("calc", "min", "max", "clamp", "-webkit-calc"):
                yield from amounts(token.arguments)
            else:
                yield None
        elif token.type == "() block":
            yield from amounts(token.content)


def all_understood(tokens: Sequence[Any]) -> bool:
    """No function or token in the value that :func:`amounts` cannot read."""
    for token in significant(tokens):
        if token.type == "function" and token.lower_name not in ("calc", "min", "max", "clamp", "-webkit-calc"):
            return False
        if token.type == "dimension" and amount(token) is None:
            return False
    return True


def number(tokens: Sequence[Any]) -> float | None:
    """A single number or percentage as a fraction (``50%`` → 0.5), else ``None``."""
    parts = significant(tokens)
    if len(parts) != 1:
        return None
    token = parts[0]
    if token.type == "number":
        return float(token.value)
    if token.type == "percentage":
        return float(token.value) / 100
    return None


_NAMED_TRANSPARENT = frozenset({"transparent"})
_SAME_AS_BACKGROUND = frozenset({"canvas", "window", "buttonface", "field"})
_COLOR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color"})


def color_alpha(tokens: Sequence[Any]) -> float | None:
    """How opaque a colour is (0 transparent … 1 opaque); ``None`` if it cannot be told.
    System colours that are the page's own background colour count as transparent."""
    parts = significant(tokens)
    if len(parts) != 1:
        return None
    token = parts[0]
    if token.type == "ident":
        name = token.lower_value
        if name in _NAMED_TRANSPARENT or name in _SAME_AS_BACKGROUND:
            return 0.0
        return 1.0  # a named colour, currentcolor, a keyword (an unknown word is dropped by browsers)
    if token.type == "hash":
        digits = token.value
        if len(digits) == 4:
            return int(digits[3] * 2, 16) / 255
        if len(digits) == 8:
            return int(digits[6:], 16) / 255
        return 1.0
    if token.type == "function" and token.lower_name in _COLOR_FUNCTIONS:
        return _function_alpha(token.arguments)
    if token.type == "function" and token.lower_name == "light-dark":
        options = _split_commas(token.arguments)
        alphas = [color_alpha(option) for option in options]
        return None if any(a is None for a in alphas) or not alphas else min(a for a in alphas if a is not None)
    return None


def _split_commas(tokens: Sequence[Any]) -> list[list[Any]]:
    groups: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _function_alpha(arguments: Sequence[Any]) -> float | None:
    parts = significant(arguments)
    slash = [i for i, t in enumerate(parts) if t.type == "literal" and t.value == "/"]
    if slash:
        rest = parts[slash[-1] + 1 :]
    else:
        commas = _split_commas(parts)
        rest = significant(commas[3]) if len(commas) == 4 else []
    if any(t.type == "function" for t in parts):
        return None  # calc(), var() left over, relative colours
    if not rest:
        return 1.0
    if len(rest) == 1 and rest[0].type == "ident" and rest[0].lower_value == "none":
        return 0.0
    value = number(rest)
    return None if value is None else max(0.0, min(1.0, value))


def evaluate(tokens: Sequence[Any], percent_px: float) -> float | None:
    """A length in CSS pixels, ``%`` (and screen units) taken of ``percent_px``; follows
    ``calc()``, ``min()``, ``max()`` and ``clamp()``. ``None`` if it cannot be worked out."""
    parts = significant(tokens)
    if len(parts) == 1:
        return _evaluate_one(parts[0], percent_px)
    return _evaluate_sum(parts, percent_px)


def _evaluate_one(token: Any, percent_px: float) -> float | None:
    if token.type == "function" and token.lower_name in ("calc", "-webkit-calc"):
        return evaluate(token.arguments, percent_px)
    if token.type == "function" and token.lower_name in ("min", "max", "clamp"):
        values = [evaluate(group, percent_px) for group in _split_commas(token.arguments)]
        if any(v is None for v in values) or not values:
            return None
        known = [v for v in values if v is not None]
        if token.lower_name == "clamp" and len(known) == 3:
            return max(known[0], min(known[1], known[2]))
        return min(known) if token.lower_name == "min" else max(known)
    if token.type == "() block":
        return evaluate(token.content, percent_px)
    found = amount(token)
    if found is None:
        return None
    return found.value * percent_px / 100 if found.kind == "%" else found.value


def _evaluate_sum(parts: list[Any], percent_px: float) -> float | None:
    terms: list[tuple[str, list[Any]]] = [("+", [])]
    for token in parts:
        if token.type == "literal" and token.value in ("+", "-") and terms[-1][1]:
            terms.append((token.value, []))
        else:
            terms[-1][1].append(token)
    total = 0.0
    for sign, term in terms:
        value = _evaluate_product(term, percent_px)
        if value is None:
            return None
        total += value if sign == "+" else -value
    return total


def _evaluate_product(parts: list[Any], percent_px: float) -> float | None:
    if not parts:
        return None
    result = _evaluate_one(parts[0], percent_px)
    for index in range(1, len(parts) - 1, 2):
        operator, operand = parts[index], _evaluate_one(parts[index + 1], percent_px)
        if result is None or operand is None or operator.type != "literal" or operator.value not in ("*", "/"):
            return None
        if operator.value == "/" and operand == 0:
            return None
        result = result * operand if operator.value == "*" else result / operand
    return result if len(parts) % 2 == 1 else None
