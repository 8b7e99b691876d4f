"""publish: only a folder translatio built is replaced, the site is never missing, leftovers of
killed builds are cleaned, permissions follow the umask, symlinked build folders are published
through. Kills are real ``SIGKILL``s of real ``translatio build`` processes."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from pipeline import publish
from pipeline.build import build_site
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import OutputError
from pipeline.build import RECORD
from pipeline.publish import STAMP, STAMP_TEXT, prepare_target

pytestmark = pytest.mark.system  # real kills, other users and mounts

from .conftest import REPO, write
from .test_update import snapshot

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def leftovers(folder: Path, name: str = "build") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}-"))


def assert_complete(folder: Path, articles: int | None = None) -> dict[str, object]:
    """A complete, verified build: the stamp (written only after verification), a build record
    whose every output is present with its hash, and a page per article, locale and format."""
    assert (folder / STAMP).read_text(encoding="utf-8") == STAMP_TEXT
    manifest = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    for row in manifest["outputs"]:
        assert hashlib.sha256((folder / row["path"]).read_bytes()).hexdigest() == row["sha256"], row["path"]
    if articles is not None:
        pages = [row for row in manifest["outputs"] if row["article"] is not None]
        assert len(pages) == articles * len(manifest["locales"]) * 2
    assert not (folder / "status.html").exists() and not (folder / "manifest.json").exists()  # not public unless asked
    return manifest


@pytest.fixture
def site(shipped_project: Path) -> Path:
    """The shipped content (one article, six locales), built once."""
    assert run(shipped_project, "build") == 0
    return shipped_project


# --- 1. only a folder we built is replaced ---------------------------------------------------


def test_a_folder_translatio_did_not_build_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    write(docs / "thesis.tex", "years of work\n")
    before = snapshot(docs)
    assert run(site, "build", "-o", str(docs)) == 2
    err = capsys.readouterr().err
    assert err == f"{docs}: not a folder translatio built (no .translatio-build stamp); refusing to replace it — remove it or choose another -o\n"
    assert snapshot(docs) == before
    assert leftovers(tmp_path, "docs") == []


@pytest.mark.parametrize(
    ("build_dir", "what"),
    [
        (".", "is the project folder"),
        ("locale", "is the project's locale_dir"),
        ("source", "is the project's source_dir"),
        ("locale/..", "is the project folder"),
        ("..", "holds the project folder"),
    ],
)
def test_the_projects_own_folders_are_refused_even_when_stamped(site: Path, capsys: pytest.CaptureFixture[str], build_dir: str, what: str) -> None:
    """``build_dir = "locale"`` must not delete the catalogues, memory and glossary."""
    pyproject = site / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('build_dir = "build"', f'build_dir = "{build_dir}"'), encoding="utf-8")
    for folder in (site, site / "locale", site / "source"):
        (folder / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    before = snapshot(site)
    assert run(site, "build") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{site / build_dir}: {what}; refusing to publish a build over it — set another tool.translatio.build_dir in {pyproject}")
    assert err.count("\n") == 1
    assert snapshot(site) == before


def test_templates_home_and_root_are_refused(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    write(site / "pyproject.toml", '[tool.translatio]\ntemplates_dir = "templates"\n')
    (site / "templates").mkdir()
    config = load_config(site)
    for out, message in [
        (home, "is the home folder"),
        (site / "templates", "is the templates folder"),
        (Path("/"), "is the root folder"),
        (tmp_path, "holds the project folder"),
    ]:
        with pytest.raises(OutputError, match=re.escape(f"{out}: {message}; refusing")):
            prepare_target(config, out)
    assert (home / "docs").is_dir() and (home / STAMP).is_file()


def test_an_empty_folder_is_adopted_and_stamped(site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "public"
    empty.mkdir()
    assert run(site, "build", "-o", str(empty)) == 0
    assert_complete(empty, articles=1)
    assert run(site, "build", "-o", str(empty)) == 0  # stamped now: replaced again
    assert leftovers(tmp_path, "public") == []


def test_stamp_is_fixed_bytes_and_builds_stay_identical(site: Path) -> None:
    assert (site / "build" / STAMP).read_bytes() == STAMP_TEXT.encode("utf-8")
    first = snapshot(site / "build")
    assert run(site, "build") == 0
    assert snapshot(site / "build") == first


def test_a_build_folder_of_an_earlier_version_is_recognised_by_its_manifest(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Decision: earlier versions wrote no stamp; a folder whose manifest.json has our shape
    (version 1, source_locale, locales, outputs with path and sha256) is ours and is replaced."""
    (site / "build" / STAMP).unlink()
    (site / "build" / RECORD).rename(site / "build" / "manifest.json")  # as earlier versions named it
    assert run(site, "build") == 0
    assert_complete(site / "build", articles=1)
    capsys.readouterr()
    # Not our manifest shape (an app's manifest with a version), or a stamp with other content: refused.
    for name, content in [("manifest.json", '{"name": "my-app", "version": 1}\n'), (STAMP, "mine\n")]:
        other = site / f"other-{name}"
        write(other / name, content)
        assert run(site, "build", "-o", str(other)) == 2
        assert "not a folder translatio built" in capsys.readouterr().err
        assert (other / name).read_text(encoding="utf-8") == content


