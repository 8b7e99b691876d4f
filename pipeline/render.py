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
from pathlib import Path
from typing import Any, Callable, Iterator

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError as JinjaError
from jinja2 import Template, TemplateNotFound, TemplateSyntaxError
from markupsafe import Markup

from .catalogs import Catalog, Message
from .errors import TemplateError
from .blockhtml import HtmlContext, render_blocks
from .inline import PageFootnotes, inline_tokens, render_plain, tokens_html
from .locales import LocaleInfo
from .page import ArticlePage, PageBlock, PageText
from .rawhtml import has_html, sanitize, tags_of
from .required import required_status
from .segments import extract_segments
from .sources import Article, Block, BlockKind, TEXT_KINDS
from .stats import word_count
from .ui import CatalogTranslations

WORDS_PER_MINUTE = 200


_MARKUP_OF: dict[BlockKind, str] = {BlockKind.HTML_TEXT: "html"}
"""Inline markup per text kind where it is not the article's (a run of an HTML block is HTML)."""


class Localizer:
    """Looks segments up in one catalogue, applying the publish rules."""

    def __init__(self, catalog: Catalog | None, locale: LocaleInfo, source: LocaleInfo, article: Article) -> None:
        self.messages: dict[str, Message] = {}
        if catalog is not None:
            self.messages = {m.msgid: m for m in catalog.active if m.msgctxt is None}
        self.is_source = catalog is None
        self.locale, self.source, self.markup, self.references = locale, source, article.markup, article.references
        self.footnotes = PageFootnotes(article.footnotes) if article.footnotes else None
        self.shown = 0
        self.total = 0
        self.fallbacks: list[tuple[int, str]] = []

    def translation(self, text: str, line: int = 0) -> str | None:
        """The approved translation of ``text``, if it may be published; a translation that
        would change the author's HTML tags is not (and the page says why)."""
        message = self.messages.get(text)
        if message is None or not message.translated:
            return None
        translation = message.msgstr[0]
        if has_html(text) and tags_of(translation) != tags_of(text):
            self.fallbacks.append((line, "its translation changes the source's HTML tags"))
            return None
        return translation

    def text(self, source: str, translation: str | None, mark_fallback: bool = True, markup: str | None = None) -> PageText:
        self.total += 1
        self.shown += translation is not None or self.is_source
        used = source if translation is None else translation
        markup = markup or self.markup
        tokens = inline_tokens(used, source, markup, self.references, self.footnotes)
        html = tokens_html(used, markup, tokens)
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
            if block.kind in TEXT_KINDS and not block.text:
                content = PageText(Markup(""), "", "")  # an empty table cell: nothing to translate or mark
            elif block.kind in TEXT_KINDS:
                translated = translations[block.text] if translations is not None else self.translation(block.text, block.line)
                content = self.text(block.text, translated, mark_fallback, _MARKUP_OF.get(block.kind))
            children = self.blocks(block.children, translations, mark_fallback)
            text = block.text if block.kind in (BlockKind.CODE, BlockKind.HTML_MARKUP) else ""
            out.append(PageBlock(str(block.kind), block.level, block.info, text, content, children, block.tight, block.anchor))
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
        if has_html(text) and tags_of(localizer.messages[text].msgstr[0]) != tags_of(text):
            return {t: None for t in required}, "its translation changes the source's HTML tags"
    return {text: localizer.messages[text].msgstr[0] for text in required}, ""


def article_page(
    article: Article,
    catalog: Catalog | None,
    locale: LocaleInfo,
    source: LocaleInfo,
    minutes: int | None = None,
    ui: CatalogTranslations | None = None,
) -> ArticlePage:
    """The view of ``article`` in ``locale``; ``catalog`` is ``None`` for the source language."""
    localizer = Localizer(catalog, locale, source, article)
    title = localizer.text(article.title, localizer.translation(article.title, article.title_line))
    description = ""
    if article.description:
        described = localizer.translation(article.description, article.description_line) or article.description
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
    context = HtmlContext((ui or CatalogTranslations(None)).pgettext, _footnote_counter(localizer.footnotes))
    body_html, disclaimer_html = render_blocks(body, context), render_blocks(disclaimer, context)
    if article.raw_html:
        body_html, disclaimer_html = sanitize(body_html), sanitize(disclaimer_html)
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
        body_html=Markup(body_html),
        disclaimer_html=Markup(disclaimer_html),
        fallbacks=tuple(localizer.fallbacks),
    )


def _footnote_counter(footnotes: PageFootnotes | None) -> Callable[[int], int]:
    if footnotes is None:
        return lambda number: 1
    return lambda number: footnotes.references_of(number - 1)


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

