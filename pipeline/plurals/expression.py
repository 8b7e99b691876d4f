"""gettext's plural expressions: parsed by their grammar, evaluated without ``eval``.

A ``Plural-Forms`` header is text a translator (or any PO tool) wrote, so it is parsed, never
executed: the grammar is GNU gettext's (``plural.y``: ``?:``, ``||``, ``&&``, ``== !=``,
``< > <= >=``, ``+ -``, ``* / %``, ``!``, ``n``, decimal numbers, parentheses), compiled into
nested Python closures, and evaluated with C's ``unsigned long`` arithmetic (64 bits, wrapping),
as libintl evaluates it at run time. A division by zero is an error of the rule, not a crash.

Two rules are *equivalent* when they pick the same form for every number of :data:`SAMPLES`:
0 to 10,000 and large round numbers (where CLDR's "many" of French or Spanish lives). Every
rule gettext and CLDR define depends only on ``n % 10``, ``n % 100``, ``n % 1000000`` and small
values of ``n``, which these samples cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

_MASK = (1 << 64) - 1
_TOKEN = re.compile(r"\s*(?:([0-9]+)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")
_HEADER = re.compile(r"\s*nplurals\s*=\s*([0-9]+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*")
_BINARY: dict[str, tuple[int, Callable[[int, int], int]]] = {
    "||": (1, lambda a, b: int(bool(a) or bool(b))),
    "&&": (2, lambda a, b: int(bool(a) and bool(b))),
    "==": (3, lambda a, b: int(a == b)),
    "!=": (3, lambda a, b: int(a != b)),
    "<": (4, lambda a, b: int(a < b)),
    ">": (4, lambda a, b: int(a > b)),
    "<=": (4, lambda a, b: int(a <= b)),
    ">=": (4, lambda a, b: int(a >= b)),
    "+": (5, lambda a, b: (a + b) & _MASK),
    "-": (5, lambda a, b: (a - b) & _MASK),
    "*": (6, lambda a, b: (a * b) & _MASK),
    "/": (6, lambda a, b: a // _nonzero(b)),
    "%": (6, lambda a, b: a % _nonzero(b)),
}

SAMPLES: tuple[int, ...] = tuple(
    sorted(
        set(range(0, 10001))
        | {m * 10**k + d for k in range(4, 13) for m in (1, 2, 3, 5, 10, 11, 12, 21, 100) for d in (0, 1, 2, 3, 5, 11, 21, 100)}
    )
)
"""The numbers on which two rules are compared."""

Evaluator = Callable[[int], int]


class PluralExpressionError(ValueError):
    """A plural expression does not parse, or cannot be evaluated (a division by zero)."""


def _nonzero(value: int) -> int:
    if value == 0:
        raise PluralExpressionError("division by zero")
    return value


def compile_expression(expression: str) -> Evaluator:
    """Parse a C plural expression in ``n``; raises :class:`PluralExpressionError` saying why."""
    return _compile(expression)


@lru_cache(maxsize=512)
def _compile(expression: str) -> Evaluator:
    tokens: list[str] = []
    position, end = 0, len(expression.rstrip())
    while position < end:
        match = _TOKEN.match(expression, position)
        if not match:
            raise PluralExpressionError(f"unexpected {expression[position:].strip()[:10]!r}")
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()
    parser = _Parser(tokens)
    evaluator = parser.conditional()
    if parser.index != len(tokens):
        raise PluralExpressionError(f"unexpected {tokens[parser.index]!r}")
    return evaluator


@dataclass
class _Parser:
    """Recursive descent over the tokens, building closures (precedence climbing for binaries)."""

    tokens: list[str]
    index: int = 0
    depth: int = field(default=0)

    def take(self) -> str:
        if self.index >= len(self.tokens):
            raise PluralExpressionError("the expression ends too early")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def conditional(self) -> Evaluator:
        self.depth += 1
        if self.depth > 100:
            raise PluralExpressionError("nested too deeply")
        test = self.binary(1)
        if self.peek() == "?":
            self.take()
            yes = self.conditional()
            if self.take() != ":":
                raise PluralExpressionError("'?' without ':'")
            no = self.conditional()
            self.depth -= 1
            return lambda n: yes(n) if test(n) else no(n)
        self.depth -= 1
        return test

    def binary(self, level: int) -> Evaluator:
        left = self.operand()
        while (token := self.peek()) in _BINARY and _BINARY[token][0] >= level:
            self.take()
            precedence, operate = _BINARY[token]
            right = self.binary(precedence + 1)
            left = _combine(operate, left, right)
        return left

    def operand(self) -> Evaluator:
        token = self.take()
        if token == "!":
            inner = self.operand()
            return lambda n: int(not inner(n))
        if token == "(":
            inner = self.conditional()
            if self.take() != ")":
                raise PluralExpressionError("'(' without ')'")
            return inner
        if token == "n":
            return lambda n: n & _MASK
        if token.isdigit():
            value = int(token) & _MASK
            return lambda n: value
        raise PluralExpressionError(f"unexpected {token!r}")


def _combine(operate: Callable[[int, int], int], left: Evaluator, right: Evaluator) -> Evaluator:
    return lambda n: operate(left(n), right(n))


@dataclass(frozen=True, slots=True)
class PluralRule:
    """A ``Plural-Forms`` value: how many forms, and which form a number takes."""

    nplurals: int
    """Number of forms (``msgstr[0]`` … ``msgstr[nplurals-1]``)."""
    expression: str
    """The C expression in ``n`` giving the form's index, as written."""

    @property
    def header(self) -> str:
        """The value of the ``Plural-Forms`` header field."""
        return f"nplurals={self.nplurals}; plural={self.expression};"

    def select(self, n: int) -> int:
        """The form index for ``n`` (raises :class:`PluralExpressionError` on a division by zero)."""
        return compile_expression(self.expression)(n)

    def signature(self) -> tuple[int, ...]:
        """The form of every sample number: equal signatures mean equivalent rules."""
        return _signature(self.expression)

    def equivalent(self, other: PluralRule) -> bool:
        return self.nplurals == other.nplurals and self.signature() == other.signature()

    def problem(self) -> str | None:
        """Why this rule cannot be used as it is (a form out of range, a division by zero), or None."""
        try:
            largest = max(self.signature())
        except PluralExpressionError as exc:
            return str(exc)
        if largest >= self.nplurals:
            return f"the expression gives form {largest} while nplurals is {self.nplurals}"
        return None

    def numbers(self, index: int, limit: int = 4) -> tuple[int, ...]:
        """Example numbers that take form ``index``, smallest first; round millions for forms
        whose smallest members are all large."""
        picked: list[int] = []
        for n, form in zip(SAMPLES, self.signature()):
            if form == index:
                picked.append(n)
                if len(picked) == limit:
                    break
        return tuple(picked)


@lru_cache(maxsize=256)
def _signature(expression: str) -> tuple[int, ...]:
    evaluate = compile_expression(expression)
    return tuple(evaluate(n) for n in SAMPLES)


def parse_plural_forms(value: str) -> PluralRule:
    """Parse a ``Plural-Forms`` header value; raises :class:`PluralExpressionError` saying why."""
    match = _HEADER.fullmatch(value)
    if not match:
        raise PluralExpressionError("expected 'nplurals=N; plural=EXPRESSION;'")
    nplurals = int(match.group(1))
    if nplurals < 1:
        raise PluralExpressionError("nplurals must be at least 1")
    compile_expression(match.group(2))
    return PluralRule(nplurals, match.group(2))