# --- 2. never missing; leftovers of killed builds ---------------------------------------------

DRIVER = r"""
import os, shutil, signal, sys
from pathlib import Path

import pipeline.build  # what the command imports when it runs: imported once, here
import pipeline.publish as publish
from pipeline.cli import main

project = sys.argv[1]
kill_at = steps = 0


def step(partial=None):
    # A real SIGKILL just before the kill_at-th step of publishing (for rmtree: halfway through it).
    global steps
    steps += 1
    if steps == kill_at:
        if partial is not None and os.path.isdir(partial):
            files = sorted(p for p in Path(partial).rglob("*") if p.is_file())
            for path in files[: len(files) // 2]:
                path.unlink()
        os.kill(os.getpid(), signal.SIGKILL)


def ours(*paths):
    names = [os.path.basename(os.fspath(p)) for p in paths if isinstance(p, (str, os.PathLike))]
    return any(name == "build" or name.startswith(".build-") for name in names)


def counted(function, partial=False):
    def wrapper(*args, **kwargs):
        if ours(*args[:2]):
            step(args[0] if partial else None)
        return function(*args, **kwargs)
    return wrapper


def in_build(*paths):
    return any("build" in Path(os.fspath(p)).parts for p in paths if isinstance(p, (str, os.PathLike)))


def counted_in_build(function):
    def wrapper(*args, **kwargs):
        if in_build(*args[1:2]):
            step()
        return function(*args, **kwargs)
    return wrapper


os.rename = counted(os.rename)
os.replace = counted_in_build(os.replace)  # a build in place: each file moved into the folder
os.mkdir = counted(os.mkdir)
os.rmdir = counted(os.rmdir)
shutil.rmtree = counted(shutil.rmtree, partial=True)
publish.exchange = counted(publish.exchange)
publish.publish = counted(publish.publish)

# One 'translatio build' per request, each in a process of its own, forked from this one once the
# modules are imported and their caches (locale data, compiled expressions) warmed by a first build
# here, so that a run costs the build, not Python's start-up. Its pid is reported at once; it is
# reaped (its pid free again) only when the test says so, after any kill.
saved = os.dup(1)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
assert main(["-C", project, "build"]) == 0
sys.stdout.flush()
os.dup2(saved, 1)
for request in sys.stdin:
    kill_at, mode = int(request.split()[0]), request.split()[1]
    pid = os.fork()
    if pid == 0:
        steps = 0
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        if mode == "renames":
            publish._RENAMEAT2 = None  # a filesystem without RENAME_EXCHANGE (NFS, macOS)
        os._exit(main(["-C", project, "build", *(["--clean"] if mode != "in-place" else [])]))
    print("pid", pid, flush=True)
    sys.stdin.readline()
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print("status", status, flush=True)
"""


