"""What hides text: one rule per CSS property, registered by name, each saying why a value could.

A rule receives one declared value (``var()`` already replaced) and answers ``None`` (this
value cannot hide the disclaimer) or a short reason. A value the rule cannot read counts as
hiding: the check refuses what it cannot decide. The thresholds are the module's constants.

Rules that need the whole path from ``<html>`` to the text (a font size in ``em`` inside one in
``%``, opacities multiplied, ``overflow: hidden`` with a height) live in
:mod:`pipeline.visibility.check`, which calls these per declaration.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .values import WIDE_KEYWORDS, Amount, all_understood, amount, amounts, color_alpha, keywords, number, significant, single_keyword

MIN_OPACITY = 0.5
"""Opacity (of an element, or multiplied down the page) below which text counts as hidden."""
MIN_FONT_PX = 10.0
"""Smallest font size, in CSS pixels, the disclaimer may have."""
MOVE_LIMIT_PX = 320.0
"""Offsets, margins, paddings and translations at least this large (the width of a small phone
screen), or 100% / 100vw and more, can carry the disclaimer out of view."""
MIN_WIDTH_PX = 100.0
"""A box narrower than this does not show a paragraph readably."""
MIN_SCALE, MAX_SCALE, MAX_ANGLE_DEG = 0.5, 4.0, 30.0

Rule = Callable[[Sequence[Any]], "str | None"]
RULES: dict[str, Rule] = {}
"""Property name → its rule. Properties not listed cannot hide text."""


def rule(*names: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        for name in names:
            RULES[name] = function
        return function

    return register


def _any(value: Sequence[Any], hiding: set[str], why: str) -> str | None:
    return why if set(keywords(value)) & hiding else None


def _allowed(value: Sequence[Any], *allowed: str) -> bool:
    word = single_keyword(value)
    return word is not None and (word in allowed or word in WIDE_KEYWORDS)


@rule("display")
def display(value: Sequence[Any]) -> str | None:
    words = keywords(value)
    if "none" in words:
        return "takes it out of the page"
    if not words or any(t.type != "ident" for t in significant(value)):
        return "sets a display that cannot be read"
    return None


@rule("visibility")
def visibility(value: Sequence[Any]) -> str | None:
    return _unless(value, ("visible",), "makes it invisible")


@rule("content-visibility")
def content_visibility(value: Sequence[Any]) -> str | None:
    return _unless(value, ("visible", "auto"), "skips drawing it")


def _unless(value: Sequence[Any], allowed: tuple[str, ...], why: str) -> str | None:
    return None if _allowed(value, *allowed) else why


@rule("opacity")
def opacity(value: Sequence[Any]) -> str | None:
    if single_keyword(value) in WIDE_KEYWORDS:
        return None
    found = number(value)
    if found is None:
        return "sets an opacity that cannot be read"
    return "makes it (nearly) transparent" if found < MIN_OPACITY else None


@rule("color", "-webkit-text-fill-color")
def text_color(value: Sequence[Any]) -> str | None:
    if single_keyword(value) in WIDE_KEYWORDS:
        return None
    alpha = color_alpha(value)
    if alpha is None:
        return "sets a text colour that cannot be read"
    return "makes the text transparent (or the colour of the background)" if alpha < MIN_OPACITY else None


@rule("filter", "-webkit-filter")
def filter_(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none"):
        return None
    harmless = {"grayscale", "sepia", "saturate", "hue-rotate", "drop-shadow"}
    bounded = {"opacity": (MIN_OPACITY, 1e9), "brightness": (0.5, 2.0), "contrast": (0.5, 4.0), "invert": (0.0, 0.25)}
    for token in significant(value):
        if token.type != "function":
            return "applies a filter that cannot be read"
        name = token.lower_name
        if name in harmless:
            continue
        if name == "blur":
            sizes = list(amounts(token.arguments))
            if all(a is not None and a.kind == "px" and a.value <= 1 for a in sizes):
                continue
            return "blurs it"
        if name in bounded:
            found = number(token.arguments) if significant(token.arguments) else 1.0
            low, high = bounded[name]
            if found is not None and low <= found <= high:
                continue
        return f"applies the filter {name}()"
    return None


@rule("mix-blend-mode")
def blend(value: Sequence[Any]) -> str | None:
    return _unless(value, ("normal",), "blends it into what is behind it")


@rule("clip")
def clip(value: Sequence[Any]) -> str | None:
    return _unless(value, ("auto",), "clips it")


@rule("clip-path", "-webkit-clip-path", "mask", "mask-image", "-webkit-mask", "-webkit-mask-image", "mask-border", "-webkit-mask-box-image")
def clip_path(value: Sequence[Any]) -> str | None:
    return _unless(value, ("none",), "clips or masks it")


@rule("position")
def position(value: Sequence[Any]) -> str | None:
    words = keywords(value)
    if "fixed" in words:
        return "fixes it to the screen, where what does not fit cannot be scrolled to"
    return None if words else "sets a position that cannot be read"


def _far(value: Sequence[Any]) -> bool:
    """A length that can move text out of view, or one we cannot read."""
    for found in amounts(value):
        if found is None:
            return True
        if found.kind == "px" and abs(found.value) >= MOVE_LIMIT_PX:
            return True
        if found.kind == "%" and abs(found.value) >= 100:
            return True
    return not all_understood(value)


_MOVES = [
    *("top right bottom left inset inset-block inset-inline inset-block-start inset-block-end inset-inline-start inset-inline-end".split()),
    *(f"{box}{side}" for box in ("margin", "padding") for side in (
        "", "-top", "-right", "-bottom", "-left", "-block", "-inline", "-block-start", "-block-end", "-inline-start", "-inline-end")),
    "text-indent",
]  # fmt: skip


@rule(*_MOVES)
def moves(value: Sequence[Any]) -> str | None:
    if single_keyword(value) in WIDE_KEYWORDS:
        return None
    return "can move it out of view" if _far(value) else None


@rule("z-index")
def z_index(value: Sequence[Any]) -> str | None:
    found = number(value)
    return "puts it behind what is under it" if found is not None and found < 0 else None


@rule("content")
def content(value: Sequence[Any]) -> str | None:
    return _unless(value, ("normal", "none"), "replaces it with other content")


@rule("-webkit-line-clamp", "line-clamp")
def line_clamp(value: Sequence[Any]) -> str | None:
    return _unless(value, ("none",), "cuts it to a number of lines")


@rule("offset-path", "offset")
def offset_path(value: Sequence[Any]) -> str | None:
    return _unless(value, ("none",), "moves it along a path")


@rule("unicode-bidi")
def bidi(value: Sequence[Any]) -> str | None:
    return _any(value, {"bidi-override", "isolate-override"}, "reverses the order of its letters")


@rule("-webkit-text-security")
def text_security(value: Sequence[Any]) -> str | None:
    return _unless(value, ("none",), "replaces its letters with dots")


@rule("white-space", "text-wrap", "text-wrap-mode")
def no_wrap(value: Sequence[Any]) -> str | None:
    return "keeps it on one line that runs off the page" if {"nowrap", "pre"} & set(keywords(value)) else None


@rule("zoom")
def zoom(value: Sequence[Any]) -> str | None:
    if _allowed(value, "normal", "reset"):
        return None
    found = number(value)
    return "shrinks it" if found is None or found < MIN_SCALE else None


@rule("font-size-adjust")
def font_size_adjust(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none", "from-font"):
        return None
    found = [a for a in amounts(value) if a is None or a.kind == ""]
    return "shrinks its letters" if not found or any(a is None or a.value < 0.3 for a in found) else None


@rule("line-height")
def line_height(value: Sequence[Any]) -> str | None:
    if _allowed(value, "normal"):
        return None
    return _line_height(list(amounts(value)))


def _line_height(found: list[Amount | None]) -> str | None:
    if len(found) != 1 or found[0] is None:
        return "sets a line height that cannot be read"
    one = found[0]
    small = (one.kind == "" and one.value < 0.5) or (one.kind == "%" and one.value < 50) or (one.kind == "px" and one.value < 6)
    return "makes its lines overlap" if small else None


MAX_SPACING_PX = {"letter-spacing": 8.0, "word-spacing": 32.0}


def _spacing(limit: float) -> Rule:
    def spacing(value: Sequence[Any]) -> str | None:
        if _allowed(value, "normal"):
            return None
        found = list(amounts(value))
        if not found or any(a is None or a.kind != "px" or abs(a.value) > limit for a in found):
            return "spreads or squeezes its letters out of shape"
        return None

    return spacing


for _name, _limit in MAX_SPACING_PX.items():
    RULES[_name] = _spacing(_limit)


@rule("transform", "-webkit-transform")
def transform(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none"):
        return None
    for token in significant(value):
        if token.type != "function":
            return "transforms it in a way that cannot be read"
        why = _transform_function(token.lower_name, token.arguments)
        if why:
            return why
    return None


@rule("translate")
def translate(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none"):
        return None
    return "can move it out of view" if _far(value) else None


@rule("scale")
def scale(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none"):
        return None
    return _scale_factors(list(amounts(value)))


@rule("rotate")
def rotate(value: Sequence[Any]) -> str | None:
    if _allowed(value, "none"):
        return None
    angles = [t for t in significant(value) if t.type == "dimension"]
    return "turns it" if len(angles) != 1 or not _small_angle(angles[0]) else None


def _scale_factors(found: list[Amount | None]) -> str | None:
    for one in found:
        if one is None or one.kind == "px":
            return "scales it in a way that cannot be read"
        factor = one.value / 100 if one.kind == "%" else one.value
        if not MIN_SCALE <= factor <= MAX_SCALE:
            return "shrinks it, mirrors it or blows it up"
    return None


_ANGLE = {"deg": 1.0, "grad": 0.9, "rad": 57.29577951308232, "turn": 360.0}


def _small_angle(token: Any) -> bool:
    if token.type == "number" and token.value == 0:
        return True
    return token.type == "dimension" and token.lower_unit in _ANGLE and abs(token.value * _ANGLE[token.lower_unit]) <= MAX_ANGLE_DEG


def _transform_function(name: str, arguments: Sequence[Any]) -> str | None:
    if name.startswith("translate"):
        return "can move it out of view" if _far(arguments) else None
    if name.startswith("scale"):
        return _scale_factors([a for a in amounts(arguments)])
    if name in ("rotate", "rotatez", "skew", "skewx", "skewy"):
        angles = [t for t in significant(arguments) if not (t.type == "literal" and t.value == ",")]
        return None if angles and all(_small_angle(t) for t in angles) else "turns or skews it"
    return f"applies the transform {name}()"


FONT_KEYWORDS_PX = {
    "xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0, "x-large": 24.0,
    "xx-large": 32.0, "xxx-large": 48.0,
}  # fmt: skip
SYSTEM_FONTS = frozenset({"caption", "icon", "menu", "message-box", "small-caption", "status-bar"})


def font_size_factor(value: Sequence[Any]) -> tuple[str, float] | None:
    """A ``font-size`` value as ``("px", size)``, ``("times", factor of the parent's)``,
    ``("root", factor of the root's)`` or ``("inherit", 1)``; ``None`` if it cannot be read."""
    word = single_keyword(value)
    if word is not None:
        if word in WIDE_KEYWORDS or word == "math":
            return ("inherit", 1.0)
        if word in FONT_KEYWORDS_PX:
            return ("px", FONT_KEYWORDS_PX[word])
        return {"smaller": ("times", 0.8), "larger": ("times", 1.2)}.get(word)
    parts = significant(value)
    if len(parts) == 1 and parts[0].type == "number" and parts[0].value == 0:
        return ("px", 0.0)
    if len(parts) == 1 and parts[0].type in ("dimension", "percentage"):
        token = parts[0]
        if token.type == "percentage":
            return ("times", float(token.value) / 100)
        unit = token.lower_unit
        if unit in ("em", "ex", "ch", "cap", "ic", "lh"):
            found = amount(token)
            return ("times", found.value / 16) if found is not None else None
        if unit in ("rem", "rex", "rch", "ric", "rcap", "rlh"):
            found = amount(token)
            return ("root", found.value / 16) if found is not None else None
        found = amount(token)
        if found is not None and found.kind == "px":
            return ("px", found.value)
    return None


def font_shorthand(value: Sequence[Any]) -> tuple[list[Any] | None, list[Any] | None]:
    """The ``font-size`` and ``line-height`` parts of a ``font`` value (``None`` where absent:
    a system font, a wide keyword); ``([], None)`` when the size cannot be found."""
    parts = significant(value)
    if len(parts) == 1 and parts[0].type == "ident" and (parts[0].lower_value in SYSTEM_FONTS or parts[0].lower_value in WIDE_KEYWORDS):
        return None, None
    for index, token in enumerate(parts):
        size = token.type in ("dimension", "percentage", "function") or (
            token.type == "ident" and (token.lower_value in FONT_KEYWORDS_PX or token.lower_value in ("smaller", "larger"))
        )
        if token.type == "number" and token.value == 0:
            size = True
        if size:
            height = None
            if index + 2 < len(parts) and parts[index + 1].type == "literal" and parts[index + 1].value == "/":
                height = [parts[index + 2]]
            return [token], height
    return [], None
