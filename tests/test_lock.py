"""The project's lock and the worker processes: killed commands leave no lock and no orphan,
waiting is said and bounded, leftovers of killed runs are removed, links out are refused.

Signals and processes are real here: each command is a subprocess, killed with SIGKILL or
SIGTERM while its forked workers run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import LockBusy, OutputError
from pipeline.lock import LOCK_FILE, lock_path, project_lock, tidy, waiting
from pipeline.memory.project import memory_lock
from pipeline.update import update_locales

pytestmark = pytest.mark.system  # real processes, signals and mounts

from .confine import read_only_prefix
from .conftest import REPO, write

ARTICLES = 420
"""Enough for ``parallel_map`` to fork workers (it does from 400 items)."""

DRIVER = """
import sys, time
import pipeline.parallel as parallel
parallel.usable_cpus = lambda: 4  # workers even on a one-CPU machine
import pipeline.loading as loading
real = loading._catalog_or_error
def slow(source):  # parsing catalogues in the workers takes a while, so they can be killed at it
    time.sleep(0.05)
    return real(source)
loading._catalog_or_error = slow
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""

HOLDER = """
import sys, time
from pipeline.config import load_config
from pipeline.lock import project_lock
with project_lock(load_config(sys.argv[1])):
    print("held", flush=True)
    if sys.argv[2] == "fork":
        import os
        if os.fork() == 0:  # a plain child, not told to die with its parent
            time.sleep(600)
            os._exit(0)
    time.sleep(600)
"""


