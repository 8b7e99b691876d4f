"""The page's view of an article in one locale: what templates, the HTML block renderer and the
text renderer receive. Frozen values; inline HTML in them is already escaped (or sanitized)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.token import Token
from markupsafe import Markup

from .inline import LinkList, tokens_plain
from .locales import LocaleInfo
from .provenance import SegmentRecord
from .sources import Article


@dataclass(frozen=True, slots=True)
class PageText:
    """A piece of inline text as the page shows it."""

    html: Markup
    """Rendered inline HTML (already escaped)."""
    used: str
    """The Markdown shown: the translation, or the source when falling back."""
    source: str
    """The source segment, whose link targets the page uses."""
    lang: str | None = None
    """``en`` (the source language tag) when this is the fallback; ``None`` otherwise."""
    dir: str | None = None
    tokens: tuple[Token, ...] | None = field(default=None, compare=False, repr=False)
    """The parsed inline Markdown, shared by the HTML and the text page (``None``: plain prose)."""

    def plain(self, links: LinkList | None = None) -> str:
        """The text without markup; links numbered into ``links`` when given."""
        return tokens_plain(self.used, self.tokens, links)


@dataclass(frozen=True, slots=True)
class PageBlock:
    """A block of the page: like :class:`pipeline.sources.Block`, with its text localized."""

    kind: str
    level: int
    info: str
    text: str
    """Verbatim content of a code block (or the markup of an HTML block's part)."""
    content: PageText | None
    children: tuple[PageBlock, ...]
    tight: bool = False
    """A paragraph (or image) of a tight list, rendered without ``<p>``."""
    anchor: str = ""
    """A heading's id."""

    @property
    def html(self) -> Markup:
        return self.content.html if self.content else Markup("")

    @property
    def lang(self) -> str | None:
        return self.content.lang if self.content else None

    @property
    def dir(self) -> str | None:
        return self.content.dir if self.content else None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """Everything a template or the text renderer needs to show one article in one locale."""

    article: Article
    locale: LocaleInfo
    title: PageText
    title_text: str
    """The title without markup, for ``<title>`` and the text page."""
    description: str
    date_text: str
    date_iso: str
    minutes: int
    body: tuple[PageBlock, ...]
    disclaimer: tuple[PageBlock, ...]
    disclaimer_translated: bool
    """The locale's translation of the disclaimer is shown (else the English)."""
    disclaimer_reason: str
    """Why the English disclaimer is shown, when it is."""
    disclaimer_lang: str | None
    disclaimer_dir: str | None
    translated_share: float
    """Share of the article's segments shown translated (1.0 for the source language)."""
    body_html: Markup = Markup("")
    """The article's blocks (without the disclaimer) as HTML, as CommonMark renders them."""
    disclaimer_html: Markup = Markup("")
    """The disclaimer's blocks as HTML; the template wraps them in the marked container."""
    fallbacks: tuple[tuple[int, str], ...] = ()
    """Segments shown in English for a reason other than a missing translation: (line, why)."""
    in_english: int = 0
    """How many segments the page shows in English (the notice at its top says so)."""
    segments: tuple[SegmentRecord, ...] = ()
    """How each segment was published (state, why, origin, reviewers), for the manifest."""

    @property
    def has_fallback(self) -> bool:
        return self.translated_share < 1.0


