"""One writer at a time in a project's locale folder: the lock file ``locale/.translatio.lock``.

Principles:

- The lock is a POSIX record lock (``fcntl`` ``F_SETLK``) on a lock file, ignored by git. A
  record lock belongs to the process that took it: worker processes forked by a command do not
  inherit it, and the kernel drops it when its holder dies, however it dies (``kill -9``
  included). (An ``flock`` on the folder, as before, was inherited by forked workers, and an
  orphaned worker kept every later command waiting.) Workers also die with their parent
  (:mod:`pipeline.parallel`). The price of record locks: closing *any* descriptor of the lock
  file releases it, so nothing in the holding process may open the file; only this module does.
- The holder writes its pid into the file, so that a command that has to wait says whom for:
  after a second, ``locale/.translatio.lock: waiting for another translatio process (pid N) to
  finish…`` through the notice the CLI installs (the library never prints). It waits as long
  as it takes, or gives up after ``--wait SECONDS`` (``TRANSLATIO_LOCK_TIMEOUT``) with
  :class:`~pipeline.errors.LockBusy`, exit 2.
- The holder removes the file when it is done, so a run leaves the project as it found it (a
  killed one leaves an empty or stale file, harmless and ignored by git). A waiter that then
  holds the removed file sees it is no longer at the path and locks the path anew.
- Re-entrant within a process: a function that locks may call another one that does.
- Taking the lock to write makes the folder safe to write in. Temporary files an interrupted
  run left (our pattern, :data:`pipeline.files.TEMP_FILE`, only) are removed: under the lock
  no other run can be writing them. A symbolic link in the folder that leads out of the project
  is refused with one line naming it: the lock covers this folder only, and writing through
  such a link would change files that another project (or no lock at all) guards. Links that
  stay inside the project are followed.
- Read-only commands (``check``, ``tm search``/``stats``/``export``, ``analyze``) lock too, so
  they never read a memory half-way through an update. Where the folder is read-only to them
  they take a shared lock when the lock file exists and go without one when it does not: a
  read-only checkout must still be checkable.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .config import Config
from .errors import LockBusy, OutputError
from .files import TEMP_FILE, boundary, escapes

LOCK_FILE = ".translatio.lock"
NOTICE_AFTER = 1.0
"""Seconds of waiting before the notice: a lock released at once is not worth a line."""
_POLL = 0.05
_BUSY = (errno.EACCES, errno.EAGAIN)
_READ_ONLY = (errno.EACCES, errno.EROFS, errno.EPERM)


@dataclass(frozen=True, slots=True)
class WaitPolicy:
    """How a command waits for another one's lock."""

    timeout: float | None = None
    """Seconds to wait before giving up; ``None`` waits as long as it takes, 0 not at all."""
    notice: Callable[[str], None] | None = None
    """Told once, after :data:`NOTICE_AFTER` seconds, whom the command is waiting for."""


_POLICY: ContextVar[WaitPolicy] = ContextVar("translatio_lock_wait", default=WaitPolicy())
_HELD: dict[str, tuple[int, int]] = {}
"""Locks this process holds: lock file → (pid, depth). The pid tells a forked child that the
entry it inherited is its parent's, not its own."""


@contextmanager
def waiting(timeout: float | None = None, notice: Callable[[str], None] | None = None) -> Iterator[None]:
    """Every lock taken inside waits by this policy (the CLI's ``--wait`` and its stderr notice)."""
    token = _POLICY.set(WaitPolicy(timeout, notice))
    try:
        yield
    finally:
        _POLICY.reset(token)


def lock_path(config: Config) -> Path:
    return config.locale_dir / LOCK_FILE


@contextmanager
def project_lock(config: Config, read_only: bool = False) -> Iterator[None]:
    """Hold the project's lock: exclusive to write; ``read_only`` commands may do with a shared
    one, or none, where the locale folder cannot be written (see the module's principles)."""
    path = lock_path(config)
    key = os.path.abspath(path)
    pid = os.getpid()
    held = _HELD.get(key)
    if held is not None and held[0] == pid:
        _HELD[key] = (pid, held[1] + 1)
        try:
            yield
        finally:
            _HELD[key] = (pid, _HELD[key][1] - 1)
        return
    created = not read_only and not config.locale_dir.exists()
    wait = _Wait(path)
    while True:
        opened = _open_for_writing(config, path) if not read_only else _open_for_reading(config, path)
        if opened is None:
            yield
            return
        fd, exclusive = opened
        try:
            wait.acquire(fd, exclusive)
        except BaseException:
            os.close(fd)
            raise
        if _still_there(fd, path):
            break
        os.close(fd)  # the holder we waited for removed the file: lock the one at the path now
    try:
        if exclusive:
            _note_holder(fd, pid)
        if not read_only:
            tidy(config)
        _HELD[key] = (pid, 1)
        try:
            yield
        finally:
            del _HELD[key]
            if exclusive:
                _remove(fd, path)
            if created:
                _remove_if_unused(config.locale_dir)
    finally:
        os.close(fd)  # releases the lock


