"""The translation memory: every approved translation, reused exactly and fuzzily.

- :mod:`.units` — the unit value and text normalization;
- :mod:`.tmx`, :mod:`.compendium` — TMX 1.4b files (the durable store) and PO compendia;
- :mod:`.store` — the ``MemoryBackend`` protocol and its SQLite index;
- :mod:`.matching` — exact, in-context and risk-aware fuzzy matching;
- :mod:`.project` — a project's memory: harvest, index sync, locking, pre-fill for ``update``;
- :mod:`.analyze` — the leverage report.
"""
