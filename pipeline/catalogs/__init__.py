"""Gettext catalogues: the model, and the PO format's reader and writer.

The writer's output is byte-identical to GNU ``msgcat``'s (see :mod:`.writer`), and the reader
rejects what gettext would reject (see :mod:`.reader`).
"""

from __future__ import annotations

from .model import Catalog, Message
from .reader import parse_po, plural_forms, read_po
from .writer import format_po, generate_po, write_po

__all__ = [
    "Catalog",
    "Message",
    "format_po",
    "generate_po",
    "parse_po",
    "plural_forms",
    "read_po",
    "write_po",
]
