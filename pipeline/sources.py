"""Reading articles: Markdown (CommonMark + front matter) and plain text into one block tree.

Principles:

- One document model for both formats. A reader turns a file into an :class:`Article`, a tree
  of frozen :class:`Block` values with 1-based source lines; segmentation, rendering and
  verification never look at the file again.
- Text is normalized once, here: runs of whitespace become one space, hard line breaks become
  ``\\`` + newline, leading and trailing space goes — except inside code spans, whose spaces
  are content (only a line break becomes a space, as CommonMark says). The normalized text is
  the msgid and the key used to look the translation up at build time, so both sides always
  agree, and re-wrapping a paragraph in an editor changes no msgid.
- Inline Markdown stays as written (``*em*``, ``[WebMD](https://www.webmd.com/)``): translators
  see it and keep it, and link targets are later taken from here, not from the translation.
- Raw HTML that the author wrote is content (:mod:`pipeline.rawhtml`): HTML blocks keep their
  markup with their prose as segments; inline tags stay in the segment's text, and a
  translation must keep them exactly. Everything is sanitized when published.
- The block tree keeps what the HTML needs to match CommonMark's rendering: tight lists, table
  head and body, a fence's language (the info string's first word), footnotes, images whose
  alt text and title are segments, admonitions (``::: note``) and a stable anchor per heading.
- The disclaimer is a required block: ``::: disclaimer`` … ``:::`` in Markdown; in plain text
  the paragraph that starts with ``Disclaimer:``.
- Symbolic links in ``source/`` are followed only while they stay inside the project
  (:func:`find_articles`).
- Plain text (``.txt``) is read as blocks separated by blank lines. A block of one line, at most
  80 characters, that does not end like a sentence (``.`` ``,`` ``;`` ``:`` ``…``) is a heading;
  a question such as "What is Valium (Diazepam)?" is a heading too. The first block is the title
  when it is a heading; otherwise the title comes from the file name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterator

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.common.utils import unescapeAll
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .anchors import AnchorSet, explicit_anchor, slugify
from .errors import SourceError
from .files import boundary, escapes
from .rawhtml import html_parts

SOURCE_SUFFIXES = (".md", ".txt")
DISCLAIMER = "disclaimer"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET_LIST = "bullet_list"
    ORDERED_LIST = "ordered_list"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    TABLE = "table"
    TABLE_ROW = "table_row"
    TABLE_CELL = "table_cell"
    TABLE_HEAD = "table_head"
    TABLE_BODY = "table_body"
    CODE = "code"
    RULE = "rule"
    DISCLAIMER = "disclaimer"
    HTML = "html"
    """Raw HTML block: its children are :attr:`HTML_MARKUP` and :attr:`HTML_TEXT` parts."""
    HTML_MARKUP = "html_markup"
    HTML_TEXT = "html_text"
    IMAGE = "image"
    """A paragraph that is one image: ``info`` is its source, children its alt text and title."""
    IMAGE_ALT = "image_alt"
    IMAGE_TITLE = "image_title"
    ADMONITION = "admonition"
    """``::: note`` … ``:::``: ``info`` is the kind; a custom title is an ADMONITION_TITLE child."""
    ADMONITION_TITLE = "admonition_title"
    FOOTNOTES = "footnotes"
    FOOTNOTE = "footnote"
    """One footnote's body: ``info`` is its label, ``level`` its number on the page."""


TEXT_KINDS = frozenset(
    {BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE_CELL, BlockKind.HTML_TEXT, BlockKind.IMAGE_ALT,
     BlockKind.IMAGE_TITLE, BlockKind.ADMONITION_TITLE}
)  # fmt: skip
"""Blocks whose ``text`` is translatable inline content."""
ADMONITIONS = ("note", "tip", "important", "warning", "caution")
"""The admonition kinds an author can write as ``::: warning``."""