def _still_there(fd: int, path: Path) -> bool:
    """Whether the file locked is the one at ``path`` (a holder removes it when it is done)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def _remove(fd: int, path: Path) -> None:
    """The holder removes the lock file before releasing it, so that a project is left as it was
    found; a command waiting on the removed file sees that and locks the path again."""
    if _still_there(fd, path):
        try:
            path.unlink()
        except OSError:
            _note_holder(fd, None)  # cannot remove it: at least leave no stale pid


def _open_for_writing(config: Config, path: Path) -> tuple[int, bool]:
    folder = config.locale_dir
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder")
    outside = escapes(folder, boundary(config.root, folder))
    if outside is not None:
        raise OutputError(f"{folder}: a symbolic link out of the project (to {outside}); translatio does not write through it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666), True
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OutputError(f"{path}: no space left on device") from exc
        if exc.errno == errno.EROFS:
            raise OutputError(f"{folder}: read-only (read-only file system): nothing can be written there") from exc
        if exc.errno in _READ_ONLY and folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
            raise OutputError(f"{folder}: read-only (no write permission): nothing can be written there") from exc
        raise OutputError(f"{path}: cannot lock: {exc.strerror or exc}") from exc


def _remove_if_unused(folder: Path) -> None:
    """A command that created the locale folder only to lock it, then failed (bad input),
    leaves no trace."""
    try:
        folder.rmdir()  # only if empty
    except OSError:
        pass


def _open_for_reading(config: Config, path: Path) -> tuple[int, bool] | None:
    if not config.locale_dir.is_dir():
        return None  # nothing there to read half-written
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666), True
    except OSError as exc:
        if exc.errno not in _READ_ONLY and exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise OutputError(f"{path}: cannot lock: {exc.strerror or exc}") from exc
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC), False
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in _READ_ONLY:
            return None
        raise OutputError(f"{path}: cannot lock: {exc.strerror or exc}") from exc


class _Wait:
    """Taking the lock, waiting by the current :class:`WaitPolicy` (one deadline over every
    attempt, one notice)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.policy = _POLICY.get()
        self.start = time.monotonic()
        self.noticed = False

    def acquire(self, fd: int, exclusive: bool) -> None:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        while True:
            try:
                fcntl.lockf(fd, mode | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in _BUSY:
                    raise OutputError(f"{self.path}: cannot lock: {exc.strerror or exc}") from exc
            self._pause(fd)

    def _pause(self, fd: int) -> None:
        policy = self.policy
        waited = time.monotonic() - self.start
        if policy.timeout is not None and waited >= policy.timeout:
            raise LockBusy(
                f"{self.path}: {_whom(fd)} still holds the lock after {policy.timeout:g} s; "
                "try again later, or wait longer with --wait SECONDS"
            )
        if not self.noticed and waited >= NOTICE_AFTER and policy.notice is not None:
            policy.notice(f"{self.path}: waiting for {_whom(fd)} to finish…")
            self.noticed = True
        time.sleep(_POLL if policy.timeout is None else min(_POLL, max(policy.timeout - waited, 0.001)))


def _whom(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"another translatio process (pid {text})" if text.isdigit() else "another translatio process"


def _note_holder(fd: int, pid: int | None) -> None:
    """Write (or clear) the holder's pid: for the waiting notice only, so a full disk that
    refuses these few bytes changes nothing else."""
    try:
        os.ftruncate(fd, 0)
        if pid is not None:
            os.pwrite(fd, f"{pid}\n".encode("ascii"), 0)
    except OSError:
        pass


def tidy(config: Config) -> list[Path]:
    """Under the lock, before writing: refuse links out of the project, remove the temporary
    files an interrupted run left; returns the files removed."""
    folder = config.locale_dir
    limit = boundary(config.root, folder)
    removed: list[Path] = []
    for current, folders, files in os.walk(folder):
        here = Path(current)
        for name in (*folders, *files):
            entry = here / name
            if entry.is_symlink():
                outside = escapes(entry, limit)
                if outside is not None:
                    raise OutputError(
                        f"{entry}: a symbolic link out of the project (to {outside}); translatio does not write through it"
                    )
        for name in files:
            if TEMP_FILE.fullmatch(name):
                entry = here / name
                try:
                    entry.unlink()
                    removed.append(entry)
                except OSError:
                    pass  # not ours to force: it stays, and git ignores it
    return removed
