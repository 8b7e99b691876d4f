"""Reading articles: Markdown (CommonMark + front matter) and plain text into one block tree.

Principles:

- One document model for both formats. A reader turns a file into an :class:`Article`, a tree
  of frozen :class:`Block` values with 1-based source lines; segmentation, rendering and
  verification never look at the file again.
- Text is normalized once, here: runs of whitespace become one space, hard line breaks become
  ``\\`` + newline, leading and trailing space goes. The normalized text is the msgid and the
  key used to look the translation up at build time, so both sides always agree.
- Inline Markdown stays as written (``*em*``, ``[WebMD](https://www.webmd.com/)``): translators
  see it and keep it, and link targets are later taken from here, not from the translation.
- Raw HTML is not markup in our sources (markdown-it runs with ``html`` off): it is shown as
  text, exactly as it is in a translation, so there is one rule for both.
- The disclaimer is a required block: ``::: disclaimer`` … ``:::`` in Markdown; in plain text
  the paragraph that starts with ``Disclaimer:``.
- Plain text (``.txt``) is read as blocks separated by blank lines. A block of one line, at most
  80 characters, that does not end like a sentence (``.`` ``,`` ``;`` ``:`` ``…``) is a heading;
  a question such as "What is Valium (Diazepam)?" is a heading too. The first block is the title
  when it is a heading; otherwise the title comes from the file name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterator

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .errors import SourceError

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
    CODE = "code"
    RULE = "rule"
    DISCLAIMER = "disclaimer"


TEXT_KINDS = frozenset({BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE_CELL})
"""Blocks whose ``text`` is translatable inline content."""


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
    """Fence info (a code block's language), an ordered list's start number, a cell's alignment."""
    children: tuple[Block, ...] = ()

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


def find_articles(source_dir: Path) -> list[Path]:
    """The articles of a project, sorted by name so that every run sees the same order."""
    if not source_dir.is_dir():
        return []
    return sorted(p for p in source_dir.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file())


def read_article(path: Path) -> Article:
    """Read one article; raises :class:`SourceError` with the file and line of the problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, None, f"cannot read: {exc.strerror or exc}") from exc
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
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(front_matter_plugin).use(container_plugin, DISCLAIMER)
    return md


_MD = _markdown()

_CONTAINERS: dict[str, BlockKind] = {
    "bullet_list": BlockKind.BULLET_LIST,
    "ordered_list": BlockKind.ORDERED_LIST,
    "list_item": BlockKind.LIST_ITEM,
    "blockquote": BlockKind.QUOTE,
    "table": BlockKind.TABLE,
    "tr": BlockKind.TABLE_ROW,
    f"container_{DISCLAIMER}": BlockKind.DISCLAIMER,
}
_TRANSPARENT = frozenset({"thead", "tbody"})


def parse_markdown(text: str, path: Path) -> Article:
    """Parse CommonMark with a front-matter block into an :class:`Article`."""
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    meta: dict[str, Any] = {}
    if tokens and tokens[0].type == "front_matter":
        meta = _front_matter(tokens[0], path)
        tokens = tokens[1:]
    blocks = tuple(_blocks(iter(tokens), path, closing=None))
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


def _blocks(tokens: Iterator[Token], path: Path, closing: str | None) -> Iterator[Block]:
    """Turn markdown-it's flat token stream into nested blocks, up to ``closing``."""
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        if closing is not None and token.type == closing:
            return
        name = token.type.removesuffix("_open")
        if token.type in ("heading_open", "paragraph_open"):
            inline = next(tokens)
            next(tokens)  # the matching _close
            kind = BlockKind.HEADING if name == "heading" else BlockKind.PARAGRAPH
            level = int(token.tag[1]) if kind is BlockKind.HEADING else 0
            yield Block(kind, line, normalize_text(inline.content), level=level)
        elif token.type in ("th_open", "td_open"):
            inline = next(tokens)
            next(tokens)
            line = inline.map[0] + 1 if inline.map else line
            style = str(token.attrs.get("style", ""))
            align = style.removeprefix("text-align:") if style else ""
            yield Block(BlockKind.TABLE_CELL, line, normalize_text(inline.content), level=int(name == "th"), info=align)
        elif name in _TRANSPARENT:
            continue
        elif token.type.endswith("_close"):
            continue
        elif name in _CONTAINERS:
            kind = _CONTAINERS[name]
            children = tuple(_blocks(tokens, path, closing=token.type.replace("_open", "_close")))
            start = str(token.attrs.get("start", "")) if kind is BlockKind.ORDERED_LIST else ""
            yield Block(kind, line, info=start, children=children)
        elif token.type in ("fence", "code_block"):
            yield Block(BlockKind.CODE, line, token.content, info=token.info.strip())
        elif token.type == "hr":
            yield Block(BlockKind.RULE, line)
        else:
            raise SourceError(path, line or None, f"unsupported Markdown element {token.type!r}")


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
