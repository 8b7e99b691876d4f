"""A full disk, for real: each command runs as a subprocess on a small tmpfs, mounted in a
private mount namespace and filled to a few bytes short of full.

Whatever the fill, a command either does exactly what it does on a roomy disk, or stops with
one line, ``path: no space left on device``, exit 2, leaving every file of the project (the
memory's index and the lock file aside: neither is in git) byte-identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.memory.tmx import format_tmx
from pipeline.memory.units import TranslationUnit

pytestmark = pytest.mark.system  # full disks in private mount namespaces

from .conftest import REPO

PROBE = r"""
import hashlib, json, os, shutil, subprocess, sys
from pathlib import Path

project, reference_root, command, levels = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
prepare = json.loads(sys.argv[5])
disk = Path(sys.argv[6])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "translatio-full", str(disk)], check=True)

def translatio(root, args):
    # A fixed clock: a template's creation date must not differ between the runs compared.
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([sys.executable, "-m", "pipeline", "-C", str(root), *args], capture_output=True, text=True, env=environment)

def files(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".tm-index" not in p.name and p.name != ".translatio.lock"
    }

def fresh(where):
    if where.exists():
        shutil.rmtree(where)
    shutil.copytree(project, where, symlinks=True)
    for args in prepare:
        translatio(where, args)
    return where

reference = fresh(reference_root)
expected_code = translatio(reference, command).returncode
expected = files(reference)
results = []
for free in levels:
    site = fresh(disk / "site")
    before = files(site)
    info = os.statvfs(disk)
    with open(disk / "filler", "wb") as handle:
        try:
            handle.write(b"\0" * max(info.f_bavail * info.f_frsize - free, 0))
        except OSError:
            pass
    done = translatio(site, command)
    (disk / "filler").unlink()
    results.append({"free": free, "code": done.returncode, "stderr": done.stderr, "same_as_before": files(site) == before, "same_as_roomy": files(site) == expected})
print(json.dumps({"expected_code": expected_code, "results": results}))
"""

LEVELS = [0, 48 * 1024, 160 * 1024, 400 * 1024, 900 * 1024]
"""Bytes left free: from nothing at all to about what the largest command needs."""

COMMANDS = {
    "update": ["update"],
    "build": ["build"],
    "check": ["check"],
    "tm-import": ["tm", "import", "IMPORT"],
    "tm-search": ["tm", "search", "Valium", "-l", "de"],
}


@pytest.fixture(scope="module")
def namespace_ok() -> None:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"a tmpfs needs a private mount namespace (root): {probe.stderr.strip()}")


def _project(root: Path) -> Path:
    """The shipped content with one changed paragraph (so update and check have work), and a
    TMX file to import."""
    for part in ("source", "locale"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns(".tm-index*", ".translatio.lock"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    article = root / "source" / "valium.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Seizure Control", "Seizure Management"), encoding="utf-8")
    units = [TranslationUnit(f"Imported sentence number {n}.", f"Importierter Satz Nummer {n}.", "en", "de") for n in range(400)]
    (root / "import.tmx").write_text(format_tmx(units, "en"), encoding="utf-8")
    return root


CASES = [(name, index) for name in COMMANDS for index in ("index-built", "no-index") if (name, index) != ("build", "no-index")]
"""With the memory's index built (a working checkout) and without (a fresh clone: the index is
built first); the build does not use the index."""


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{name}-{index}" for name, index in CASES])
def test_a_full_disk_is_one_line_and_changes_nothing(namespace_ok: None, tmp_path: Path, name: str, index: str) -> None:
    project = _project(tmp_path / "project")
    command = [str(project / "import.tmx") if arg == "IMPORT" else arg for arg in COMMANDS[name]]
    prepare = [["tm", "stats"]] if index == "index-built" else []
    (tmp_path / "disk").mkdir()
    done = subprocess.run(
        ["unshare", "-m", sys.executable, "-c", PROBE, str(project), str(tmp_path / "roomy"), json.dumps(command), json.dumps(LEVELS), json.dumps(prepare), str(tmp_path / "disk")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    failures = 0
    for result in report["results"]:
        where = f"{result['free']} bytes free: {result}"
        if result["code"] == 2:
            failures += 1
            lines = result["stderr"].splitlines()
            assert len(lines) == 1 and lines[0].endswith(": no space left on device"), where
            assert result["same_as_before"], where
        else:
            assert result["code"] == report["expected_code"], where
            assert result["stderr"] == "", where
            assert result["same_as_roomy"], where
    assert failures >= 1  # the disk was full enough to matter
