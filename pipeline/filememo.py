"""The digests of input files by their identity, so that a file untouched since the last run is
not read again just to learn that it did not change (as git's index and make do).

Principles:

- A file's identity is its inode, size, and modification and change times (nanoseconds); any
  write, rename over it or ``touch`` gives another, and then the file is read and hashed again.
- Racy files are not remembered: one whose modification time is within :data:`RACY_SECONDS` of
  the moment it was read could be written again within the same clock tick, keeping its size
  and times (git's "racily clean" entries). It is read again next time, until it settles.
- Kept in the project's cache (:mod:`pipeline.cache`): a memo that is missing, damaged or from
  another version of the code only means reading the files again. Results never depend on it:
  the digest is the SHA-256 of the bytes, the same whether read now or remembered.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from .cache import Cache

RACY_SECONDS = 2.0
Identity = tuple[int, int, int, int]
"""A file as the filesystem sees it: inode, size, modification and change time (nanoseconds).
A file written, replaced or touched since has another."""


class FileMemo:
    """Digests of the files of one kind (articles, catalogues) of one project."""

    def __init__(self, cache: Cache, name: str, root: Path) -> None:
        self.cache = cache
        self.key = cache.key("file-digests", name, str(root))
        found = cache.get_many([self.key], remember=False).get(self.key) if cache.enabled else None
        self.known: dict[str, tuple[Identity, str]] = found if isinstance(found, dict) else {}
        self.seen: dict[str, tuple[Identity, str]] = {}
        self.changed = False

    def digest(self, path: Path | str) -> tuple[str, bytes | None]:
        """The file's SHA-256 (hex), with its bytes when it had to be read (``None`` when the
        memo knew it). Raises :class:`OSError` as reading the file would."""
        name = str(path)
        known = self.known.get(name)
        if known is not None:
            info = os.stat(name)
            if identity_of(info) == known[0] and stat.S_ISREG(info.st_mode):
                self.seen[name] = known
                return known[1], None
        with open(name, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
        sha = hashlib.sha256(data).hexdigest()
        if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < (time.time() - RACY_SECONDS) * 1e9:
            self.seen[name] = (identity_of(info), sha)
        self.changed = True
        return sha, data

    def save(self) -> None:
        """Keep the digests of the files seen in this run (files not seen are forgotten)."""
        if self.cache.enabled and (self.changed or self.seen.keys() != self.known.keys()):
            self.cache.put(self.key, self.seen, remember=False)
            self.known, self.changed = dict(self.seen), False


def identity_of(info: os.stat_result) -> Identity:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
