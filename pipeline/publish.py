"""Publishing a verified build: replace only a folder we built, and never leave the site missing.

Principles:

- Only our own folder is ever replaced. Every build folder carries a stamp, ``.translatio-build``
  (:data:`STAMP`, fixed content, no date), written after every page is verified; an existing
  folder is replaced only when it has the stamp, is empty, or was built by translatio before the
  stamp existed (its ``manifest.json``, as the build record was named then, has our shape:
  ``version`` 1, ``source_locale``, ``locales``, ``outputs``). Anything else is refused, one line, exit 2 — ``-o ~/docs`` must
  never delete someone's documents. The project folder, ``source_dir``, ``locale_dir``, the
  templates, a folder holding any of them, the home folder and ``/`` are refused even when stamped.
- A symlinked build folder is published *through*: the link stays, the folder it points to is
  replaced, under the same rules (``build -> /var/www/site`` keeps serving the new site).
- The site is never missing. The verified staging folder and the published one are swapped in a
  single ``renameat2(RENAME_EXCHANGE)`` (Linux): at every instant the path holds a complete
  build, the old or the new one. Where the system or filesystem cannot exchange (NFS, macOS), the
  old folder is first moved into ``.<name>-old-XXXXXXXX/<name>``, then the new one renamed in; a
  run killed between the two leaves the old build there, and the next build moves it back
  before doing anything else.
- After the first build, a build may publish in place (:func:`publish_in_place`): only the
  verified files that changed are moved into the stamped folder, each in one rename (a reader
  gets the old file or the new one), under the publishing lock held for the whole build, so
  builds in place never interleave with each other nor with a swap.
- Leftovers are ours to clean, and only ours: staging folders ``.<name>-XXXXXXXX`` and old
  folders ``.<name>-old-XXXXXXXX`` beside the build folder (the pattern ``tempfile.mkdtemp``
  gave earlier versions). Each is held by an ``flock`` of the build that made it while that
  build lives; the next build removes those nobody holds, so a concurrent build's staging folder
  is never touched. Builds may run concurrently: creating a staging folder, cleaning and
  publishing happen under a short ``flock`` on the folder holding the build folder (the folder
  itself is locked, so no lock file is written); rendering runs outside it. Where folders cannot
  be locked (NFS), builds publish unlocked and leave leftovers alone: a live build's staging
  folder cannot be told from a dead one's there.
- Permissions are the user's: folders are made with mode 0777 and files with 0666, minus the
  umask (0755 and 0644 under the usual 022), as ``mkdir`` and ``cp`` do, so a web server running
  as another user can read the site.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .config import Config
from .errors import OutputError
from .files import is_disk_full
from .ui import PACKAGE_TEMPLATES

STAMP = ".translatio-build"
"""The file that marks a folder as a build of translatio, which the next build may replace."""
STAMP_TEXT = "This folder was written by 'translatio build'; the next build replaces it whole.\n"
"""The stamp's content, always the same: builds stay byte-identical."""

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
"""The characters of a staging folder's random part (``tempfile.mkdtemp``'s, as earlier versions used)."""
_MANIFEST_LIMIT = 256 * 1024 * 1024
"""A legacy ``manifest.json`` larger than this is not read (ours are about 1 kB a page)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a build is published, checked."""

    given: Path
    """The build folder as the user named it (``-o`` or ``build_dir``), for messages."""
    folder: Path
    """The real folder the build replaces, absolute, every symlink followed."""
    hint: str
    """How the user chooses another folder (``choose another -o``)."""

    @property
    def shown(self) -> str:
        """The folder for messages: as given, with its real place when it is a symlink."""
        return f"{self.given} → {self.folder}" if self.given.is_symlink() else str(self.given)


