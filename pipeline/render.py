"""Rendering: an article and a locale's catalogue → the page's view, then HTML through Jinja2.

Principles:

- Translate, then fall back: each segment shows its translation when the publish rule
  (:func:`pipeline.policy.verdict`, with the locale's policy) allows it, or the English source
  marked ``lang="en"`` (and ``dir="ltr"``) so browsers, screen readers and search engines know.
  Fuzzy entries are suggestions, never published; under ``publish = "reviewed"`` neither are
  unreviewed ones. The page says at the top how many segments it shows in English.
- The disclaimer is one unit: its translation is used only when every required segment passes
  the rule; otherwise the whole disclaimer is the English text. A disclaimer half in one
  language and half in another is not intact.
- Every segment's verdict is recorded (:class:`pipeline.provenance.SegmentRecord`) for the
  build's manifest.
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
from .config import PublishPolicy
from .errors import TemplateError
from .blockhtml import HtmlContext, render_blocks
from .inline import PageFootnotes, inline_tokens, render_plain, tokens_html
from .locales import LocaleInfo
from .page import ArticlePage, PageBlock, PageText
from .policy import FALLBACK, TAGS_CHANGED, Verdict, verdict
from .provenance import SegmentRecord
from .rawhtml import sanitize
from .segments import extract_segments
from .sources import Article, Block, BlockKind, TEXT_KINDS
from .stats import word_count
from .ui import CatalogTranslations

WORDS_PER_MINUTE = 200


_MARKUP_OF: dict[BlockKind, str] = {BlockKind.HTML_TEXT: "html"}
"""Inline markup per text kind where it is not the article's (a run of an HTML block is HTML)."""


class Localizer:
    """Looks segments up in one catalogue, applying the publish rule with the locale's policy."""

    def __init__(
        self, catalog: Catalog | None, locale: LocaleInfo, source: LocaleInfo, article: Article, policy: PublishPolicy = PublishPolicy()
    ) -> None:
        self.messages: dict[str, Message] = {}
        if catalog is not None:
            self.messages = {m.msgid: m for m in catalog.active if m.msgctxt is None}
        self.is_source = catalog is None
        self.locale, self.source, self.markup, self.references = locale, source, article.markup, article.references
        self.policy = policy
        self.footnotes = PageFootnotes(article.footnotes) if article.footnotes else None
        self.shown = 0
        self.total = 0
        self.fallbacks: list[tuple[int, str]] = []
        self.verdicts: dict[str, Verdict] = {}
        """The verdict on each source text looked up, for the page's records."""
        self.records: list[SegmentRecord] = []

    def translation(self, text: str, line: int = 0, required: bool = False) -> str | None:
        """The translation of ``text`` if the publish rule lets the page show it; a translation
        withheld because it would change the author's HTML tags is noted (the page says why)."""
        message = self.messages.get(text)
        result = verdict(text, message, self.policy, required)
        self.verdicts[text] = result
        if not result.usable:
            if result.reason == TAGS_CHANGED:
                self.fallbacks.append((line, result.reason))
            return None
        assert message is not None
        return message.msgstr[0]

    def text(
        self, source: str, translation: str | None, mark_fallback: bool = True, markup: str | None = None, line: int = 0, kind: str = ""
    ) -> PageText:
        self.total += 1
        self.shown += translation is not None or self.is_source
        if kind:
            self.record(source, line, kind, translation is not None)
        used = source if translation is None else translation
        markup = markup or self.markup
        tokens = inline_tokens(used, source, markup, self.references, self.footnotes)
        html = tokens_html(used, markup, tokens)
        if translation is None and not self.is_source and mark_fallback:
            return PageText(html, used, source, self.source.tag, self.source.direction, tokens)
        return PageText(html, used, source, tokens=tokens)

    def record(self, source: str, line: int, kind: str, shown: bool) -> None:
        """Note how the segment ``source`` was published, for the manifest."""
        if self.is_source:
            self.records.append(SegmentRecord(line, kind, "source"))
            return
        result = self.verdicts.get(source) or verdict(source, self.messages.get(source), self.policy)
        required = kind.startswith("disclaimer")
        if result.usable and not shown:  # the disclaimer falls back as one unit
            result = Verdict(FALLBACK, "another part of the disclaimer cannot be published", digest=result.digest)
        self.records.append(SegmentRecord.of(line, kind, result, self.messages.get(source), required))

    @property
    def in_english(self) -> int:
        """How many segments of the page show the English text (0 on the source-language page)."""
        return 0 if self.is_source else self.total - self.shown

    def blocks(
        self,
        blocks: tuple[Block, ...],
        translations: dict[str, str | None] | None = None,
        mark_fallback: bool = True,
        kind: str = "",
    ) -> tuple[PageBlock, ...]:
        """Localized blocks; ``translations`` overrides the lookup (the disclaimer's rule decides)."""
        out = []
        for block in blocks:
            content = None
            if block.kind in TEXT_KINDS and not block.text:
                content = PageText(Markup(""), "", "")  # an empty table cell: nothing to translate or mark
            elif block.kind in TEXT_KINDS:
                translated = translations[block.text] if translations is not None else self.translation(block.text, block.line)
                content = self.text(block.text, translated, mark_fallback, _MARKUP_OF.get(block.kind), block.line, kind or str(block.kind))
            children = self.blocks(block.children, translations, mark_fallback, kind)
            text = block.text if block.kind in (BlockKind.CODE, BlockKind.HTML_MARKUP) else ""
            out.append(PageBlock(str(block.kind), block.level, block.info, text, content, children, block.tight, block.anchor))
        return tuple(out)


def disclaimer_translations(article: Article, localizer: Localizer) -> tuple[dict[str, str | None], str]:
    """The disclaimer's texts to show: all translated if every segment passes, else all English."""
    segments = [s for s in extract_segments(article) if s.required]
    required = [s.text for s in segments]
    if localizer.is_source:
        return {text: None for text in required}, ""
    shown = {s.text: localizer.translation(s.text, s.line, required=True) for s in segments}
    for text in required:
        if shown[text] is None:
            return {t: None for t in required}, localizer.verdicts[text].reason
    return shown, ""


def article_page(
    article: Article,
    catalog: Catalog | None,
    locale: LocaleInfo,
    source: LocaleInfo,
    minutes: int | None = None,
    ui: CatalogTranslations | None = None,
    policy: PublishPolicy = PublishPolicy(),
) -> ArticlePage:
    """The view of ``article`` in ``locale``; ``catalog`` is ``None`` for the source language,
    ``policy`` the locale's publish policy."""
    localizer = Localizer(catalog, locale, source, article, policy)
    title = localizer.text(article.title, localizer.translation(article.title, article.title_line), line=article.title_line, kind="title")
    description = ""
    if article.description:
        shown = localizer.translation(article.description, article.description_line)
        localizer.record(article.description, article.description_line, "description", shown is not None)
        described = shown or article.description
        description = render_plain(described, article.description, article.markup, None, article.references)
    body = localizer.blocks(tuple(b for b in article.blocks if b.kind is not BlockKind.DISCLAIMER))
    translations, reason = disclaimer_translations(article, localizer)
    disclaimer_blocks = tuple(child for b in article.required_blocks for child in b.children)
    translated = localizer.is_source or (bool(translations) and all(t is not None for t in translations.values()))
    fallback = not translated
    # A fallback disclaimer is marked once, on its container, rather than on each paragraph.
    disclaimer = localizer.blocks(disclaimer_blocks, translations, mark_fallback=False, kind="disclaimer")
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
        in_english=localizer.in_english,
        segments=tuple(localizer.records),
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