@dataclass(frozen=True, slots=True)
class Block:
    """One node of an article's block tree."""

    kind: BlockKind
    line: int
    """1-based line where the block starts in the source file."""
    text: str = ""
    """Normalized inline Markdown for text blocks; the verbatim content of a code block."""
    level: int = 0
    """Heading level 1-6; for a table cell, 1 when it is a header cell."""
    info: str = ""
    """A code block's language, an ordered list's start number, a cell's alignment, an image's
    source, an admonition's kind, a footnote's label."""
    children: tuple[Block, ...] = ()
    tight: bool = False
    """A list written without blank lines between items: its paragraphs are not ``<p>``."""
    anchor: str = ""
    """A heading's ``id``: from the English heading (or its ``{#id}``), the same in every locale."""

    def __reduce__(self) -> tuple[type[Block], tuple[object, ...]]:
        """Pickle as one tuple (articles cross to worker processes and into the cache by the
        thousand; the generic dataclass pickling is several times slower)."""
        return (Block, (self.kind, self.line, self.text, self.level, self.info, self.children, self.tight, self.anchor))

    def walk(self) -> Iterator[Block]:
        """This block and every block inside it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Article:
    """One source file, read and normalized."""

    path: Path
    """The file, as given (absolute or relative to the working folder)."""
    slug: str
    """The domain name of its catalogue and the file name of its pages."""
    title: str
    title_line: int
    description: str
    """Front-matter description (a translatable segment when present)."""
    description_line: int
    date: dt.date | None
    """Publication date from the front matter, formatted per locale on the page."""
    blocks: tuple[Block, ...]
    markup: str = "markdown"
    """``markdown`` when inline text is Markdown; ``text`` for plain-text articles."""
    references: dict[str, dict[str, str]] | None = None
    """markdown-it's link reference definitions, needed to render ``[text][label]`` links."""
    footnotes: tuple[str, ...] = ()
    """Footnote labels in the order of their numbers (``[^a]`` is footnote 1 if cited first)."""
    raw_html: bool = False
    """The source holds raw HTML: its pages go through the sanitizer."""

    def walk(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.walk()

    @property
    def required_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind is BlockKind.DISCLAIMER)


RESERVED_SLUGS: dict[str, str] = {
    "ui": "the domain of the templates' own strings (locale/ui.pot)",
    "index": "each language's index page, <lang>/index.html",
}
"""Slugs an article cannot have, with what already uses the name. An article's pages are
``<lang>/<slug>.html`` and ``.txt`` and its catalogue is ``<slug>.po``: a slug naming a page the
build writes itself in ``<lang>/`` would be overwritten by it (and fail every build), so every
such page is listed here; ``tests/test_build.py`` checks the list against a real build."""

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader, in C when PyYAML was built with libyaml (front matter of every article)."""
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n")


def normalize_text(text: str) -> str:
    """Collapse whitespace as a browser would, keeping Markdown hard breaks as ``\\`` newline."""
    parts = _HARD_BREAK.split(text)
    return "\\\n".join(_SPACE.sub(" ", part).strip() for part in parts).strip()


def normalize_inline(text: str) -> str:
    """:func:`normalize_text` for inline Markdown: code spans keep their spaces (a line break in
    one becomes a space, as CommonMark renders it), everything else is collapsed."""
    if "`" not in text:
        return normalize_text(text)
    out: list[str] = []
    last = 0
    for start, end in code_spans(text):
        out.append(text[last:start])
        out.append(_protect(text[start:end].replace("\n", " ")))
        last = end
    out.append(text[last:])
    return _unprotect(normalize_text("".join(out)))


_SENTINEL = "\ue000"
_BACKTICK_RUN = re.compile(r"`+")


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans of inline Markdown are (CommonMark: a backtick run opens one that the
    next run of the same length closes; a backslash escapes a backtick outside code)."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        opening = _BACKTICK_RUN.search(text, position)
        if opening is None:
            return spans
        start = opening.start()
        backslashes = len(text[:start]) - len(text[:start].rstrip("\\"))
        if backslashes % 2:
            start += 1  # an escaped backtick is text; the rest of the run may open a span
            if start == opening.end():
                position = opening.end()
                continue
        length = opening.end() - start
        closing = _BACKTICK_RUN.search(text, opening.end())
        while closing is not None and closing.end() - closing.start() != length:
            closing = _BACKTICK_RUN.search(text, closing.end())
        if closing is None:
            position = opening.end()
            continue
        spans.append((start, closing.end()))
        position = closing.end()


def _protect(code: str) -> str:
    """Spaces of a code span hidden from whitespace collapsing."""
    return code.replace(" ", _SENTINEL)


def _unprotect(text: str) -> str:
    return text.replace(_SENTINEL, " ")


def find_articles(source_dir: Path, root: Path | None = None) -> list[Path]:
    """The articles of a project, sorted by name so that every run sees the same order.

    With the project's ``root``: symbolic links are followed only while they stay inside the
    project (or inside ``source_dir`` when the configuration puts it outside the project). An
    article, or the folder, linked to a place outside is an error naming it: a link slipped into
    a contribution must not publish a file from elsewhere on the machine.
    """
    if not source_dir.is_dir():
        return []
    limit = boundary(root, source_dir) if root is not None else None
    if limit is not None:
        _refuse_escape(source_dir, limit)
    articles = []
    with os.scandir(source_dir) as entries:
        for entry in entries:
            path = source_dir / entry.name
            if path.suffix not in SOURCE_SUFFIXES or not entry.is_file():
                continue
            if limit is not None and entry.is_symlink():  # a plain file of a folder inside stays inside
                _refuse_escape(path, limit)
            articles.append(path)
    return sorted(articles, key=lambda path: path.name)  # one folder: by name, as paths sort


def _refuse_escape(path: Path, limit: Path) -> None:
    outside = escapes(path, limit)
    if outside is not None:
        raise SourceError(path, None, f"a symbolic link out of the project (to {outside}); copy the file into the project instead")


def read_article(path: Path) -> Article:
    """Read one article; raises :class:`SourceError` with the file and line of the problem."""
    return article_from_bytes(path, read_source(path))


def read_source(path: Path) -> bytes:
    """An article's bytes, or :class:`SourceError` saying why they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(path, None, f"cannot read: {exc.strerror or exc}") from exc


