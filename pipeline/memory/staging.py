"""Staging a large file from a stream of chunks: :func:`pipeline.files.stage` for what is never
held whole.

A million-unit TMX file is some 500 MB: written as one string it would double the import's
peak memory. The chunks go to the same temporary file beside the destination that
:func:`~pipeline.files.stage` writes (same name pattern, permissions, flush to disk, one-line
errors), and the result is the same :class:`~pipeline.files.Staged`, so the file joins
:func:`~pipeline.files.staged_together` like any other. A file that already holds exactly these
bytes is left alone (compared a block at a time), so its modification time stays.

(It belongs beside ``stage`` in :mod:`pipeline.files`; it lives here until that module takes it.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError
from ..files import Staged, _default_mode, _output_error, _target

BLOCK = 1 << 20


def stage_chunks(path: Path, chunks: Iterable[bytes]) -> Staged | None:
    """Write the chunks to a temporary file beside ``path``'s real location, flushed to disk;
    ``None`` (and no file left) when ``path`` already holds exactly these bytes."""
    target = _target(path)
    if target.exists() and not target.is_file():
        raise OutputError(f"{path}: is a folder, not a file" if target.is_dir() else
                          f"{path}: not a regular file (a device, FIFO or socket): refusing to replace it")  # fmt: skip
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _output_error(path, exc, "cannot write") from exc
    temp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
            except OSError as exc:
                raise _output_error(path, exc, "cannot write") from exc
            if _same_bytes(temp, target, path):
                temp.unlink()
                return None
            try:
                os.fsync(handle.fileno())
            except OSError as exc:
                raise _output_error(path, exc, "cannot write") from exc
            info = os.fstat(handle.fileno())
        os.chmod(temp, _default_mode(target))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Staged(path, target, temp, f"{info.st_size}:{info.st_mtime_ns}")


def _same_bytes(new: Path, old: Path, path: Path) -> bool:
    """Whether the old file holds exactly the new one's bytes (sizes first: usually they differ)."""
    try:
        if not old.is_file() or old.stat().st_size != new.stat().st_size:
            return False
        with new.open("rb") as a, old.open("rb") as b:
            while True:
                block = a.read(BLOCK)
                if block != b.read(BLOCK):
                    return False
                if not block:
                    return True
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc
