"""``translatio review``: what waits for review, with word diffs where the text changed; signing
by id or all after a confirmation; signing never changes a translation; approvals lapse by
themselves and their dates never move."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli, main
from pipeline.config import load_config
from pipeline.review import word_diff
from pipeline.update import po_path

from .conftest import edit_po, write
from .test_policy import ARTICLE, REVIEWER, german, sign  # noqa: F401  (german is a fixture)

APPROVAL = re.compile(rb"^# translatio-approved: .*\n", re.M)


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def listed(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert run(project, "review", "-l", "de", "--format", "json", *args) == 0
    items: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return items


def catalogues(project: Path) -> dict[str, bytes]:
    folder = project / "locale" / "de" / "LC_MESSAGES"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.po"))}


@pytest.mark.parametrize(
    ("old", "new", "diff"),
    [
        ("Drink plenty of water.", "Drink plenty of fresh water.", "Drink plenty of {+fresh +}water."),
        ("Take one tablet.", "Take two tablets.", "Take [-one-]{+two+} [-tablet-]{+tablets+}."),
        ("Let’s go", "Let’s go", "Let’s go"),
    ],
)
def test_word_diff_marks_whole_words(old: str, new: str, diff: str) -> None:
    assert word_diff(old, new) == diff


def test_signing_by_id_adds_approvals_and_changes_no_other_byte(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = listed(german, capsys)
    read_ids = [i["id"] for i in items]
    assert len(set(read_ids)) == 19 and all(i["status"] == "unreviewed" for i in items)  # 4 article and 15 ui entries
    paragraph = next(i for i in items if i["source"] == "Drink plenty of water.")
    disclaimer = next(i for i in items if i["required"])
    before = catalogues(german)
    assert run(german, "review", "-l", "de", "--approve", "--by", REVIEWER, "--date", "2026-12-01", str(paragraph["id"]), str(disclaimer["id"])) == 0
    assert "locale/de/LC_MESSAGES/a.po: 2 entries signed by Dr. Erika Muster on 2026-12-01" in capsys.readouterr().out
    after = catalogues(german)
    assert APPROVAL.sub(b"", after["a.po"]) == before["a.po"]  # byte for byte, the approvals aside
    assert after["ui.po"] == before["ui.po"]
    assert len(APPROVAL.findall(after["a.po"])) == 2
    assert [i["id"] for i in listed(german, capsys)] == [i for i in read_ids if i not in (paragraph["id"], disclaimer["id"])]


def test_approve_without_ids_asks_first_and_yes_signs_everything(german: Path) -> None:
    runner = CliRunner()
    before = catalogues(german)
    refused = runner.invoke(cli, ["-C", str(german), "review", "-l", "de", "--approve", "--by", REVIEWER], input="n\n")
    assert refused.exit_code == 1 and "nothing signed" in refused.output
    assert catalogues(german) == before
    agreed = runner.invoke(cli, ["-C", str(german), "review", "-l", "de", "-d", "a", "--approve", "--by", REVIEWER, "--date", "2026-12-01"], input="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert "Sign 4 entries as Dr. Erika Muster on 2026-12-01?" in agreed.output
    assert catalogues(german)["ui.po"] == before["ui.po"]  # -d a: the article only
    done = runner.invoke(cli, ["-C", str(german), "review", "-l", "de", "--approve", "--yes", "--by", REVIEWER, "--date", "2026-12-01", "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert [s["domain"] for s in report["signed"]] == ["ui"] and report["reviewer"] == REVIEWER


def test_approval_dates_never_move_on_re_runs(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(german, "review", "-l", "de", "--approve", "--yes", "--by", REVIEWER, "--date", "2026-12-01") == 0
    signed = catalogues(german)
    assert run(german, "review", "-l", "de", "--approve", "--yes", "--by", REVIEWER, "--date", "2027-03-04") == 0
    assert "nothing waits for review in de" in capsys.readouterr().out
    assert run(german, "update") == 0 and run(german, "build") == 0
    assert catalogues(german) == signed
    assert b"2027" not in b"".join(signed.values())


def test_editing_one_word_voids_that_approval_and_no_other(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sign(german)
    assert run(german, "update") == 0  # the memory harvests the signed translations
    capsys.readouterr()
    assert listed(german, capsys) == []
    path = po_path(load_config(german), "de", "a")
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "Trinken Sie viel Wasser."', 'msgstr "Trinken Sie genug Wasser."'), encoding="utf-8")
    (item,) = listed(german, capsys)
    assert (item["source"], item["status"]) == ("Drink plenty of water.", "stale")
    assert item["stale_approvals"] == [{"reviewer": REVIEWER, "date": "2026-12-01"}]
    assert item["translation_diff"] == "Trinken Sie [-viel-]{+genug+} Wasser."  # what the reviewer signed, found by its hash
    assert run(german, "stats", "-l", "de", "--format", "json") == 0
    (figures,) = [s for s in json.loads(capsys.readouterr().out) if s["domain"] == "a"]
    assert (figures["reviewed"]["messages"], figures["translated"]["messages"]) == (3, 4)
    run(german, "check", "-l", "de", "--format", "json")  # fails on freshness: the memory has not seen the edit yet
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["check"] for f in findings if f["check"].startswith("review")] == ["review-stale"]
    (stale,) = [f for f in findings if f["check"] == "review-stale"]
    assert stale["severity"] == "warning"  # the page is not wrong: under publish = "reviewed" it shows the English
    assert f"the approval by {REVIEWER} on 2026-12-01 is stale" in stale["message"]


def test_a_changed_english_is_listed_with_a_word_diff_and_signing_it_again_renews_it(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sign(german)
    write(german / "source" / "a.md", ARTICLE.replace("Drink plenty of water.", "Drink plenty of fresh water."))
    assert run(german, "update") == 0
    capsys.readouterr()
    assert listed(german, capsys) == []  # fuzzy now: a translator's turn first
    assert run(german, "check", "-l", "de") == 1
    out = capsys.readouterr().out
    assert f"the approval by {REVIEWER} on 2026-12-01 is stale: the English changed since it was signed" in out
    path = po_path(load_config(german), "de", "a")
    edit_po(path, lambda m: dataclasses.replace(m, msgstr=("Trinken Sie viel frisches Wasser.",)).with_flag("fuzzy", False) if m.fuzzy else m)
    (item,) = listed(german, capsys)
    assert item["previous_source"] == "Drink plenty of water."
    assert item["source_diff"] == "Drink plenty of {+fresh +}water."
    assert item["translation_diff"] == "Trinken Sie viel {+frisches +}Wasser."
    assert run(german, "review", "-l", "de") == 0
    text = capsys.readouterr().out
    assert f"[{item['id']}]  approval by {REVIEWER} on 2026-12-01 is stale" in text
    assert "en (changed): Drink plenty of {+fresh +}water." in text
    assert run(german, "review", "-l", "de", "--approve", "--by", "Dr. Max Beispiel", "--date", "2026-12-02", str(item["id"])) == 0
    capsys.readouterr()
    assert listed(german, capsys) == []
    assert "# translatio-approved: 2026-12-02 by Dr. Max Beispiel [sha256:" in path.read_text(encoding="utf-8")


def test_the_list_shows_spaces_at_the_ends_of_a_text(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(german, "review", "-l", "de", "-d", "ui") == 0
    text = capsys.readouterr().out
    assert '  en: " · "\n  de: "DE  · "\n' in text  # the byline's separator, quoted
    assert "  en: Other languages\n  de: DE Other languages\n" in text  # the others as they are
    assert text.endswith("15 entries of de wait for review\n")


def test_an_entry_changed_since_it_was_listed_is_refused_and_nothing_is_signed(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = listed(german, capsys)
    path = po_path(load_config(german), "de", "a")
    edit_po(path, lambda m: dataclasses.replace(m, msgstr=("Trinken Sie Wasser.",)) if m.msgid == "Drink plenty of water." else m)
    before = catalogues(german)
    assert run(german, "review", "-l", "de", "--approve", "--by", REVIEWER, *(str(i["id"]) for i in items)) == 2
    err = capsys.readouterr().err
    assert "no entry waiting for review has the id" in err and "nothing was signed" in err
    assert catalogues(german) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--approve",), "--approve needs --by NAME"),
        (("--by", "X"), "--by, --date and --yes go with --approve"),
        (("--approve", "--by", "X", "--date", "1 Dec"), "'1 Dec' is not a date YYYY-MM-DD"),
        (("--approve", "--yes", "--by", "X [sha256:0123456789ab]"), "must not contain '[sha256:'"),
        (("deadbeef0000",), "no entry waiting for review has the id deadbeef0000"),
    ],
)
def test_usage_errors_are_one_line_exit_2(german: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    before = catalogues(german)
    assert run(german, "review", "-l", "de", *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert catalogues(german) == before


def test_a_locale_without_catalogues_is_named(german: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(german, "review", "-l", "fr") == 2
    assert "locale 'fr' has no catalogues yet: run 'translatio init fr' first" in capsys.readouterr().err