class Builds:
    """A driver process that runs ``translatio build`` in a new process on request."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(project)], env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def start(self, kill_at: int = 0, mode: str = "exchange") -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{kill_at} {mode}\n")
        word, pid = self.process.stdout.readline().split()
        assert word == "pid"
        return int(pid)

    def status(self) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("reap\n")
        word, status = self.process.stdout.readline().split()
        assert word == "status"
        return int(status)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait() == 0


@pytest.fixture
def builds(site: Path) -> Iterator[Builds]:
    driver = Builds(site)
    yield driver
    driver.close()


@pytest.mark.parametrize("mode", ["exchange", "renames"])
def test_killed_at_every_step_of_publishing(site: Path, builds: Builds, mode: str) -> None:
    """SIGKILL before each filesystem step of publishing (and halfway through each removal), in
    turn, until a run gets through. After each kill a complete build is in place (with renames
    only, possibly moved aside whole, and put back by what every build does first)."""
    if mode == "exchange" and publish._RENAMEAT2 is None:
        pytest.skip("renameat2 is not available on this system")
    out = site / "build"
    previous = snapshot(out)
    seen_aside = False
    for kill_at in range(1, 40):
        builds.start(kill_at, mode)
        status = builds.status()
        if status == 0:
            break
        assert status == -signal.SIGKILL
        if out.exists() or mode == "exchange":
            assert_complete(out, articles=1)
        else:  # killed between the two renames: the old build waits aside, whole
            seen_aside = True
            aside = list(site.glob(".build-old-*/build"))
            assert len(aside) == 1
            assert snapshot(aside[0]) == previous
            prepare_target(load_config(site))  # what every build does first: put it back
            assert snapshot(out) == previous
        publish.clean_leftovers(out)  # what the next build does before staging
        assert leftovers(site) == []
    else:
        pytest.fail("the build never got through")
    assert kill_at > 4  # it was killed at several steps of publishing
    assert seen_aside == (mode == "renames")
    assert_complete(out, articles=1)
    assert leftovers(site) == []


def test_killed_at_every_step_of_publishing_in_place(site: Path, builds: Builds, tmp_path: Path) -> None:
    """A build in place killed before each file it moves into the folder, in turn, after a
    translation changed: every file is then whole, the old version or the new one (never a
    part); the next build completes the change, and the tree is then a clean build's."""
    out = site / "build"
    po = site / "locale" / "de" / "LC_MESSAGES" / "valium.po"
    text = po.read_text(encoding="utf-8")
    for kill_at in range(1, 40):
        before = snapshot(out)
        po.write_text(text.replace('msgstr "Valium', f'msgstr "Valium {kill_at}', 1), encoding="utf-8")
        clean = tmp_path / f"clean-{kill_at}"
        assert run(site, "build", "--clean", "-o", str(clean)) == 0
        expected = snapshot(clean)
        builds.start(kill_at, "in-place")
        status = builds.status()
        now = snapshot(out)
        assert set(now) == set(expected)
        assert all(now[path] in (before.get(path), expected[path]) for path in now), kill_at
        if status == 0:
            break
        assert status == -signal.SIGKILL
        assert run(site, "build") == 0  # the next build publishes what the killed one did not
        assert snapshot(out) == expected
        publish.clean_leftovers(out)
        assert leftovers(site) == []
    else:
        pytest.fail("the build never got through")
    assert kill_at > 4  # killed before moving each page, the list of articles and the record
    assert snapshot(out) == expected
    assert leftovers(site) == []


def big_project(root: Path, articles: int) -> Path:
    """The shipped content with the article copied ``articles`` times (every locale translated)."""
    text = (root / "source" / "valium.md").read_text(encoding="utf-8")
    for index in range(1, articles):
        slug = f"valium-{index:03d}"
        (root / "source" / f"{slug}.md").write_text(re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M), encoding="utf-8")
        for po in list(root.glob("locale/*/LC_MESSAGES/valium.po")):
            shutil.copy(po, po.with_name(f"{slug}.po"))
    return root


def test_killed_at_random_moments_a_complete_build_is_always_in_place(shipped_project: Path) -> None:
    """A real build of a site big enough for parallel render workers, killed with SIGKILL at
    random moments: every time a complete, verified build is in place; the next build cleans
    every leftover. (The seed is in the failure message.)"""
    project = big_project(shipped_project, 15)
    builds = Builds(project)
    try:
        builds.start()  # the driver starts and warms up; this build fills the page cache
        assert builds.status() == 0
        builds.start()
        started = time.monotonic()
        assert builds.status() == 0
        duration = time.monotonic() - started  # a warm build's, as the killed ones are: only to spread the kills over its lifetime
        seed = random.randrange(1 << 32)
        rng = random.Random(seed)
        killed = 0
        for attempt in range(8):
            pid = builds.start()
            time.sleep(rng.uniform(0.0, 1.05) * duration)
            os.kill(pid, signal.SIGKILL)  # the build, or its zombie: the driver reaps it only after this
            status = builds.status()
            assert status in (0, -signal.SIGKILL), f"seed {seed}"
            killed += status == -signal.SIGKILL
            assert_complete(project / "build", articles=15), f"seed {seed}, attempt {attempt}"
        builds.start()
        assert builds.status() == 0
    finally:
        builds.close()
    assert killed >= 3, f"seed {seed}"  # most runs were really killed
    assert_complete(project / "build", articles=15)
    assert leftovers(project) == [], f"seed {seed}"


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in task.read_text().split())
    return found