def _big_project(root: Path) -> Path:
    write(root / "pyproject.toml", "[tool.translatio]\n")
    for number in range(ARTICLES):
        write(root / "source" / f"a{number:04d}.md", f"# Article {number}\n\nBody {number}.\n\n::: disclaimer\nDisclaimer: see a doctor.\n:::\n")
    (root / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    return root


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has died; only its parent has not collected it yet


def _until(condition, what: str, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for a state of the processes (a guard against hanging, not a time measurement)."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to see the worker processes")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_a_killed_update_leaves_no_lock_and_no_orphan(tmp_path: Path, signum: int) -> None:
    root = _big_project(tmp_path / "site")
    update = subprocess.Popen([sys.executable, "-c", DRIVER, "-C", str(root), "update"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        _until(lambda: len(_children(update.pid)) >= 2 or update.poll() is not None, "update forked its workers")
        assert update.poll() is None, update.stderr.read() if update.stderr else ""
        workers = _children(update.pid)
        os.kill(update.pid, signum)
        update.wait(60)
        _until(lambda: not any(_alive(pid) for pid in workers), "every worker died with its parent", limit=30)
    finally:
        if update.poll() is None:
            update.kill()
        for pid in workers:  # a failed test leaves no orphan either
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    # The next commands get the lock at once: no waiting notice, no timeout.
    for args in (["tm", "stats"], ["update"]):
        done = subprocess.run(_command("--wait", "30", "-C", str(root), *args), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "waiting for" not in done.stderr
    assert (root / "locale" / "de" / "LC_MESSAGES" / "a0000.po").is_file()


@needs_proc
def test_forked_children_do_not_hold_the_lock(valium_project: Path) -> None:
    """The lock is a record lock: a child forked by the holder does not inherit it, so the lock
    is free as soon as the holder dies, even while that child lives on."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(valium_project), "fork"], stdout=subprocess.PIPE, text=True)
    child = None
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        _until(lambda: bool(_children(holder.pid)), "the holder forked")
        (child,) = _children(holder.pid)
        with pytest.raises(LockBusy), waiting(timeout=0):
            with project_lock(load_config(valium_project)):
                pass
        holder.kill()
        holder.wait(60)
        assert _alive(child)
        with waiting(timeout=0), project_lock(load_config(valium_project)):
            pass
    finally:
        holder.kill()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_waiting_command_says_for_whom_and_gives_up_with_one_line(valium_project: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(valium_project), "hold"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        lock = lock_path(load_config(valium_project))
        assert lock.read_text() == f"{holder.pid}\n"
        done = subprocess.run(_command("--wait", "3", "-C", str(valium_project), "update"), capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert done.stderr == (
            f"{lock}: waiting for another translatio process (pid {holder.pid}) to finish…\n"
            f"{lock}: another translatio process (pid {holder.pid}) still holds the lock after 3 s; "
            "try again later, or wait longer with --wait SECONDS\n"
        )
        environment = {**os.environ, "TRANSLATIO_LOCK_TIMEOUT": "0"}
        done = subprocess.run(_command("-C", str(valium_project), "tm", "stats"), capture_output=True, text=True, env=environment, timeout=120)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "still holds the lock after 0 s" in done.stderr
        assert not (valium_project / "locale" / "valium.pot").exists()  # nothing was done
    finally:
        holder.kill()
        holder.wait(60)
    done = subprocess.run(_command("--wait", "0", "-C", str(valium_project), "update"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not lock_path(load_config(valium_project)).exists()  # a finished run leaves no lock file


def test_the_lock_is_reentrant_and_exclusive_between_processes(valium_project: Path) -> None:
    config = load_config(valium_project)
    update_locales(config)
    with memory_lock(config), memory_lock(config, read_only=True), project_lock(config):
        # Read from another process: closing any descriptor of the file in this one would
        # release a POSIX record lock.
        assert subprocess.run(["cat", str(config.locale_dir / LOCK_FILE)], capture_output=True, text=True).stdout == f"{os.getpid()}\n"
        probe = subprocess.run(
            [sys.executable, "-c", "import sys\nfrom pipeline.cli import main\nsys.exit(main(sys.argv[1:]))", "--wait", "0", "-C", str(valium_project), "extract"],
            capture_output=True,
            text=True,
        )
        assert probe.returncode == 2 and "still holds the lock" in probe.stderr
    assert not (config.locale_dir / LOCK_FILE).exists()


def test_leftovers_of_killed_runs_are_removed_under_the_lock(valium_project: Path) -> None:
    config = load_config(valium_project)
    update_locales(config)
    (config.locale_dir / "de" / "LC_MESSAGES").mkdir(parents=True)
    ours = [
        config.locale_dir / ".valium.pot.k2j4_x9a.tmp",
        config.locale_dir / "de" / "LC_MESSAGES" / ".valium.po.abcdefgh.tmp",
        config.locale_dir / "tm" / ".de.tmx.0a1b2c3d.tmp",
    ]
    strangers = [config.locale_dir / "notes.tmp", config.locale_dir / ".valium.po.short.tmp", config.locale_dir / "de" / "draft.po.tmp"]
    for path in (*ours, *strangers):
        write(path, "half-written\n")
    update_locales(config)
    assert not any(path.exists() for path in ours)
    assert tidy(config) == []  # nothing left for the next run
    assert all(path.exists() for path in strangers)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_ignores_the_lock_and_temp_files(tmp_path: Path) -> None:
    shutil.copy(REPO / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    names = ["locale/.translatio.lock", "locale/.valium.pot.k2j4_x9a.tmp", "locale/de/LC_MESSAGES/.valium.po.abcdefgh.tmp"]
    for name in names:
        write(tmp_path / name, "x\n")
    write(tmp_path / "locale" / "de" / "LC_MESSAGES" / "valium.po", "x\n")
    ignored = subprocess.run(["git", "-C", str(tmp_path), "check-ignore", *names, "locale/de/LC_MESSAGES/valium.po"], capture_output=True, text=True)
    assert ignored.stdout.split() == names


def test_links_out_of_the_project_under_locale_are_refused(valium_project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    config = load_config(valium_project)
    update_locales(config)
    elsewhere = tmp_path_factory.mktemp("shared-tm")
    (elsewhere / "de.tmx").write_text("someone else's memory\n", encoding="utf-8")
    (config.locale_dir / "tm").symlink_to(elsewhere)
    article = valium_project / "source" / "valium.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Seizure Control", "Seizures"), encoding="utf-8")
    with pytest.raises(OutputError) as info:
        update_locales(config)
    assert str(info.value) == f"{config.locale_dir / 'tm'}: a symbolic link out of the project (to {elsewhere}); translatio does not write through it"
    assert (elsewhere / "de.tmx").read_text(encoding="utf-8") == "someone else's memory\n"
    # A link that stays inside the project is fine.
    (config.locale_dir / "tm").unlink()
    inside = valium_project / "memory"
    inside.mkdir()
    (config.locale_dir / "tm").symlink_to(inside)
    update_locales(config)
    assert not (inside / "de.tmx").exists() or (inside / "de.tmx").is_file()


def test_a_locale_folder_linked_out_of_the_project_is_refused(valium_project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("other-locale")
    (valium_project / "locale").symlink_to(elsewhere)
    config = load_config(valium_project)
    with pytest.raises(OutputError, match="a symbolic link out of the project"):
        update_locales(config)
    assert list(elsewhere.iterdir()) == []


READ_ONLY = """
import sys
from pipeline.config import load_config
from pipeline.errors import OutputError
from pipeline.lock import project_lock
config = load_config(sys.argv[1])
with project_lock(config, read_only=True):
    print("read-only lock ok")
try:
    with project_lock(config):
        pass
except OutputError as exc:
    print(exc)
"""


@pytest.mark.parametrize("lock_file", [True, False], ids=["lock-file", "no-lock-file"])
def test_a_read_only_locale_can_be_read_without_the_lock(valium_project: Path, lock_file: bool) -> None:
    config = load_config(valium_project)
    update_locales(config)
    if lock_file:  # as a killed run leaves it
        lock_path(config).write_text("4242\n")
    prefix = read_only_prefix(config.locale_dir)
    if prefix is None:
        pytest.skip("no read-only mount on this machine (unshare is not installed or not permitted)")
    done = subprocess.run([*prefix, sys.executable, "-c", READ_ONLY, str(valium_project)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "read-only lock ok"
    assert second == f"{config.locale_dir}: read-only (read-only file system): nothing can be written there"


CONTENDER = """
import os, sys, time
from pipeline.config import load_config
from pipeline.lock import project_lock
config, log = load_config(sys.argv[1]), sys.argv[2]
for _ in range(15):
    with project_lock(config):
        with open(log, "a") as handle:
            handle.write(f"in {os.getpid()}\\n")
        time.sleep(0.01)
        with open(log, "a") as handle:
            handle.write(f"out {os.getpid()}\\n")
"""


def test_one_holder_at_a_time_while_the_lock_file_comes_and_goes(valium_project: Path) -> None:
    """Each holder removes the lock file when done; a waiter left holding the removed file must
    notice and lock the new one, never hold the lock beside its new holder."""
    (valium_project / "locale").mkdir()
    log = valium_project / "log.txt"
    contenders = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(valium_project), str(log)]) for _ in range(4)]
    assert [c.wait(300) for c in contenders] == [0, 0, 0, 0]
    lines = log.read_text().splitlines()
    assert len(lines) == 4 * 15 * 2
    for enter, leave in zip(lines[::2], lines[1::2]):
        assert enter.startswith("in ") and leave == "out " + enter.removeprefix("in ")
    assert not lock_path(load_config(valium_project)).exists()