def prepare_target(config: Config, out: Path | None = None) -> Target:
    """Check the build folder before anything is rendered; restore a build a killed run moved aside.

    Raises :class:`OutputError` for a folder we may not replace (see the module's principles).
    """
    given = out if out is not None else config.build_dir
    hint = "choose another -o" if out is not None else f"set another tool.translatio.build_dir in {config.config_file}"
    try:
        folder = Path(os.path.abspath(given)).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise OutputError(f"{given}: cannot follow the path: {exc}") from exc
    target = Target(given, folder, hint)
    _refuse_protected(config, target)
    _refuse_foreign(target)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(given, exc) from exc
    with _locked(target, folder.parent):
        _recover(target)
    return target


@contextmanager
def staging_folder(target: Target) -> Iterator[Path]:
    """A new empty folder beside the target to render into, held by this build while it lives.

    Leftovers of killed builds are removed first. The folder (after :func:`publish`, the old
    build swapped out into it) is removed when the context ends, whatever happens.
    """
    with _locked(target, target.folder.parent):
        folder = _new_folder(target, f".{target.folder.name}-")
        hold = _hold(folder)
        try:
            clean_leftovers(target.folder, keep=folder)
        except BaseException:
            _release(hold)
            shutil.rmtree(folder, ignore_errors=True)
            raise
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _release(hold)