def article_from_bytes(path: Path, raw: bytes) -> Article:
    """Parse an article's bytes (read by :func:`read_source`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix == ".txt":
        return parse_text(text, path)
    return parse_markdown(text, path)


# --- Markdown -------------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(front_matter_plugin).use(container_plugin, DISCLAIMER).use(footnote_plugin, inline=False)
    for name in ADMONITIONS:
        md.use(container_plugin, name)
    return md


_MD = _markdown()

_CONTAINERS: dict[str, BlockKind] = {
    "bullet_list": BlockKind.BULLET_LIST,
    "ordered_list": BlockKind.ORDERED_LIST,
    "list_item": BlockKind.LIST_ITEM,
    "blockquote": BlockKind.QUOTE,
    "table": BlockKind.TABLE,
    "thead": BlockKind.TABLE_HEAD,
    "tbody": BlockKind.TABLE_BODY,
    "tr": BlockKind.TABLE_ROW,
    f"container_{DISCLAIMER}": BlockKind.DISCLAIMER,
    "footnote_block": BlockKind.FOOTNOTES,
    **{f"container_{name}": BlockKind.ADMONITION for name in ADMONITIONS},
}


def parse_markdown(text: str, path: Path) -> Article:
    """Parse CommonMark with a front-matter block into an :class:`Article`."""
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    meta: dict[str, Any] = {}
    if tokens and tokens[0].type == "front_matter":
        meta = _front_matter(tokens[0], path)
        tokens = tokens[1:]
    builder = _BlockBuilder(path)
    blocks = tuple(builder.blocks(iter(tokens), closing=None))
    lines = text.split("\n")
    title = meta.get("title")
    if title is None:
        first = next((b for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
        if first is None:
            raise SourceError(path, 1, "no title: add 'title:' to the front matter or a level-1 heading")
        title_text, title_line = first.text, first.line
        blocks = tuple(b for b in blocks if b is not first)
    else:
        title_text, title_line = _meta_text(meta, "title", path, lines), _meta_line(lines, "title")
    notes = (env.get("footnotes") or {}).get("list") or {}
    return Article(
        path=path,
        slug=_slug(
            meta.get("slug", path.stem),
            path,
            _meta_line(lines, "slug"),
            "choose another slug" if "slug" in meta else "rename the file or set 'slug:' in the front matter",
        ),
        title=title_text,
        title_line=title_line,
        description=_meta_text(meta, "description", path, lines) if "description" in meta else "",
        description_line=_meta_line(lines, "description"),
        date=_date(meta.get("date"), path, _meta_line(lines, "date")),
        blocks=blocks,
        references=env.get("references") or None,
        footnotes=tuple(str(notes[number].get("label", "")) for number in sorted(notes)),
        raw_html=builder.raw_html,
    )


def _front_matter(token: Token, path: Path) -> dict[str, Any]:
    try:
        meta = yaml.load(token.content, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        last = max(len(token.content.rstrip("\n").split("\n")) - 1, 0)  # an error found at the end is in the last line
        line = min(mark.line, last) + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(path, line, f"front matter is not valid YAML: {problem}") from exc
    if not isinstance(meta, dict):
        raise SourceError(path, 2, "front matter must be a mapping of keys to values")
    return meta


def _meta_line(lines: list[str], key: str) -> int:
    """Line of ``key:`` in the front matter, for references and messages."""
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


def _meta_text(meta: dict[str, Any], key: str, path: Path, lines: list[str]) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourceError(path, _meta_line(lines, key), f"front matter '{key}' must be non-empty text")
    return normalize_text(value)


def _slug(value: Any, path: Path, line: int, fix: str = "choose another slug") -> str:
    """The article's slug, checked; ``fix`` says how to change it (the file name or ``slug:``)."""
    slug = str(value)
    if not _SLUG.fullmatch(slug):
        raise SourceError(path, line, f"slug {slug!r} must be lower-case letters, digits, '-' or '_'")
    if slug in RESERVED_SLUGS:
        raise SourceError(path, line, f"slug {slug!r} is reserved: it names {RESERVED_SLUGS[slug]}; {fix}")
    return slug


