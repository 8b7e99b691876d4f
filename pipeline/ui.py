"""The pages' own words: the ``ui`` domain, extracted from the templates and translated at build.

Principles:

- The strings a page template says ("Other languages", "Published on …", "{n} minute read")
  are messages like any other: extracted by Babel (Jinja's ``babel_extract`` for templates,
  Babel's Python extractor for the text-page renderer) into ``locale/ui.pot``, merged by
  ``update``, counted by ``stats`` and ``check``.
- A template that does not parse is an error naming the file and line, at extract time as at
  build time: Jinja's ``silent`` extraction, which skips broken templates, is switched off.
- At build time only the translations the publish rule allows are used (translated and not
  fuzzy; under ``publish = "reviewed"`` also reviewed: :func:`pipeline.policy.verdict`), through
  a ``gettext.NullTranslations`` subclass reading our catalogue directly, so no ``.mo`` step is
  needed and what ``check`` counts is exactly what the page shows.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from babel.messages.catalog import Message as BabelMessage
from babel.messages.extract import extract
from jinja2 import TemplateSyntaxError

from .catalogs import Catalog, Message, plural_forms
from .plurals.expression import PluralExpressionError, compile_expression
from .config import Config, PublishPolicy
from .errors import TemplateError
from .policy import verdict

PACKAGE_TEMPLATES = Path(str(resources.files("pipeline") / "templates"))
RENDERERS = (Path(__file__).with_name("blockhtml.py"), Path(__file__).with_name("textpage.py"))
"""The Python modules whose own words (``_()``, ``pgettext()``) are in the ``ui`` domain."""
TEMPLATE_SUFFIX = ".j2"


def templates_dir(config: Config) -> Path:
    """The publisher's templates if configured (the folder must exist), else the shipped ones."""
    return config.folder("templates_dir") if config.templates_dir is not None else PACKAGE_TEMPLATES


def _reference(path: Path, config: Config) -> str:
    """Stable references: shipped files relative to the package's parent, others to the project."""
    package_root = PACKAGE_TEMPLATES.parent.parent
    try:
        return path.resolve().relative_to(package_root.resolve()).as_posix()
    except ValueError:
        return config.relative(path)


def _extract_file(path: Path) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
    options = {} if method == "python" else {"silent": "false", "trimmed": "true"}
    with path.open("rb") as handle:
        try:
            yield from extract(method, handle, comment_tags=("Translators:",), options=options)
        except TemplateSyntaxError as exc:
            raise TemplateError(path, exc.lineno, f"template syntax error: {exc.message}") from exc


def ui_template(config: Config) -> Catalog:
    """The ``ui`` domain's messages from every template and the text-page renderer."""
    folder = templates_dir(config)
    if not folder.is_dir():
        raise TemplateError(folder, None, "templates folder not found")
    files = [*sorted(p for p in folder.iterdir() if p.suffix == TEMPLATE_SUFFIX), *RENDERERS]
    merged: dict[tuple[str | None, str], Message] = {}
    for path in files:
        for line, text, comments, context in _extract_file(path):
            singular, plural = (text, None) if isinstance(text, str) else (text[0], text[1])
            where = f"{_reference(path, config)}:{line}"
            key = (context, singular)
            known = merged.get(key)
            if known is not None:
                extracted = (*known.extracted_comments, *(c for c in comments if c not in known.extracted_comments))
                merged[key] = replace(known, references=(*known.references, where), extracted_comments=extracted)
                continue
            flags = ("python-format",) if BabelMessage(singular if plural is None else (singular, plural)).python_format else ()
            merged[key] = Message(
                singular,
                msgstr=("", "") if plural is not None else ("",),
                msgid_plural=plural,
                msgctxt=context,
                extracted_comments=tuple(comments),
                references=(where,),
                flags=flags,
            )
    return Catalog(messages=tuple(merged.values()))


_PLACEHOLDER = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def python_placeholders(text: str) -> set[str]:
    """The ``%(name)s``-style placeholders of a python-format string (``%%`` is not one)."""
    return {m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(0) != "%%"}


def placeholders_match(message: Message) -> bool:
    """Every form of a python-format translation uses the source's placeholders (a plural form
    may leave the number out, as "one minute" does)."""
    if "python-format" not in message.flags:
        return True
    wanted = python_placeholders(message.msgid) | python_placeholders(message.msgid_plural or "")
    return all(python_placeholders(form) <= wanted for form in message.msgstr)


class CatalogTranslations(gettext.NullTranslations):
    """gettext's interface over the translations of a catalogue the locale's policy publishes
    (fuzzy ones never; unreviewed ones not under ``publish = "reviewed"``)."""

    def __init__(self, catalog: Catalog | None, policy: PublishPolicy = PublishPolicy()) -> None:

        super().__init__()
        self._singular: dict[tuple[str | None, str], str] = {}
        self._plural: dict[tuple[str | None, str], tuple[str, ...]] = {}
        self._select = lambda n: int(n != 1)
        if catalog is None:
            return
        for message in catalog.active:
            if not verdict(message.msgid, message, policy).usable or not placeholders_match(message):
                continue  # a translation that would break the page's formatting is not used
            if message.msgid_plural is None:
                self._singular[message.key] = message.msgstr[0]
            else:
                self._plural[message.key] = message.msgstr
        declared = plural_forms(catalog)
        if declared is not None:  # the catalogue's own rule decides, as libintl's ngettext does
            self._select = compile_expression(declared.expression)

    def gettext(self, message: str) -> str:
        return self._singular.get((None, message), message)

    def translates(self, message: str, context: str | None = None) -> bool:
        """An approved translation of ``message`` is used (else the page shows the English)."""
        return (context, message) in self._singular

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._plural_form(None, msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._singular.get((context, message), message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._plural_form(context, msgid1, msgid2, n)

    def _plural_form(self, context: str | None, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plural.get((context, msgid1))
        if forms is None:
            return msgid1 if n == 1 else msgid2
        try:
            index = self._select(n)
        except PluralExpressionError:
            index = -1
        return forms[index] if 0 <= index < len(forms) else (msgid1 if n == 1 else msgid2)

    def info(self) -> dict[str, Any]:
        return {}