def publish(staging: Path, target: Target, then: Callable[[], None] | None = None) -> None:
    """Stamp the verified ``staging`` folder and put it in the target's place, atomically, then
    remove the previous build. ``then`` runs under the publishing lock right after the swap,
    while the folder is certainly the one just published (to describe it for the next build)."""
    try:
        (staging / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(target.given, exc) from exc
    old: tuple[Path, int | None] | None = None
    with _locked(target, target.folder.parent):
        _recover(target)
        _refuse_foreign(target)  # again: another process may have put something there meanwhile
        out = target.folder
        try:
            if not os.path.lexists(out):
                os.rename(staging, out)
            elif exchange(staging, out):
                old = (staging, _try_hold(staging))  # the old build is where the new one was
            else:
                old = _swap_by_renames(staging, target)
        except OSError as exc:
            raise OutputError(f"{target.given}: cannot publish the build: {exc.strerror or exc}") from exc
        if then is not None:
            then()
    if old is not None:  # removed outside the lock, held so that no other build removes it too
        folder, hold = old
        shutil.rmtree(folder, ignore_errors=True)
        if hold is not None:
            _release(hold)


@contextmanager
def publish_lock(target: Target) -> Iterator[None]:
    """The publishing lock, for a build that publishes in place (:func:`publish_in_place`): held
    from reading what the folder holds to the last file replaced, so that builds in place never
    interleave, nor with a whole build's swap."""
    with _locked(target, target.folder.parent):
        yield


def publish_in_place(staging: Path, target: Target, files: list[str], removed: list[str]) -> None:
    """Move the verified ``files`` (relative paths, with ``/``) from ``staging`` into the
    published folder, each replacing its old version in one rename (a reader sees the old page
    or the new one, never a part), then remove the ``removed`` files of pages that are gone.
    Called under :func:`publish_lock`, in the order given: the build record last."""
    out = target.folder
    if not _stamped(out):
        raise OutputError(f"{target.shown}: the build folder changed while building; build again")
    try:
        for relative in files:
            destination = out / relative
            if not destination.parent.is_dir():
                os.mkdir(destination.parent, 0o777)
            os.replace(staging / relative, destination)
        for relative in removed:
            try:
                os.unlink(out / relative)
            except FileNotFoundError:
                pass
    except OSError as exc:
        if is_disk_full(exc):
            raise OutputError(f"{target.given}: no space left on device") from exc
        raise OutputError(f"{target.given}: cannot publish the build: {exc.strerror or exc}") from exc


# --- which folders may be replaced ----------------------------------------------------------


def built_by_us(folder: Path) -> bool:
    """The folder carries our stamp, or is a build of a translatio from before the stamp."""
    return _stamped(folder) or _legacy_build(folder)


def _stamped(folder: Path) -> bool:
    try:
        fd = os.open(folder / STAMP, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:  # a regular file of a few bytes, not a link or a fifo
        info = os.fstat(fd)
        return stat.S_ISREG(info.st_mode) and info.st_size < 4096 and handle.read() == STAMP_TEXT.encode("utf-8")


def _legacy_build(folder: Path) -> bool:
    """A build folder of an earlier version: no stamp, but our manifest (version 1, outputs)."""
    path = folder / "manifest.json"
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > _MANIFEST_LIMIT:
            return False
        manifest: Any = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("version") == 1
        and isinstance(manifest.get("source_locale"), str)
        and isinstance(manifest.get("locales"), list)
        and isinstance(manifest.get("outputs"), list)
        and all(isinstance(row, dict) and isinstance(row.get("path"), str) and "sha256" in row for row in manifest["outputs"])
    )


def _empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _refuse_foreign(target: Target) -> None:
    """Refuse a non-folder (a device is never replaced by a file, even as root) or a folder we
    did not build."""
    folder = target.folder
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise OutputError(f"{target.shown}: exists and is not a folder; refusing to replace it — {target.hint}")
    try:
        ours = _empty(folder) or built_by_us(folder)
    except OSError as exc:
        raise OutputError(f"{target.shown}: cannot read the build folder: {exc.strerror or exc}") from exc
    if not ours:
        raise OutputError(
            f"{target.shown}: not a folder translatio built (no {STAMP} stamp); refusing to replace it — remove it or {target.hint}"
        )


def _protected(config: Config) -> list[tuple[Path, str]]:
    """Folders a build is never published over, nor over a folder holding them."""
    folders = [
        (config.root, "the project folder"),
        (config.source_dir, "the project's source_dir"),
        (config.locale_dir, "the project's locale_dir"),
        (config.templates_dir or PACKAGE_TEMPLATES, "the templates folder"),
        (Path("/"), "the root folder"),
    ]
    try:
        folders.append((Path.home(), "the home folder"))
    except (RuntimeError, KeyError):  # no HOME and no password entry
        pass
    return folders


def _refuse_protected(config: Config, target: Target) -> None:
    protected = []
    for path, what in _protected(config):
        try:
            protected.append((Path(os.path.abspath(path)).resolve(), what))
        except (OSError, RuntimeError):
            continue
    for real, what in protected:
        if real == target.folder:
            raise OutputError(f"{target.shown}: is {what}; refusing to publish a build over it — {target.hint}")
    for real, what in protected:
        if real.is_relative_to(target.folder):
            raise OutputError(f"{target.shown}: holds {what}; refusing to publish a build over it — {target.hint}")


# --- swapping -------------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2")
    except (OSError, AttributeError):  # a C library without it (glibc < 2.28, some musl)
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _load_renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; ``False`` where the system or filesystem cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not supported here
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap_by_renames(staging: Path, target: Target) -> tuple[Path, int]:
    """Where no exchange is possible: the old build aside, then the new one in. Returns the
    folder holding the old build, held. A kill between the two renames leaves the old build in
    ``.<name>-old-XXXXXXXX/<name>``, which :func:`_recover` moves back."""
    out = target.folder
    aside = _new_folder(target, f".{out.name}-old-")
    hold = _hold(aside)
    try:
        os.rename(out, aside / out.name)
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(aside / out.name, out)
            raise
    except BaseException:
        os.rmdir(aside)
        _release(hold)
        raise
    return aside, hold


def _recover(target: Target) -> None:
    """Put back the build a run killed between its two renames left aside (no build folder,
    an unheld ``.<name>-old-XXXXXXXX/<name>`` that is ours). Called under the parent's lock."""
    out = target.folder
    if os.path.lexists(out):
        return
    candidates = []
    for folder in _leftovers(out):
        old = folder / out.name
        if folder.name.startswith(f".{out.name}-old-") and old.is_dir() and not old.is_symlink() and built_by_us(old):
            candidates.append((old.stat().st_mtime_ns, old))
    for _, old in sorted(candidates, reverse=True):
        hold = _try_hold(old.parent)
        if hold is None:
            continue
        try:
            os.rename(old, out)
        except OSError as exc:
            raise OutputError(f"{target.given}: cannot restore the previous build from {old}: {exc.strerror or exc}") from exc
        finally:
            _release(hold)
        return


# --- leftovers and locks --------------------------------------------------------------------


def _leftovers(out: Path) -> list[Path]:
    """Staging and old folders of ours beside ``out`` (by name only; real folders, not links)."""
    pattern = re.compile(rf"\.{re.escape(out.name)}-(?:old-)?[{_ALPHABET}]{{8}}")
    try:
        entries = sorted(out.parent.iterdir())
    except OSError:
        return []
    return [p for p in entries if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]


def clean_leftovers(out: Path, keep: Path | None = None) -> list[Path]:
    """Remove what killed builds left beside ``out``, skipping what a live build holds."""
    removed = []
    for folder in _leftovers(out):
        if folder == keep:
            continue
        hold = _try_hold(folder)
        if hold is None:
            continue  # a build in progress
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            _release(hold)
    return removed


def _cannot_write(given: Path, exc: OSError) -> OutputError:
    """One line; a full disk reads as every command says it (``path: no space left on device``)."""
    if is_disk_full(exc):
        return OutputError(f"{given}: no space left on device")
    return OutputError(f"{given}: cannot write the build folder: {exc.strerror or exc}")


def _new_folder(target: Target, prefix: str) -> Path:
    """A new folder named ``prefix`` + 8 random characters; mode 0777 minus the umask."""
    for _ in range(100):
        path = target.folder.parent / (prefix + "".join(secrets.choice(_ALPHABET) for _ in range(8)))
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise _cannot_write(target.given, exc) from exc
    raise OutputError(f"{target.given}: cannot write the build folder: no free staging name")


_HELD: set[int] = set()
"""Descriptors this process holds folder locks with; closed in forked children (render workers),
so that a lock ends with the build that took it, not with its longest-living worker."""


def _close_held_in_child() -> None:
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


def _hold(folder: Path) -> int:
    """Hold a folder this build just made (no one else can hold it yet)."""
    try:
        fd = _open_folder(folder)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot lock: {exc.strerror or exc}") from exc
    try:
        state = _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        _release(fd)
        raise OutputError(f"{folder}: cannot lock: {exc.strerror or exc}") from exc
    if state is False:
        _release(fd)
        raise OutputError(f"{folder}: held by another build")
    return fd


def _try_hold(folder: Path) -> int | None:
    """Hold ``folder`` without waiting; ``None`` when a live build holds it, or when the
    filesystem has no ``flock`` (NFS: then no one can tell, and leftovers are left alone)."""
    try:
        fd = _open_folder(folder)
    except OSError:
        return None
    try:
        locked = _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        locked = False
    if not locked:
        _release(fd)
        return None
    return fd


def _open_folder(folder: Path) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    _HELD.add(fd)
    return fd


_NO_FLOCK = (errno.EBADF, errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL)
"""What ``flock`` on a folder fails with where the filesystem cannot lock one (NFS)."""


def _flock(fd: int, flags: int) -> bool | None:
    """``True`` locked, ``False`` someone else holds it, ``None`` the filesystem cannot lock."""
    try:
        fcntl.flock(fd, flags)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _NO_FLOCK:
            return None
        raise
    return True


def _release(fd: int) -> None:
    _HELD.discard(fd)
    os.close(fd)


@contextmanager
def _locked(target: Target, folder: Path) -> Iterator[None]:
    """The publishing lock: an ``flock`` on the folder that holds the build folder, waited for."""
    try:
        fd = _open_folder(folder)
    except OSError as exc:
        raise OutputError(f"{target.given}: cannot lock {folder}: {exc.strerror or exc}") from exc
    try:
        try:
            _flock(fd, fcntl.LOCK_EX)  # where folders cannot be locked (NFS), builds run unlocked
        except OSError as exc:
            raise OutputError(f"{target.given}: cannot lock {folder}: {exc.strerror or exc}") from exc
        yield
    finally:
        _release(fd)