def _date(value: Any, path: Path, line: int) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SourceError(path, line, f"date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


class _BlockBuilder:
    """Turns markdown-it's flat token stream into nested blocks, one article at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.anchors = AnchorSet()
        self.raw_html = False

    def blocks(self, tokens: Iterator[Token], closing: str | None) -> Iterator[Block]:
        """Blocks up to the token ``closing`` (the end of the enclosing container)."""
        for token in tokens:
            line = token.map[0] + 1 if token.map else 0
            if closing is not None and token.type == closing:
                return
            name = token.type.removesuffix("_open")
            if token.type in ("heading_open", "paragraph_open"):
                inline = next(tokens)
                _skip_to(tokens, token.type.replace("_open", "_close"))
                yield self.text_block(token, inline, line)
            elif token.type in ("th_open", "td_open"):
                inline = next(tokens)
                _skip_to(tokens, token.type.replace("_open", "_close"))
                self.note_html(inline)
                line = inline.map[0] + 1 if inline.map else line
                style = str(token.attrs.get("style", ""))
                align = style.removeprefix("text-align:") if style else ""
                yield Block(BlockKind.TABLE_CELL, line, normalize_inline(inline.content), level=int(name == "th"), info=align)
            elif token.type == "footnote_open":
                children = tuple(self.blocks(tokens, closing="footnote_close"))
                number = int(token.meta.get("id", 0)) + 1
                yield Block(BlockKind.FOOTNOTE, children[0].line if children else line, level=number, info=str(token.meta.get("label", "")), children=children)
            elif name in _CONTAINERS:
                yield self.container(token, tokens, _CONTAINERS[name], line)
            elif token.type in ("fence", "code_block"):
                yield Block(BlockKind.CODE, line, token.content, info=_fence_language(token.info))
            elif token.type == "hr":
                yield Block(BlockKind.RULE, line)
            elif token.type == "html_block":
                self.raw_html = True
                yield self.html_block(token.content, line)
            elif token.type.endswith("_close") or token.type == "footnote_anchor":
                continue
            else:
                raise SourceError(self.path, line or None, f"unsupported Markdown element {token.type!r}")

    def container(self, token: Token, tokens: Iterator[Token], kind: BlockKind, line: int) -> Block:
        children = tuple(self.blocks(tokens, closing=token.type.replace("_open", "_close")))
        if kind is BlockKind.ORDERED_LIST:
            return Block(kind, line, info=str(token.attrs.get("start", "")), children=children, tight=_tight(children))
        if kind is BlockKind.BULLET_LIST:
            return Block(kind, line, children=children, tight=_tight(children))
        if kind is BlockKind.ADMONITION:
            admonition, _, title = token.info.strip().partition(" ")
            if title.strip():
                children = (Block(BlockKind.ADMONITION_TITLE, line, normalize_inline(title)), *children)
            return Block(kind, line, info=admonition, children=children)
        return Block(kind, line, children=children)

    def text_block(self, token: Token, inline: Token, line: int) -> Block:
        self.note_html(inline)
        hidden = bool(token.hidden)
        if token.type == "heading_open":
            text, explicit = explicit_anchor(inline.content)
            text = normalize_inline(text)
            anchor = self.anchors.claim(explicit or slugify(_plain(text)))
            return Block(BlockKind.HEADING, line, text, level=int(token.tag[1]), anchor=anchor)
        children = inline.children or []
        if len(children) == 1 and children[0].type == "image":
            image = children[0]
            parts = [Block(BlockKind.IMAGE_ALT, line, normalize_inline(image.content))]
            title = str(image.attrs.get("title", "") or "")
            if title:
                parts.append(Block(BlockKind.IMAGE_TITLE, line, normalize_text(title)))
            return Block(BlockKind.IMAGE, line, info=str(image.attrs.get("src", "")), children=tuple(parts), tight=hidden)
        return Block(BlockKind.PARAGRAPH, line, normalize_inline(inline.content), tight=hidden)

    def html_block(self, raw: str, line: int) -> Block:
        parts = []
        offset = 0
        for part in html_parts(raw):
            part_line = line + raw.count("\n", 0, offset)
            kind = BlockKind.HTML_TEXT if part.translatable else BlockKind.HTML_MARKUP
            text = normalize_text(part.text) if part.translatable else part.text
            parts.append(Block(kind, part_line, text))
            offset += len(part.text)
        return Block(BlockKind.HTML, line, children=tuple(parts))

    def note_html(self, inline: Token) -> None:
        if not self.raw_html and any(child.type == "html_inline" for child in inline.children or ()):
            self.raw_html = True


def _skip_to(tokens: Iterator[Token], closing: str) -> None:
    for token in tokens:
        if token.type == closing:
            return


def _tight(items: tuple[Block, ...]) -> bool:
    return any(child.tight for item in items for child in item.children)


def _fence_language(info: str) -> str:
    """The language of a fenced code block: the info string's first word, escapes decoded."""
    words = unescapeAll(info).strip().split(maxsplit=1)
    return words[0] if words else ""


def _plain(text: str) -> str:
    """A heading's text without markup, for its anchor."""
    from .inline import render_plain

    return render_plain(text, text, "markdown", None)


# --- plain text -----------------------------------------------------------------------------

_SENTENCE_END = (".", ",", ";", ":", "…")
_DISCLAIMER_START = "Disclaimer:"


def is_heading_line(text: str) -> bool:
    """A plain-text block that reads like a heading: one short line, not ending like a sentence."""
    return "\n" not in text and 0 < len(text) <= 80 and not text.endswith(_SENTENCE_END)


def parse_text(text: str, path: Path) -> Article:
    """Read a plain-text article: blank-line blocks, headings by shape, the disclaimer by its word."""
    blocks: list[Block] = []
    for start, chunk in _text_blocks(text):
        body = normalize_text(chunk)
        if body.startswith(_DISCLAIMER_START):
            paragraph = Block(BlockKind.PARAGRAPH, start, body)
            blocks.append(Block(BlockKind.DISCLAIMER, start, children=(paragraph,)))
        elif is_heading_line(chunk.strip()):
            blocks.append(Block(BlockKind.HEADING, start, body, level=2))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, start, body))
    if blocks and blocks[0].kind is BlockKind.HEADING:
        title, title_line, rest = blocks[0].text, blocks[0].line, tuple(blocks[1:])
    else:
        title, title_line, rest = path.stem.replace("-", " ").replace("_", " ").capitalize(), 1, tuple(blocks)
    return Article(
        path=path,
        slug=_slug(path.stem.lower(), path, 1, "rename the file"),
        title=title,
        title_line=title_line,
        description="",
        description_line=1,
        date=None,
        blocks=rest,
        markup="text",
    )


def _text_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Blank-line separated chunks with the 1-based line each starts on."""
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, "\n".join(current)
            current = []
    if current:
        yield start, "\n".join(current)
