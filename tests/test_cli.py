"""The command line in-process (exit codes, messages) and as the README runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.memory.tmx import read_tmx

from .conftest import write


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def test_extract_init_update_stats_json(valium_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(valium_project, "extract") == 0
    assert "locale/valium.pot: 28 messages (written)" in capsys.readouterr().out
    assert run(valium_project, "init", "pt-BR") == 0
    assert "locale/pt_BR/LC_MESSAGES/valium.po: created" in capsys.readouterr().out
    assert run(valium_project, "update", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert {(r["locale"], r["domain"]) for r in report} == {("pt_BR", "valium"), ("pt_BR", "ui")}
    assert all(set(r) >= {"new", "changed", "obsolete", "revived", "unchanged"} for r in report)
    assert run(valium_project, "update") == 0
    assert capsys.readouterr().out == "pt_BR: 0 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 43 unchanged (2 catalogues, 0 written)\n"
    assert run(valium_project, "update", "-v") == 0
    assert "pt_BR valium: 0 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 28 unchanged\n" in capsys.readouterr().out
    assert run(valium_project, "stats", "--format", "json") == 0
    stats = json.loads(capsys.readouterr().out)
    valium = [s for s in stats if s["domain"] == "valium"][0]
    assert valium["untranslated"]["messages"] == 28 and valium["percent"] == 0
    assert valium["total"]["words"] > 400


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("init", "../x"), 2, "invalid locale code '../x'"),
        (("update", "-l", "fr"), 2, "run 'translatio init fr' first"),
        (("frobnicate",), 2, "No such command"),
        (("stats", "--format", "xml"), 2, "Invalid value"),
    ],
)
def test_errors_are_one_line_with_exit_2(valium_project: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, message: str) -> None:
    assert run(valium_project, *args) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_source_is_path_line_message(valium_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (valium_project / "source" / "bad.md").write_bytes(b"---\ntitle: [x\n---\n")
    assert run(valium_project, "extract") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(str(valium_project / "source" / "bad.md") + ":2: front matter is not valid YAML")
    assert "\n" not in err


def test_bad_config_names_the_key(valium_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(valium_project / "pyproject.toml", "[tool.translatio]\nmin_percent = 'all'\n")
    assert run(valium_project, "stats") == 2
    assert "tool.translatio.min_percent: expected a number" in capsys.readouterr().err


def test_python_dash_m_pipeline_runs_as_a_subprocess(valium_project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "-C", str(valium_project), "init", "de"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    built = subprocess.run([sys.executable, "-m", "pipeline", "-C", str(valium_project), "build"], capture_output=True, text=True, env=env)
    assert built.returncode == 0, built.stderr
    assert "all verified" in built.stdout
    assert (valium_project / "build" / "de" / "valium.html").is_file()
    bad = subprocess.run([sys.executable, "-m", "pipeline", "-C", str(valium_project), "init", "de/../../etc"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


DEVICES = r"""
set -e
mount -t tmpfs -o mode=755 devices /dev
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
cd "$1"
run() { "$PYTHON" -m pipeline -C site "$@"; }
run tm export /dev/stdout > exported.tmx
run tm export /dev/stdout | cat > piped.tmx
run tm export /dev/zero > /dev/null
run check -o /dev/null > check.out
run check --format json -o /dev/stdout > report.json
run check --html /dev/stdout -o /dev/null > status.html
run check -o /dev/zero
stat -c '%n %F' /dev/stdout /dev/stderr /dev/null /dev/zero > devices.txt
ls -A /dev > listing.txt
"""


@pytest.mark.system
def test_outputs_to_devices_write_to_them_and_leave_them_devices(shipped_project: Path, tmp_path: Path) -> None:
    """``tm export /dev/stdout``, ``check -o /dev/null``, ``check --html /dev/stdout``: as root
    these once replaced the device node with a regular file. Run in a private mount namespace
    with a /dev of its own, so that a regression cannot damage this machine's."""
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"needs a private mount namespace (root): {probe.stderr.strip()}")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", DEVICES, "devices", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in ("exported.tmx", "piped.tmx"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">') and text.endswith("</tmx>\n")
        assert {unit.target_locale for unit in read_tmx(tmp_path / name)} == {"ar", "de", "es", "fr", "ja", "ru"}
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["passed"] is True
    assert (tmp_path / "status.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert (tmp_path / "devices.txt").read_text().splitlines() == [
        "/dev/stdout symbolic link",
        "/dev/stderr symbolic link",
        "/dev/null character special file",
        "/dev/zero character special file",
    ]
    assert sorted((tmp_path / "listing.txt").read_text().split()) == ["fd", "null", "stderr", "stdout", "zero"]  # no badges/, no temp files


def test_update_prints_a_summary_per_locale_and_names_what_changed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / "pyproject.toml", "[tool.translatio]\nrequire_disclaimer = false\n")
    for number in range(1, 12):
        write(project / "source" / f"a{number:02}.md", f"# Article {number}\n\nThe first paragraph of article {number}.\n")
    assert run(project, "init", "de") == 0 and run(project, "init", "fr") == 0
    capsys.readouterr()
    for number in range(1, 11):  # ten of the eleven articles change
        write(project / "source" / f"a{number:02}.md", f"# Article {number}\n\nThe first paragraph of article {number}.\n\nA new one.\n")
    assert run(project, "update") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "de: 10 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 37 unchanged (12 catalogues, 10 written)"
    assert lines[1] == "  changed: a01, a02, a03, a04, a05, a06, a07, a08 and 2 more (-v lists every catalogue)"
    assert lines[2].startswith("fr: 10 new,") and len(lines) == 4
    write(project / "source" / "a11.md", "# Article 11\n\nThe first paragraph of article 11, edited.\n")
    assert run(project, "update", "-l", "fr", "-v") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "fr a11: 1 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 1 unchanged" in lines
    assert lines[-1] == "fr: 1 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 46 unchanged (12 catalogues, 1 written)"
    assert not any(line.startswith("de") for line in lines)