def dead(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def test_render_workers_die_with_a_killed_build(shipped_project: Path) -> None:
    """Orphaned render workers would go on writing into a staging folder the next build cleans."""
    if not list(Path("/proc/self/task").glob("*/children")):
        pytest.skip("this kernel does not list child processes in /proc")
    project = big_project(shipped_project, 15)
    script = "import sys; from pipeline.build import build_site; from pipeline.config import load_config; build_site(load_config(sys.argv[1]), workers=2)"
    process = subprocess.Popen([sys.executable, "-c", script, str(project)], env=ENV, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        workers: set[int] = set()
        while not workers and process.poll() is None:
            workers = children(process.pid)
            time.sleep(0.01)
        assert workers, "the build ended before its workers were seen"
        process.kill()
        process.wait()
        deadline = time.monotonic() + 60  # not a timing assertion: a bound on waiting for the kernel
        while not all(dead(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(dead(pid) for pid in workers)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the session this test started, should anything remain
        except ProcessLookupError:
            pass


def test_leftovers_are_cleaned_except_what_a_live_build_holds(site: Path, tmp_path: Path) -> None:
    stale = site / ".build-k1ll3d_x"
    write(stale / "en" / "valium.html", "half a page")
    aside = site / ".build-old-abcdefgh"
    shutil.copytree(site / "build", aside / "build")
    held = site / ".build-heldheld"
    held.mkdir()
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "keep.txt", "kept\n")
    (site / ".build-linkzzzz").symlink_to(elsewhere)
    not_ours = [".build-toolongname", ".build-short", ".build-ABCDEFGH", ".builds-abcdefgh", ".site-abcdefgh"]
    for name in not_ours:
        write(site / name / "file.txt", "someone's\n")
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a build in progress holds its staging folder
        build_site(load_config(site))
        assert held.is_dir()
    finally:
        os.close(fd)
    assert not stale.exists() and not aside.exists()
    assert (elsewhere / "keep.txt").is_file() and (site / ".build-linkzzzz").is_symlink()
    assert all((site / name / "file.txt").is_file() for name in not_ours)
    build_site(load_config(site))
    assert not held.exists()  # nobody holds it any more


def test_without_exchange_a_build_moved_aside_is_put_back_first(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state a run killed between its two renames leaves (as earlier versions did too):
    no build/, the previous build in .build-old-XXXXXXXX/build. The next run restores it before
    reading anything, so the site is back even when that run then fails on bad input."""
    monkeypatch.setattr(publish, "_RENAMEAT2", None)
    before = snapshot(site / "build")
    (site / ".build-old-q7xz2m4a").mkdir()
    os.rename(site / "build", site / ".build-old-q7xz2m4a" / "build")
    (site / "source" / "valium.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert run(site, "build") == 2
    assert snapshot(site / "build") == before
    assert leftovers(site) == [".build-old-q7xz2m4a"]  # emptied; removed by the next build that gets to staging
    shutil.copy(REPO / "source" / "valium.md", site / "source" / "valium.md")
    assert run(site, "build") == 0
    assert snapshot(site / "build") == before and leftovers(site) == []


def test_concurrent_builds_both_publish_a_complete_site(site: Path) -> None:
    command = [sys.executable, "-m", "pipeline", "-C", str(site), "build"]
    processes = [subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in processes:
        out, err = process.communicate()
        assert process.returncode == 0, err
    assert_complete(site / "build", articles=1)
    assert leftovers(site) == []


# --- 3. permissions ---------------------------------------------------------------------------


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "folders", "files"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640), (0o002, 0o775, 0o664)])
def test_modes_follow_the_umask(site: Path, mask: int, folders: int, files: int) -> None:
    with umask(mask):
        build_site(load_config(site), workers=2, clean=True)  # every file written by this build
    out = site / "build"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")] if p.is_dir()}
    assert modes == {folders}
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()} == {files}


def test_another_user_can_read_the_published_site(site: Path) -> None:
    """As a web server running as ``nobody`` would: in a private mount namespace the build
    folder is bind-mounted where nobody can reach it (the test's own folder is private to root)."""
    if os.geteuid() != 0:
        pytest.skip("switching to the nobody user needs root (CI runs as root)")
    for tool in ("unshare", "runuser", "mount"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    mount_point = next((p for p in ("/media", "/srv", "/mnt") if Path(p).is_dir()), None)
    if mount_point is None:
        pytest.skip("no folder to mount on (/media, /srv, /mnt)")
    shutil.rmtree(site / "build")
    done = subprocess.run(["sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m", "pipeline", "-C", str(site), "build"], env=ENV, capture_output=True)
    assert done.returncode == 0, done.stderr
    out = site / "build"
    expected = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    script = f'mount --bind "$1" {mount_point} && exec runuser -u nobody -- find {mount_point} -type f -exec cat {{}} +'
    read = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(out)], capture_output=True)
    if read.returncode != 0 and b"unshare failed" in read.stderr:
        pytest.skip(f"no private mount namespace here: {read.stderr.decode().strip()}")
    assert read.returncode == 0, read.stderr
    assert len(read.stdout) == expected


# --- 4. symlinked build folders, non-folders ---------------------------------------------------


def test_a_symlinked_build_folder_is_published_through(site: Path, tmp_path: Path) -> None:
    www = tmp_path / "www" / "site"
    www.mkdir(parents=True)
    shutil.rmtree(site / "build")
    (site / "build").symlink_to(www)
    for _ in range(2):  # empty, then stamped
        assert run(site, "build") == 0
        assert (site / "build").is_symlink() and os.readlink(site / "build") == str(www)
        assert_complete(www, articles=1)
        assert leftovers(www.parent, "site") == [] and leftovers(site) == []


def test_a_symlink_to_a_foreign_folder_or_a_device_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    www = tmp_path / "www"
    write(www / "index.php", "<?php // someone's site\n")
    link = tmp_path / "link"
    link.symlink_to(www)
    assert run(site, "build", "-o", str(link)) == 2
    assert capsys.readouterr().err.startswith(f"{link} → {www}: not a folder translatio built")
    assert (www / "index.php").is_file() and link.is_symlink()
    device = tmp_path / "device-link"
    device.symlink_to("/dev/null")
    assert run(site, "build", "-o", str(device)) == 2
    assert capsys.readouterr().err == f"{device} → /dev/null: exists and is not a folder; refusing to replace it — choose another -o\n"
    assert device.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    (site / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    (site / "source" / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    for name, folder, what in [("to-source", site / "source", "is the project's source_dir"), ("to-root", site, "is the project folder")]:
        (site / name).symlink_to(folder)
        before = snapshot(folder)
        assert run(site, "build", "-o", str(site / name)) == 2
        assert capsys.readouterr().err.startswith(f"{site / name} → {folder}: {what}; refusing")
        assert snapshot(folder) == before


def test_a_dangling_symlink_gets_its_folder_created(site: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "www" / "site")
    assert run(site, "build", "-o", str(link)) == 0
    assert link.is_symlink()
    assert_complete(tmp_path / "www" / "site", articles=1)


def test_non_folders_are_never_replaced(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-o /dev/null`` must not turn the device into a folder or a file, even as root."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    plain = tmp_path / "file.txt"
    plain.write_text("data\n", encoding="utf-8")
    for target, kind in [(Path("/dev/null"), stat.S_ISCHR), (fifo, stat.S_ISFIFO), (plain, stat.S_ISREG)]:
        assert run(site, "build", "-o", str(target)) == 2
        assert capsys.readouterr().err == f"{target}: exists and is not a folder; refusing to replace it — choose another -o\n"
        assert kind(os.lstat(target).st_mode)
    assert plain.read_text(encoding="utf-8") == "data\n"
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".null-")]


def test_where_folders_cannot_be_locked_builds_still_publish_and_leave_leftovers_alone(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NFS cannot flock a folder: nobody can tell a live build's staging folder from a dead one's."""
    import errno

    def no_flock(fd: int, flags: int) -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    stale = site / ".build-k1ll3d_x"
    stale.mkdir()
    monkeypatch.setattr(publish.fcntl, "flock", no_flock)
    build_site(load_config(site))
    assert_complete(site / "build", articles=1)
    assert leftovers(site) == [stale.name]
