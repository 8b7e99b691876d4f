"""Locale codes, checked by Babel before they reach a path.

A locale code becomes a folder name (``locale/<code>/LC_MESSAGES``) and a ``lang`` attribute, so
it is validated twice: first by shape (letters, digits, ``_`` or ``-`` only — nothing that could
climb out of a folder), then by Babel's CLDR data (the language must exist). The normalized form
is Babel's (``pt-BR`` → ``pt_BR``); HTML gets the BCP 47 form (``pt-BR``). Everything a page or
a catalogue header needs to know about a locale — its own name, text direction —
comes from one :class:`LocaleInfo`, except the plural rule, which the project owns
(:mod:`pipeline.plurals.rules`): Babel's changes between releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from .errors import LocaleError

_SHAPE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class LocaleInfo:
    """What the pipeline needs to know about one locale."""

    code: str
    """Babel's normalized identifier, used for folders and catalogue headers (``pt_BR``)."""
    tag: str
    """BCP 47 language tag for HTML ``lang`` and ``hreflang`` (``pt-BR``)."""
    direction: str
    """``ltr`` or ``rtl``, for ``<html dir>``."""
    native_name: str
    """The language's name in itself (``Deutsch``), for the language switcher."""
    english_name: str
    """The language's name in English, for reports and the catalogue's Language-Team."""

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.code)


def normalize_locale(code: str) -> str:
    """Return Babel's form of ``code`` or raise :class:`LocaleError` saying why not."""
    return locale_info(code).code


@lru_cache(maxsize=None)
def locale_info(code: str) -> LocaleInfo:
    """Validate ``code`` and describe the locale; raises :class:`LocaleError`."""
    if not code or not _SHAPE.fullmatch(code):
        raise LocaleError(
            f"invalid locale code {code!r}: expected a code such as 'de', 'pt_BR' or 'zh_Hans'"
        )
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(f"unknown locale code {code!r}: {exc}") from exc
    normalized = str(locale)
    return LocaleInfo(
        code=normalized,
        tag=normalized.replace("_", "-"),
        direction=locale.text_direction,
        native_name=_capitalized(locale.get_display_name(locale) or normalized),
        english_name=locale.get_display_name("en") or normalized,
    )


def _capitalized(name: str) -> str:
    """CLDR writes some names in lower case (``français``); a language menu starts with a capital."""
    return name[:1].upper() + name[1:]
