"""The command line in-process (exit codes, messages) and as the README runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

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
    assert "pt_BR valium: 0 new, 0 changed (fuzzy), 0 obsolete, 0 revived, 28 unchanged" in capsys.readouterr().out
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
