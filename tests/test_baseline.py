"""``check --baseline``: an earlier JSON report is the bar; a locale whose translated or reviewed
share drops, or a disclaimer that was published translated and now falls back, fails the check
and says which."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.update import po_path

from .conftest import edit_po, write
from .test_policy import german, sign  # noqa: F401  (german is a fixture)


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


@pytest.fixture
def baseline(german: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The German catalogues signed and harvested, and the report of that state in base.json."""
    sign(german)
    assert run(german, "update") == 0
    assert run(german, "check", "-l", "de", "--format", "json", "-o", str(german / "base.json")) == 0
    capsys.readouterr()
    return german


def baseline_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    run(project, "check", "-l", "de", "--format", "json", "--baseline", str(project / "base.json"))
    report = json.loads(capsys.readouterr().out)
    return [f["message"] for f in report["findings"] if f["check"] == "baseline"]


def test_the_same_catalogues_pass_against_their_own_report(baseline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(baseline, "check", "-l", "de", "--baseline", str(baseline / "base.json")) == 0
    assert "check passed" in capsys.readouterr().out


def test_a_lapsed_approval_fails_with_the_reviewed_share(baseline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = po_path(load_config(baseline), "de", "a")
    edit_po(path, lambda m: dataclasses.replace(m, msgstr=("Trinken Sie genug Wasser.",)) if m.msgid == "Drink plenty of water." else m)
    assert baseline_findings(baseline, capsys) == ["de: the reviewed share dropped from 100% to 94.74% (baseline base.json)"]


def test_a_disclaimer_that_falls_back_fails_and_is_named(baseline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = po_path(load_config(baseline), "de", "a")
    edit_po(path, lambda m: m.with_flag("fuzzy") if m.msgid.startswith("Disclaimer:") else m)
    assert baseline_findings(baseline, capsys) == [
        "de: the translated share dropped from 100% to 94.74% (baseline base.json)",
        "de: the reviewed share dropped from 100% to 94.74% (baseline base.json)",
        "the disclaimer of 'a' was published translated in the baseline (base.json) and now falls back to English: the translation is fuzzy",
    ]


def test_a_new_review_policy_that_withholds_the_disclaimer_is_a_regression(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline published the translated disclaimer; requiring review without having it signed
    would publish the English: CI says so before it happens."""
    assert run(german, "update") == 0
    assert run(german, "check", "-l", "de", "--format", "json", "-o", str(german / "base.json")) == 0
    capsys.readouterr()
    write(german / "pyproject.toml", "[tool.translatio]\n\n[tool.translatio.locale.de]\nrequired_review = true\n")
    assert baseline_findings(german, capsys) == [
        "the disclaimer of 'a' was published translated in the baseline (base.json) and now falls back to English: not reviewed"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "base.json: baseline report not found"),
        ("{not json", "base.json:1: not a JSON check report"),
        ('{"version": 1}', "base.json: not a translatio check report"),
        ('{"version": 99, "locales": []}', "base.json: check report version 99"),
    ],
)
def test_a_baseline_that_is_not_a_report_is_one_line_exit_2(german: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str) -> None:
    if content is not None:
        (german / "base.json").write_text(content, encoding="utf-8")
    assert run(german, "check", "-l", "de", "--baseline", str(german / "base.json")) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
