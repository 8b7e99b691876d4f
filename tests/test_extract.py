"""Extraction's cost in repeated segments: linear, checked by counting, not by timing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract
from pipeline.config import load_config
from pipeline.segments import Segment

from .conftest import write


def _segments(repeats: int) -> tuple[Segment, ...]:
    same = Segment(kind="paragraph", text="Same paragraph.", line=1)
    items = [replace(same, line=line) for line in range(1, repeats + 1)]
    items.insert(repeats // 2, Segment(kind="heading level 2", text="Same paragraph.", line=0))
    items.append(Segment(kind="paragraph", text="Another.", line=repeats + 1))
    return tuple(items)


@pytest.mark.parametrize("repeats", [10, 1_000])
def test_repeated_texts_build_one_message_each_whatever_the_repeats(monkeypatch: pytest.MonkeyPatch, repeats: int) -> None:
    """Each text's message is built once, with every place: rebuilding it at each repeat copied
    the growing reference list each time (160,000 repeats took minutes)."""
    built: list[str] = []
    copied: list[Any] = []
    real_message = extract.Message

    def counting_message(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return real_message(*args, **kwargs)

    monkeypatch.setattr(extract, "Message", counting_message)
    monkeypatch.setattr(extract, "replace", lambda *args, **kwargs: copied.append(args) or replace(*args, **kwargs))
    catalog = extract.messages_to_catalog(_segments(repeats), "source/a.md")
    assert built == ["Same paragraph.", "Another."]  # as many constructions as texts, not as segments
    assert copied == []
    same, other = catalog.messages
    assert same.references == tuple(f"source/a.md:{line}" for line in [*range(1, repeats // 2 + 1), 0, *range(repeats // 2 + 1, repeats + 1)])
    assert same.extracted_comments == ("paragraph", "heading level 2")
    assert other.references == (f"source/a.md:{repeats + 1}",)


def test_an_article_of_repeated_paragraphs_extracts_every_place(project: Path) -> None:
    body = "".join("Same paragraph.\n\n" for _ in range(2_000))
    write(project / "source" / "many.md", f"---\ntitle: Many\n---\n\n{body}::: disclaimer\nDisclaimer: informational only.\n:::\n")
    (template, _) = extract.extract_templates(load_config(project))
    same = [m for m in template.catalog.messages if m.msgid == "Same paragraph."][0]
    assert len(same.references) == 2_000 and same.references[0] == "source/many.md:5" and same.references[-1] == "source/many.md:4003"


def test_the_templates_one_run_changes_share_one_creation_date(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The date is taken once per run, not once per template (templates are finished in worker
    processes when many changed: each would read its own clock, and a run could straddle a minute)."""
    from pipeline import parallel

    for name in ("a", "b", "c"):
        write(project / "source" / f"{name}.md", f"---\ntitle: {name}\n---\n\nText of {name}.\n\n::: disclaimer\nDisclaimer: informational only.\n:::\n")
    clock = iter(f"2026-12-02 0{n}:00+0000" for n in range(10))
    monkeypatch.setattr(extract, "now_stamp", lambda: next(clock))
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # a pool even for three templates
    texts = extract.extract_project(load_config(project)).texts
    dates = {line for text in texts.values() for line in text.splitlines() if line.startswith('"POT-Creation-Date')}
    assert dates == {'"POT-Creation-Date: 2026-12-02 00:00+0000\\n"'}
