from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import SourceError
from pipeline.sources import BlockKind, normalize_text, read_article

from .conftest import REPO, SEED, write


def kinds(article):
    return [(b.kind, b.level) for b in article.walk()]


def test_markdown_article_front_matter_and_blocks(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.md",
        """
        ---
        title: "A *title*"
        slug: my-article
        date: 2026-01-31
        description: Short   text.
        ---

        # Heading one

        Para one
        line two with [a link](https://example.org/x "t").

        - item a
        - item b

        > quoted

        | h1 | h2 |
        |---|:--:|
        | c1 | c2 |

        ```py
        code = 1
        ```

        ::: disclaimer
        Disclaimer: be careful.
        :::
        """,
    )
    article = read_article(path)
    assert article.slug == "my-article"
    assert article.title == "A *title*"
    assert article.title_line == 2
    assert article.date == dt.date(2026, 1, 31)
    assert article.description == "Short text."
    para = [b for b in article.walk() if b.kind is BlockKind.PARAGRAPH][0]
    assert para.text == 'Para one line two with [a link](https://example.org/x "t").'
    assert para.line == 10
    cells = [b for b in article.walk() if b.kind is BlockKind.TABLE_CELL]
    assert [(c.text, c.level, c.info) for c in cells] == [("h1", 1, ""), ("h2", 1, "center"), ("c1", 0, ""), ("c2", 0, "center")]
    assert cells[2].line == 20
    code = [b for b in article.walk() if b.kind is BlockKind.CODE][0]
    assert code.text == "code = 1\n" and code.info == "py"
    (disclaimer,) = article.required_blocks
    assert disclaimer.children[0].text == "Disclaimer: be careful."


def test_title_from_level_one_heading_without_front_matter(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "plain-md.md", "# The title\n\nBody.\n"))
    assert (article.title, article.title_line, article.slug) == ("The title", 1, "plain-md")
    assert [b.kind for b in article.blocks] == [BlockKind.PARAGRAPH]


def test_shipped_article_keeps_the_seed_wording() -> None:
    article = read_article(REPO / "source" / "valium.md")
    seed_text = SEED.read_text(encoding="utf-8") if SEED.exists() else None
    texts = [b.text for b in article.walk() if b.text]
    assert "Let’s delve into the details." in texts[0]  # curly apostrophe kept
    assert any("[WebMD](https://www.webmd.com/)" in t for t in texts)
    assert any("[Mayo Clinic](https://www.mayoclinic.org/)" in t for t in texts)
    if seed_text is not None:
        # Every seed paragraph is in the article, word for word (links aside).
        for block in seed_text.split("\n\n"):
            block = block.strip()
            if block:
                assert any(block in t.replace("[WebMD](https://www.webmd.com/)", "WebMD").replace(
                    "[Mayo Clinic](https://www.mayoclinic.org/)", "Mayo Clinic") for t in texts), block


def test_seed_text_article_blocks() -> None:
    if not SEED.exists():
        pytest.skip("seed not available")
    article = read_article(SEED)
    assert article.markup == "text"
    headings = [b.text for b in article.walk() if b.kind is BlockKind.HEADING]
    assert headings[0] == "What is Valium (Diazepam)?"
    assert "Conclusion: Valium as a Valuable Treatment Option" in headings
    assert "Risks and Precautions" in headings
    (disclaimer,) = article.required_blocks
    assert disclaimer.children[0].text.startswith("Disclaimer: This article")
    assert disclaimer.children[0].text.endswith("regarding a medical condition.")  # no final newline: nothing lost


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a  b\n c\t d", "a b c d"),
        ("  lead and trail  ", "lead and trail"),
        ("hard  \nbreak", "hard\\\nbreak"),
        ("back\\\nslash", "back\\\nslash"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"---\ntitle: [unclosed\n---\n\nText\n", 2, "front matter is not valid YAML"),
        (b"---\ntitle: ok\nslug: ../evil\n---\n\nText\n", 3, "slug '../evil'"),
        (b"---\ntitle: ok\ndate: someday\n---\n\nText\n", 3, "not an ISO date"),
        (b"---\ntitle: ok\n---\n\nfine\n\ncaf\xe9 latin-1\n", 7, "not valid UTF-8"),
        (b"no title here\n", 1, "no title"),
    ],
)
def test_bad_sources_name_file_and_line(tmp_path: Path, content: bytes, line: int, message: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_raw_html_in_source_is_the_authors_markup_with_its_prose_as_segments(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "h.md", "# T\n\n<script>alert(1)</script>\n\n<details>\n<summary>More <b>info</b></summary>\n"))
    script, details = article.blocks
    assert script.kind is BlockKind.HTML and [c.kind for c in script.children] == [BlockKind.HTML_MARKUP]  # nothing to translate
    assert [(c.kind, c.text) for c in details.children] == [
        (BlockKind.HTML_MARKUP, "<details>\n<summary>"), (BlockKind.HTML_TEXT, "More <b>info</b>"), (BlockKind.HTML_MARKUP, "</summary>\n"),
    ]  # fmt: skip
    assert article.raw_html


