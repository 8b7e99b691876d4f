from __future__ import annotations

from pathlib import Path

from pipeline.segments import REQUIRED_KIND, extract_segments, required_texts
from pipeline.sources import read_article

from .conftest import write


def test_segment_kinds_lines_and_required(tmp_path: Path) -> None:
    article = read_article(
        write(
            tmp_path / "a.md",
            """
            ---
            title: Title
            description: About it.
            ---

            ## Section

            Intro *text*.

            1. First step
            2. Second step

            > A quote.

            | Name | Dose |
            |------|------|
            | Valium | 5 mg |

                indented code is not translated

            ::: disclaimer
            Disclaimer: one.

            Second paragraph.
            :::
            """,
        )
    )
    segments = extract_segments(article)
    assert [(s.kind, s.text, s.line) for s in segments] == [
        ("title", "Title", 2),
        ("description", "About it.", 3),
        ("heading level 2", "Section", 6),
        ("paragraph", "Intro *text*.", 8),
        ("list item", "First step", 10),
        ("list item", "Second step", 11),
        ("quote", "A quote.", 13),
        ("table header cell", "Name", 15),
        ("table header cell", "Dose", 15),
        ("table cell", "Valium", 17),
        ("table cell", "5 mg", 17),
        (REQUIRED_KIND, "Disclaimer: one.", 22),
        (REQUIRED_KIND, "Second paragraph.", 24),
    ]
    assert [s.required for s in segments].count(True) == 2
    assert required_texts(article) == {"Disclaimer: one.", "Second paragraph."}


def test_quote_inside_list_is_a_list_item_quote_stays_quote(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "b.md", "# T\n\n> - quoted item\n"))
    assert [s.kind for s in extract_segments(article)] == ["title", "list item"]
