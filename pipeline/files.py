"""Writing files so that nothing is half-written, nothing is written where it must not be, and
nobody's save is overwritten unread.

Rules, in the order :func:`write_atomic` applies them:

- A path that names an open descriptor (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``,
  ``/proc/self/fd/N``) is written to that descriptor, as a shell redirection would be. A
  character device (``/dev/null``, a terminal) or a FIFO is opened and written to directly.
  Neither is ever replaced or read. A socket, a block device or a folder is refused.
- A regular file is replaced atomically: the bytes go to a temporary file in the same folder
  (``.<name>.XXXXXXXX.tmp``, :data:`TEMP_FILE`), are flushed to disk and take the file's place
  with ``os.replace``; an interrupted run leaves each file old or new. A symbolic link is
  written through: its target is replaced, the link stays.
- A file whose bytes would not change is not touched, so its modification time stays and make
  or rsync see no change. The old bytes are read for that only when the old file is a regular
  file of the new size: the comparison is bounded by what we write.
- A caller that read the file before (``update``) passes what it read, a :class:`FileState`; the
  file is replaced only while it still holds exactly that. On Linux the swap is an atomic
  exchange checked afterwards, so an editor's save that lands between the check and the swap is
  put back, not lost. Otherwise :class:`ChangedError` is raised and the file is left alone.
- Every failure is one line naming the path; a full disk reads ``path: no space left on
  device`` (:func:`disk_errors` does the same for the SQLite index).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import re
import sqlite3
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import ChangedError, OutputError

TEMP_FILE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
"""The names of our temporary files (``tempfile.mkstemp`` with our prefix and suffix): what a
killed run can leave behind, and what :mod:`pipeline.lock` removes."""

_DESCRIPTOR = re.compile(r"/dev/(?:fd/(\d+)|(stdin|stdout|stderr))|/proc/(?:self|thread-self|(\d+))/fd/(\d+)")
_STANDARD = {"stdin": 0, "stdout": 1, "stderr": 2}
_FULL = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True, slots=True)
class FileState:
    """A file as a reader saw it: enough to tell later whether anyone has written it since."""

    exists: bool
    device: int = 0
    inode: int = 0
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""
    """Of the bytes read: the identity fields alone miss a same-size rewrite within one clock tick."""

    @classmethod
    def absent(cls) -> FileState:
        return cls(False)

    @property
    def signature(self) -> str:
        """Size and modification time, as :func:`pipeline.memory.project.file_signature` gives them."""
        return f"{self.size}:{self.mtime_ns}"

    def same_bytes(self, data: bytes) -> bool:
        return self.exists and self.size == len(data) and self.sha256 == hashlib.sha256(data).hexdigest()


def read_with_state(path: Path) -> tuple[bytes | None, FileState]:
    """A regular file's bytes and its state, from one open (``None`` when it does not exist):
    the state describes exactly the bytes the caller goes on to parse."""
    try:  # non-blocking, so that a FIFO in the catalogue's place cannot hang the run
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, FileState.absent()
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{path}: not a regular file")
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise _output_error(path, exc, "cannot read") from exc
    state = FileState(True, info.st_dev, info.st_ino, len(data), info.st_mtime_ns, hashlib.sha256(data).hexdigest())
    return data, state


def stat_state(path: Path) -> FileState:
    """The state of ``path`` by its identity alone (device, inode, size, modification time), for
    files too big to hash on every run (the TMX files): a change within one clock tick that
    keeps the size escapes it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return FileState.absent()
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc
    return FileState(True, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def current_state(path: Path) -> FileState:
    """The state of ``path`` now (bytes hashed), following links as the writer does."""
    try:
        _, state = read_with_state(path)
    except OutputError:
        return FileState(True, sha256="not a regular file")
    return state


def still(path: Path, expected: FileState) -> bool:
    """Whether ``path`` holds what ``expected`` describes (by content: an editor that saved the
    same bytes changed nothing)."""
    return _matches(path, expected)


def _matches(path: Path, expected: FileState) -> bool:
    if not expected.sha256:
        return stat_state(path) == expected
    now = current_state(path)
    if not expected.exists or not now.exists:
        return expected.exists == now.exists
    return now.size == expected.size and now.sha256 == expected.sha256


def descriptor_of(path: Path) -> int | None:
    """The open descriptor a path such as ``/dev/stdout`` or ``/proc/self/fd/3`` names, if any."""
    found = _DESCRIPTOR.fullmatch(os.path.abspath(path))
    if found is None:
        return None
    fd_number, standard, pid, proc_fd = found.groups()
    if standard is not None:
        return _STANDARD[standard]
    if pid is not None and int(pid) != os.getpid():
        return None
    return int(fd_number if fd_number is not None else proc_fd)


def is_special(path: Path) -> bool:
    """Whether ``path`` is a stream rather than a file: a descriptor, a device, a FIFO or a socket.
    Nothing is written beside such a path (no badges next to ``/dev/stdout``)."""
    if descriptor_of(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_atomic(path: Path, data: bytes | str, expect: FileState | None = None) -> bool:
    """Write ``data`` to ``path`` (see the module's rules); return whether the file changed.

    With ``expect``, the file is replaced only while it still is what the caller read;
    otherwise :class:`ChangedError` is raised and nothing is written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if expect is None and _write_stream(path, payload):
        return True
    staged = stage(path, payload)
    if staged is None:
        return False
    try:
        staged.swap(expect)
    except BaseException:
        staged.discard()
        raise
    return True


@dataclass(slots=True)
class Staged:
    """New bytes written to a temporary file beside their destination, not yet swapped in: a
    command that writes many files stages them all first, so that a full disk stops it before
    any file has changed."""

    path: Path
    """The file as the caller named it (for messages)."""
    target: Path
    """Where the bytes go: ``path``, or the file its symbolic link points to."""
    temp: Path
    signature: str
    """Size and modification time of the new file (as ``FileState.signature``)."""

    def swap(self, expect: FileState | None = None) -> None:
        """Put the new bytes in place; with ``expect``, only while the file is still that."""
        if expect is not None:
            if not still(self.target, expect):
                raise ChangedError(self.path)
            if not expect.exists:
                self._create()
                return
            try:
                exchanged = _exchange(self.temp, self.target)
            except FileNotFoundError as exc:  # removed since the check
                raise ChangedError(self.path) from exc
            except OSError as exc:
                raise _output_error(self.path, exc, "cannot write") from exc
            if exchanged:
                if _matches(self.temp, expect):
                    self.discard()
                    return
                # Saved in the instant between the check and the exchange: put it back.
                _exchange(self.temp, self.target)
                self.discard()
                raise ChangedError(self.path)
        try:
            os.replace(self.temp, self.target)
        except OSError as exc:
            raise _output_error(self.path, exc, "cannot write") from exc

    def _create(self) -> None:
        """Put a new file in place only if still nobody has created one (a hard link does not
        replace; where links are not supported, the check just made has to do)."""
        try:
            os.link(self.temp, self.target)
        except FileExistsError as exc:
            self.discard()
            raise ChangedError(self.path) from exc
        except OSError:
            try:
                os.replace(self.temp, self.target)
            except OSError as exc:
                raise _output_error(self.path, exc, "cannot write") from exc
            return
        self.discard()

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)


def stage(path: Path, payload: bytes, sync: bool = True) -> Staged | None:
    """Write ``payload`` to a temporary file beside ``path``'s real location; ``None`` when the
    file already holds exactly these bytes. ``sync=False`` leaves flushing it to disk to the
    caller's :func:`sync_staged`, which does it for many files at once."""
    target = _target(path)
    if _holds(target, path, payload):
        return None
    return _stage_temp(path, target, [payload], sync)


STAGING_THREADS = 4
"""Files staged at once by :func:`stage_many`: creating, writing and closing a file are system
calls that release the interpreter, and on a slow file system they are most of the time."""


def stage_many(payloads: list[tuple[Path, bytes]]) -> list[Staged | None]:
    """:func:`stage` for many files (not yet flushed: see :func:`sync_staged`), several at a
    time, in input order. When one fails, every file staged is discarded and the error of the
    first failing file in input order is raised."""
    if len(payloads) < 2 * STAGING_THREADS:
        results: list[Staged | None] = []
        try:
            for path, payload in payloads:
                results.append(stage(path, payload, sync=False))
        except BaseException:
            for item in results:
                if item is not None:
                    item.discard()
            raise
        return results
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(STAGING_THREADS, thread_name_prefix="translatio-stage") as pool:
        futures = [pool.submit(stage, path, payload, False) for path, payload in payloads]
    failure = next((future.exception() for future in futures if future.exception() is not None), None)
    if failure is not None:
        for future in futures:
            if future.exception() is None and (item := future.result()) is not None:
                item.discard()
        raise failure
    return [future.result() for future in futures]


def stage_chunks(path: Path, chunks: Iterable[bytes]) -> Staged | None:
    """:func:`stage` for what is never held whole (a million-unit TMX file is some 500 MB): the
    chunks are written as they come, flushed to disk; ``None`` (and no file left) when ``path``
    already holds exactly these bytes, compared a block at a time after writing."""
    target = _target(path)
    _existing(target, path)  # a folder or a device is refused before anything is written
    return _stage_temp(path, target, chunks, True, lambda temp: _same_bytes(temp, target, path))


def _stage_temp(
    path: Path, target: Path, chunks: Iterable[bytes], sync: bool, unchanged: Callable[[Path], bool] | None = None
) -> Staged | None:
    """The temporary file beside ``target`` that :class:`Staged` swaps in: the same name pattern,
    permissions and one-line errors whether the bytes come at once or in chunks."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _output_error(path, exc, "cannot write") from exc
    temp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            if unchanged is not None and unchanged(temp):
                temp.unlink()
                return None
            if sync:
                os.fsync(handle.fileno())
            info = os.fstat(handle.fileno())
        os.chmod(temp, _default_mode(target))
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _output_error(path, exc, "cannot write") from exc
        raise
    return Staged(path, target, temp, f"{info.st_size}:{info.st_mtime_ns}")


_BLOCK = 1 << 20


def _same_bytes(new: Path, old: Path, path: Path) -> bool:
    """Whether the old file holds exactly the new one's bytes (sizes first: usually they differ)."""
    try:
        if not old.is_file() or old.stat().st_size != new.stat().st_size:
            return False
        with new.open("rb") as a, old.open("rb") as b:
            while True:
                block = a.read(_BLOCK)
                if block != b.read(_BLOCK):
                    return False
                if not block:
                    return True
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc


@contextmanager
def staged_together() -> Iterator[list[Staged]]:
    """Files staged into the list inside the block replace theirs together when it ends, in
    order; when the block or a replacement fails, those not swapped yet are discarded."""
    staged: list[Staged] = []
    try:
        yield staged
        while staged:
            staged[0].swap()
            staged.pop(0)
    finally:
        for leftover in staged:
            leftover.discard()


def sync_staged(staged: list[Staged]) -> None:
    """Put staged files on disk before any of them replaces a file: one ``syncfs(2)`` per file
    system where Linux has it (an ``fsync`` per file costs milliseconds each, and a thousand
    catalogues are written together), else an ``fsync`` per file."""
    if not staged:
        return
    syncfs = _SYNCFS
    done: set[int] = set()
    for item in staged:
        try:
            if syncfs is not None:
                device = os.stat(item.temp).st_dev
                if device in done:
                    continue
                fd = os.open(item.temp, os.O_RDONLY)
                try:
                    if syncfs(fd) != 0:
                        os.fsync(fd)
                finally:
                    os.close(fd)
                done.add(device)
            else:
                fd = os.open(item.temp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise _output_error(item.path, exc, "cannot write") from exc


def _syncfs() -> Callable[[int], int] | None:
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    except OSError:
        return None
    return function if callable(function) else None


_SYNCFS = _syncfs()


def _target(path: Path) -> Path:
    """Where writing ``path`` lands: a symbolic link is followed (to a target that may not exist
    yet), so replacing the file never replaces the link."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def _existing(target: Path, path: Path) -> os.stat_result | None:
    """``target``'s status (``None``: there is none); refuses what is not a regular file."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{path}: not a regular file (a device, FIFO or socket): refusing to replace it")
    return info


def _holds(target: Path, path: Path, payload: bytes) -> bool:
    """Whether ``target`` already holds ``payload``; refuses what is not a regular file."""
    info = _existing(target, path)
    if info is None:
        return False
    if info.st_size != len(payload):
        return False
    try:
        with open(target, "rb") as handle:
            return handle.read(len(payload) + 1) == payload
    except OSError as exc:
        raise _output_error(path, exc, "cannot read") from exc


def _write_stream(path: Path, payload: bytes) -> bool:
    """Write to a descriptor, character device or FIFO directly; ``False`` for anything else."""
    fd = descriptor_of(path)
    if fd is not None:
        for stream in (sys.stdout, sys.stderr):  # what was printed before comes first
            try:
                stream.flush()
            except (AttributeError, ValueError, OSError):
                pass
        _write_all(fd, payload, path)
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return False
    if stat.S_ISSOCK(mode) or stat.S_ISBLK(mode):
        kind = "a socket" if stat.S_ISSOCK(mode) else "a block device"
        raise OutputError(f"{path}: is {kind}; give a file, a pipe or /dev/stdout")
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _output_error(path, exc, "cannot write") from exc
    try:
        _write_all(fd, payload, path)
    finally:
        os.close(fd)
    return True


def _write_all(fd: int, payload: bytes, path: Path) -> None:
    view = memoryview(payload)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise _output_error(path, exc, "cannot write") from exc


def _default_mode(path: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_new(path: Path, payload: bytes) -> None:
    """Write a file nobody else has yet (a page in the build's private staging folder): no
    temporary file needed, but a failure is still one line naming the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
    except OSError as exc:
        raise _output_error(path, exc, "cannot write") from exc


# --- the atomic exchange (Linux renameat2) -------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _renameat2()


def _exchange(one: Path, other: Path) -> bool:
    """Swap two files atomically; ``False`` where the system or file system cannot (then the
    caller replaces after checking, which leaves an instant for a save to be lost)."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(one), _AT_FDCWD, os.fsencode(other), _RENAME_EXCHANGE)  # type: ignore[operator]
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(other))


# --- errors --------------------------------------------------------------------------------


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _output_error(path: Path, exc: OSError, doing: str) -> OutputError:
    if exc.errno in _FULL:
        return OutputError(f"{path}: no space left on device")
    return OutputError(f"{path}: {doing}: {_reason(exc)}")


def is_disk_full(exc: BaseException) -> bool:
    """An OSError or SQLite error that says the disk (or the quota) is full."""
    if isinstance(exc, OSError):
        return exc.errno in _FULL
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


@contextmanager
def disk_errors(path: Path) -> Iterator[None]:
    """A full disk met while working on ``path`` (the memory's index, a folder being written) as
    one line, ``path: no space left on device``; every other error goes on unchanged."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as exc:
        if not is_disk_full(exc):
            raise
        where = exc.filename if isinstance(exc, OSError) and exc.filename else path
        raise OutputError(f"{where}: no space left on device") from exc


# --- where we may write ----------------------------------------------------------------------


def boundary(root: Path, folder: Path) -> Path:
    """The real folder that symbolic links under ``folder`` must not lead out of: the project
    (``root``), or, for a folder the configuration places outside the project, that folder."""
    inside = Path(os.path.abspath(folder)).is_relative_to(os.path.abspath(root))
    return Path(os.path.realpath(root if inside else folder))


def escapes(path: Path, limit: Path) -> Path | None:
    """Where symbolic links really take ``path``, when that is outside ``limit`` (a real path)."""
    real = Path(os.path.realpath(path))
    return None if real.is_relative_to(limit) else real