@pytest.mark.parametrize(
    ("name", "content", "line", "fix"),
    [
        ("a.md", "---\ntitle: A\ndate: 2026-01-01\nslug: index\n---\n\nText\n", 4, "choose another slug"),
        ("index.md", "---\ntitle: A\n---\n\nText\n", 1, "rename the file or set 'slug:' in the front matter"),
        ("Index.txt", "Title\n\nText.\n", 1, "rename the file"),
        ("ui.md", "# A\n\nText\n", 1, "rename the file or set 'slug:' in the front matter"),
    ],
)
def test_a_slug_the_build_uses_itself_is_refused_where_it_is_read(tmp_path: Path, name: str, content: str, line: int, fix: str) -> None:
    """``index`` would be overwritten by each language's index page and fail every build."""
    path = write(tmp_path / name, content)
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}:{line}: slug '")
    assert "is reserved" in str(info.value) and str(info.value).endswith(fix)


# --- symbolic links ----------------------------------------------------------------------------

SECRET = "# Secret\n\nThe machine's private notes.\n\n::: disclaimer\nDisclaimer: none.\n:::\n"


@pytest.mark.parametrize("command", [["extract"], ["update"], ["build"]])
def test_an_article_linked_out_of_the_project_is_refused(
    valium_project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    outside = write(tmp_path_factory.mktemp("elsewhere") / "secret.md", SECRET)
    link = valium_project / "source" / "secret.md"
    link.symlink_to(outside)
    assert main(["-C", str(valium_project), *command]) == 2
    assert capsys.readouterr().err == f"{link}: a symbolic link out of the project (to {outside}); copy the file into the project instead\n"
    assert not (valium_project / "build").exists() and not (valium_project / "locale" / "secret.pot").exists()


def test_a_source_folder_linked_out_of_the_project_is_refused(project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    write(elsewhere / "secret.md", SECRET)
    (project / "source").rmdir()
    (project / "source").symlink_to(elsewhere)
    assert main(["-C", str(project), "extract"]) == 2
    assert capsys.readouterr().err == f"{project / 'source'}: a symbolic link out of the project (to {elsewhere}); copy the file into the project instead\n"


def test_links_inside_the_project_are_followed(valium_project: Path) -> None:
    drafts = write(valium_project / "drafts" / "second.md", SECRET.replace("Secret", "Second"))
    (valium_project / "source" / "second.md").symlink_to(Path("..") / "drafts" / "second.md")
    assert main(["-C", str(valium_project), "extract"]) == 0
    assert drafts.read_text(encoding="utf-8") == SECRET.replace("Secret", "Second")
    templates = sorted(p.name for p in (valium_project / "locale").glob("*.pot"))
    assert templates == ["second.pot", "ui.pot", "valium.pot"]


def test_a_source_folder_configured_outside_the_project_is_its_own_boundary(project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path_factory.mktemp("shared-content")
    write(shared / "first.md", SECRET.replace("Secret", "First"))
    write(project / "pyproject.toml", f'[tool.translatio]\nsource_dir = "{shared}"\n')
    assert main(["-C", str(project), "extract"]) == 0  # configured, not slipped in by a link
    further = write(tmp_path_factory.mktemp("further") / "x.md", SECRET)
    (shared / "x.md").symlink_to(further)
    assert main(["-C", str(project), "extract"]) == 2
    assert capsys.readouterr().err.endswith(f"{shared / 'x.md'}: a symbolic link out of the project (to {further}); copy the file into the project instead\n")
