"""Rendering: an article and a locale's catalogue → the page's view, then HTML through Jinja2.

Principles:

- Translate, then fall back: each segment shows its approved translation, or the English
  source marked ``lang="en"`` (and ``dir="ltr"``) so browsers, screen readers and search engines
  know. Fuzzy entries are suggestions, never published.
- The disclaimer is one unit: its translation is used only when every required segment passes
  the rule in :mod:`pipeline.required`; otherwise the whole disclaimer is the English text. A
  disclaimer half in one language and half in another is not intact.
- Templates receive frozen view objects whose inline HTML was produced here (escaped by
  :mod:`pipeline.inline`); the Jinja2 environment always autoescapes everything else.
- Template problems are errors naming the template file and line, never tracebacks.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError as JinjaError
from jinja2 import Template, TemplateNotFound, TemplateSyntaxError
from markdown_it.token import Token
from markupsafe import Markup

from .catalogs import Catalog, Message
from .errors import TemplateError
from .inline import LinkList, inline_tokens, render_plain, tokens_html, tokens_plain
from .locales import LocaleInfo
from .required import required_status
from .segments import extract_segments
from .sources import Article, Block, BlockKind, TEXT_KINDS
from .stats import word_count
from .ui import CatalogTranslations

WORDS_PER_MINUTE = 200


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
    """Verbatim content of a code block."""
    content: PageText | None
    children: tuple[PageBlock, ...]

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

    @property
    def has_fallback(self) -> bool:
        return self.translated_share < 1.0


class Localizer:
    """Looks segments up in one catalogue, applying the publish rules."""

    def __init__(self, catalog: Catalog | None, locale: LocaleInfo, source: LocaleInfo, markup: str, references: Any) -> None:
        self.messages: dict[str, Message] = {}
        if catalog is not None:
            self.messages = {m.msgid: m for m in catalog.active if m.msgctxt is None}
        self.is_source = catalog is None
        self.locale, self.source, self.markup, self.references = locale, source, markup, references
        self.shown = 0
        self.total = 0

    def translation(self, text: str) -> str | None:
        message = self.messages.get(text)
        return message.msgstr[0] if message is not None and message.translated else None

    def text(self, source: str, translation: str | None, mark_fallback: bool = True) -> PageText:
        self.total += 1
        self.shown += translation is not None or self.is_source
        used = source if translation is None else translation
        tokens = inline_tokens(used, source, self.markup, self.references)
        html = tokens_html(used, self.markup, tokens)
        if translation is None and not self.is_source and mark_fallback:
            return PageText(html, used, source, self.source.tag, self.source.direction, tokens)
        return PageText(html, used, source, tokens=tokens)

    def blocks(
        self, blocks: tuple[Block, ...], translations: dict[str, str | None] | None = None, mark_fallback: bool = True
    ) -> tuple[PageBlock, ...]:
        """Localized blocks; ``translations`` overrides the lookup (the disclaimer's rule decides)."""
        out = []
        for block in blocks:
            content = None
            if block.kind in TEXT_KINDS:
                translated = translations[block.text] if translations is not None else self.translation(block.text)
                content = self.text(block.text, translated, mark_fallback)
            children = self.blocks(block.children, translations, mark_fallback)
            text = block.text if block.kind is BlockKind.CODE else ""
            out.append(PageBlock(str(block.kind), block.level, block.info, text, content, children))
        return tuple(out)


def disclaimer_translations(article: Article, localizer: Localizer) -> tuple[dict[str, str | None], str]:
    """The disclaimer's texts to show: all translated if every segment passes, else all English."""
    required = [s.text for s in extract_segments(article) if s.required]
    if localizer.is_source:
        return {text: None for text in required}, ""
    for text in required:
        status = required_status(text, localizer.messages.get(text))
        if not status.usable:
            return {t: None for t in required}, status.reason
    return {text: localizer.messages[text].msgstr[0] for text in required}, ""


def article_page(
    article: Article, catalog: Catalog | None, locale: LocaleInfo, source: LocaleInfo, minutes: int | None = None
) -> ArticlePage:
    """The view of ``article`` in ``locale``; ``catalog`` is ``None`` for the source language."""
    localizer = Localizer(catalog, locale, source, article.markup, article.references)
    title = localizer.text(article.title, localizer.translation(article.title))
    description = ""
    if article.description:
        described = localizer.translation(article.description) or article.description
        description = render_plain(described, article.description, article.markup, None, article.references)
    body = localizer.blocks(tuple(b for b in article.blocks if b.kind is not BlockKind.DISCLAIMER))
    translations, reason = disclaimer_translations(article, localizer)
    disclaimer_blocks = tuple(child for b in article.required_blocks for child in b.children)
    translated = localizer.is_source or (bool(translations) and all(t is not None for t in translations.values()))
    fallback = not translated
    # A fallback disclaimer is marked once, on its container, rather than on each paragraph.
    disclaimer = localizer.blocks(disclaimer_blocks, translations, mark_fallback=False)
    if minutes is None:
        minutes = reading_minutes(article)
    return ArticlePage(
        article=article,
        locale=locale,
        title=title,
        title_text=title.plain(),
        description=description,
        date_text=format_date(article.date, format="long", locale=locale.babel) if article.date else "",
        date_iso=article.date.isoformat() if article.date else "",
        minutes=minutes,
        body=body,
        disclaimer=disclaimer,
        disclaimer_translated=translated,
        disclaimer_reason=reason,
        disclaimer_lang=source.tag if fallback and not localizer.is_source else None,
        disclaimer_dir=source.direction if fallback and not localizer.is_source else None,
        translated_share=localizer.shown / localizer.total if localizer.total else 1.0,
    )


def reading_minutes(article: Article) -> int:
    words = sum(word_count(s.text) for s in extract_segments(article))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def make_environment(folder: Path) -> Environment:
    """A Jinja2 environment over ``folder`` with autoescape on for everything, i18n, strict names."""
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # Newstyle gettext must be on before any template compiles: it changes the compiled code.
    env.install_gettext_translations(CatalogTranslations(None), newstyle=True)  # type: ignore[attr-defined]
    return env


@contextmanager
def template_errors(env: Environment, name: str) -> Iterator[None]:
    """Turn Jinja's exceptions into :class:`TemplateError` naming the template file and line."""
    folder = Path(env.loader.searchpath[0])  # type: ignore[union-attr]
    try:
        yield
    except TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else folder / name
        raise TemplateError(path, exc.lineno, f"template syntax error: {exc.message}") from exc
    except TemplateNotFound as exc:
        raise TemplateError(folder / str(exc.name), None, "template not found") from exc
    except JinjaError as exc:
        frame, line = _template_frame(folder)
        raise TemplateError(frame or folder / name, line, f"template error: {exc}") from exc


def load_template(env: Environment, name: str) -> Template:
    """Load and compile a template, so that a broken one fails before any page is rendered."""
    with template_errors(env, name):
        return env.get_template(name)
    raise AssertionError("unreachable")


def render_template(env: Environment, name: str, translations: CatalogTranslations, context: dict[str, Any]) -> str:
    """Render one template in a locale."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    with template_errors(env, name):
        return env.get_template(name).render(context)
    raise AssertionError("unreachable")


def _template_frame(folder: Path) -> tuple[Path | None, int | None]:
    """The innermost traceback frame inside a template (Jinja rewrites frames to point there)."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(sys.exc_info()[2]):
        if frame.filename.startswith(str(folder)):
            found = (Path(frame.filename), frame.lineno)
    return found

