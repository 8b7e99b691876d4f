"""build: pages in every locale, the disclaimer guarantee, hostile translations, bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.catalogs import read_po
from pipeline.config import load_config
from pipeline.locales import locale_info
from pipeline.errors import CatalogError, OutputError, TemplateError, VerificationError
from pipeline.update import init_locale, po_path

from .confine import read_only_prefix
from .conftest import translate_entries, write
from .test_update import snapshot

DISCLAIMER_DE = (
    "Haftungsausschluss: Dieser Artikel dient ausschließlich der Information. Er ersetzt keine "
    "professionelle medizinische Beratung, Diagnose oder Behandlung. Wenden Sie sich bei Fragen zu "
    "einer Erkrankung stets an Ihren Arzt oder an andere qualifizierte Gesundheitsdienstleister."
)


def set_translations(path: Path, mapping: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    translate_entries(path, mapping, fuzzy, prefix=True)


@pytest.fixture
def de_project(valium_project: Path) -> Path:
    init_locale(load_config(valium_project), "de")
    return valium_project


def test_build_writes_every_locale_and_manifest(de_project: Path) -> None:
    config = load_config(de_project)
    set_translations(po_path(config, "de", "valium"), {"Disclaimer:": DISCLAIMER_DE, "What is Valium": "Was ist Valium (Diazepam)?"})
    result = build_site(config)
    out = de_project / "build"
    for relative in ("index.html", "style.css", "translatio-build.json", "en/valium.html", "en/valium.txt", "de/valium.html", "de/valium.txt", "de/index.html", "en/index.html"):
        assert (out / relative).is_file(), relative
    text = (out / "translatio-build.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    rows = {row["path"]: row for row in manifest["outputs"]}
    lines = text.splitlines()  # one line per file and per page: a review or a diff reads page by page
    for name, count in (("outputs", len(manifest["outputs"])), ("pages", len(manifest["pages"]))):
        start = lines.index(f'  "{name}": [')
        assert [json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 1 + count]] == manifest[name]
    assert rows["de/valium.html"]["disclaimer"] == "translated"
    assert 0 < rows["de/valium.html"]["translated"] < 1
    assert rows["en/valium.html"]["disclaimer"] == "source"
    import hashlib

    assert rows["de/valium.txt"]["sha256"] == hashlib.sha256((out / "de/valium.txt").read_bytes()).hexdigest()
    assert result.folder == out
    html = (out / "de/valium.html").read_text(encoding="utf-8")
    assert '<html lang="de" dir="ltr">' in html
    assert '<h2 id="what-is-valium-diazepam">Was ist Valium (Diazepam)?</h2>' in html  # the English heading's anchor
    assert 'hreflang="en" href="../en/valium.html"' in html
    assert '<p lang="en" dir="ltr">A solution to anxiety' in html  # untranslated: English, marked
    assert DISCLAIMER_DE in html
    root = (out / "index.html").read_text(encoding="utf-8")
    assert ">Deutsch</a>" in root and ">English</a>" in root


def test_the_byline_separator_comes_from_the_ui_catalogue(de_project: Path) -> None:
    """A script with its own separator (Japanese 「・」) sets it in the ui catalogue (msgctxt
    "byline"), for the HTML page and the text page alike; untranslated, it stays " · "."""
    config = load_config(de_project)
    build_site(config)
    assert "</time> · " in (de_project / "build" / "de" / "valium.html").read_text(encoding="utf-8")
    (separator,) = [m for m in read_po(po_path(config, "de", "ui")).active if m.msgctxt == "byline"]
    assert separator.msgid == " · "
    translate_entries(po_path(config, "de", "ui"), {" · ": "・", "Published on %(date)s": "Am %(date)s"})
    build_site(config)
    html = (de_project / "build" / "de" / "valium.html").read_text(encoding="utf-8")
    text = (de_project / "build" / "de" / "valium.txt").read_text(encoding="utf-8")
    assert re.search(r"<p class=\"byline\"><time datetime=\"[0-9-]+\">Am [^<]+</time>・3 minutes read</p>", html)
    assert re.search(r"^Am .+・3 minutes read$", text, re.M)


def test_build_twice_is_byte_identical(de_project: Path) -> None:
    config = load_config(de_project)
    build_site(config)
    first = snapshot(de_project / "build")
    build_site(config)
    assert snapshot(de_project / "build") == first


def test_fuzzy_disclaimer_is_never_published(de_project: Path) -> None:
    config = load_config(de_project)
    set_translations(po_path(config, "de", "valium"), {"Disclaimer:": DISCLAIMER_DE}, fuzzy=("Disclaimer:",))
    build_site(config)
    html = (de_project / "build/de/valium.html").read_text(encoding="utf-8")
    assert DISCLAIMER_DE not in html
    assert 'data-required="disclaimer" aria-label="Medical disclaimer" lang="en" dir="ltr"' in html
    assert "Always seek the advice of your physician" in (de_project / "build/de/valium.txt").read_text(encoding="utf-8")


def test_disclaimer_missing_a_sentence_falls_back_to_english(de_project: Path) -> None:
    config = load_config(de_project)
    two_sentences = DISCLAIMER_DE.rsplit(" Wenden Sie", 1)[0]
    set_translations(po_path(config, "de", "valium"), {"Disclaimer:": two_sentences})
    build_site(config)
    manifest = json.loads((de_project / "build/translatio-build.json").read_text(encoding="utf-8"))
    assert {r["disclaimer"] for r in manifest["outputs"] if r["path"].startswith("de/valium")} == {"fallback"}
    assert two_sentences not in (de_project / "build/de/valium.html").read_text(encoding="utf-8")


def custom_templates(project: Path, edit: tuple[str, str]) -> None:
    folder = project / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "pipeline" / "templates", folder)
    article = folder / "article.html.j2"
    text = article.read_text(encoding="utf-8")
    assert edit[0] in text
    article.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    write(project / "pyproject.toml", '[tool.translatio]\ntemplates_dir = "templates"\n')


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (("{{ article.disclaimer_html }}", ""), "the disclaimer is empty"),
        (("{{ article.disclaimer_html }}", "{{ article.disclaimer[0].content.used[:80] }}"), "cut short"),
        (('<aside class="disclaimer" data-required="disclaimer"', '<aside class="disclaimer"'), "the disclaimer is missing"),
        (("</aside>\n{% endif %}\n</article>", "</aside>\n{% endif %}\n<p>Footer inside the article.</p>\n</article>"), "not the last block"),
        (('<p class="see-disclaimer" data-notice="disclaimer"', '<p class="see-disclaimer"'), "the notice pointing to the disclaimer is missing"),
        (('<a href="#disclaimer">', '<a href="#top">'), "the notice does not link to the disclaimer's id"),
        ((' id="disclaimer"', ""), "the notice does not link to the disclaimer's id"),
        (("read the disclaimer at its end.", "see below."), "the notice pointing to the disclaimer differs from the expected text"),
        (('{% if notice_lang %} lang="{{ notice_lang }}" dir="{{ notice_dir }}"{% endif %}', ""), 'the English notice pointing to the disclaimer is not marked lang="en"'),
        (('<p class="byline">', '<p>1</p><p>2</p><p>3</p>\n<p class="byline">'), "the notice pointing to the disclaimer is not at the top"),
    ],
)
def test_a_template_that_breaks_the_disclaimer_publishes_nothing(de_project: Path, edit: tuple[str, str], reason: str) -> None:
    config = load_config(de_project)
    build_site(config)  # a good build first
    before = snapshot(de_project / "build")
    custom_templates(de_project, edit)
    with pytest.raises(VerificationError) as info:
        build_site(load_config(de_project))
    assert reason in str(info.value)
    assert "valium.html" in str(info.value) and "nothing was published" in str(info.value)
    assert snapshot(de_project / "build") == before
    assert not [p for p in de_project.iterdir() if p.name.startswith(".build-")]


def test_a_renderer_that_would_publish_a_fuzzy_translation_is_caught(de_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verifier decides from the catalogue itself, not from what the renderer believed."""
    from pipeline import render
    from pipeline.policy import Verdict

    config = load_config(de_project)
    set_translations(po_path(config, "de", "valium"), {"Disclaimer:": DISCLAIMER_DE}, fuzzy=("Disclaimer:",))
    # A renderer whose copy of the rule publishes anything that has a translation:
    monkeypatch.setattr(render, "verdict", lambda source, message, *args, **kwargs: Verdict("translated" if message and any(message.msgstr) else "fallback"))
    with pytest.raises(VerificationError, match="differs from the English text"):
        build_site(config)


def test_hostile_translation_is_text_and_links_come_from_the_source(de_project: Path) -> None:
    config = load_config(de_project)
    set_translations(
        po_path(config, "de", "valium"),
        {
            "Valium, known by": "Mehr bei [WebMD](https://evil.example/) <script>alert(1)</script> <img src=x onerror=alert(1)> [klick](javascript:alert(1)).",
            "What is Valium": "<b onmouseover=alert(1)>Was</b> ![pixel](https://evil.example/p.png)",
        },
    )
    build_site(config)
    html = (de_project / "build/de/valium.html").read_text(encoding="utf-8")
    assert '<a href="https://www.webmd.com/">WebMD</a>' in html
    assert "evil.example" not in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html
    assert "&lt;b onmouseover=alert(1)&gt;Was&lt;/b&gt; pixel" in html


def test_text_page_wraps_at_72_columns_and_numbers_links(de_project: Path) -> None:
    config = load_config(de_project)
    set_translations(po_path(config, "de", "valium"), {"Disclaimer:": DISCLAIMER_DE})
    build_site(config)
    text = (de_project / "build/en/valium.txt").read_text(encoding="utf-8")
    from pipeline.catalogs.wrapping import text_width

    assert max(text_width(line) for line in text.splitlines()) <= 72
    assert "WebMD [1]" in text and "Mayo Clinic [2]" in text
    assert text.rstrip().endswith("Links:\n[1] https://www.webmd.com/\n[2] https://www.mayoclinic.org/")


def test_broken_template_is_path_line_and_exit_2(de_project: Path) -> None:
    build_site(load_config(de_project))
    before = snapshot(de_project / "build")
    custom_templates(de_project, ("{% block main %}", "{% block main %}{% if %}"))
    with pytest.raises(TemplateError) as info:
        build_site(load_config(de_project))
    assert str(info.value).startswith(str(de_project / "templates" / "article.html.j2") + ":")
    assert info.value.exit_code == 2
    assert snapshot(de_project / "build") == before


def test_catalogue_that_does_not_parse_leaves_build_alone(de_project: Path) -> None:
    config = load_config(de_project)
    build_site(config)
    before = snapshot(de_project / "build")
    po_path(config, "de", "valium").write_text('msgid "x\n', encoding="utf-8")
    with pytest.raises(CatalogError):
        build_site(config)
    assert snapshot(de_project / "build") == before


@pytest.mark.system
def test_unwritable_output_folder(de_project: Path, tmp_path: Path) -> None:
    """A build folder where nothing can be written (a read-only mount: root too) is one line,
    exit 2, and nothing is written."""
    locked = tmp_path / "locked"
    locked.mkdir()
    prefix = read_only_prefix(locked)
    if prefix is None:
        pytest.skip("this machine cannot make a read-only mount (unshare is not installed or not permitted)")
    done = subprocess.run([*prefix, sys.executable, "-m", "pipeline", "-C", str(de_project), "build", "-o", str(locked / "site")], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert str(locked) in done.stderr and "read-only" in done.stderr.lower()
    assert list(locked.iterdir()) == []


def test_output_path_that_is_a_file(de_project: Path) -> None:
    target = de_project / "site"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        build_site(load_config(de_project), out_dir=target)
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_seed_text_article_builds(seed_project: Path) -> None:
    config = load_config(seed_project)
    init_locale(config, "de")
    build_site(config)
    text = (seed_project / "build/de/valium-article.txt").read_text(encoding="utf-8")
    assert "Disclaimer: This article is intended for informational purposes only." in " ".join(text.split())
    html = (seed_project / "build/en/valium-article.html").read_text(encoding="utf-8")
    assert "<h2>What is Valium (Diazepam)?</h2>" in html and "Let’s delve" in html


def test_missing_template_is_an_error_naming_it(de_project: Path) -> None:
    custom_templates(de_project, ("{% block main %}", "{% block main %}"))
    (de_project / "templates" / "index.html.j2").unlink()
    with pytest.raises(TemplateError) as info:
        build_site(load_config(de_project))
    assert str(info.value) == f"{de_project / 'templates' / 'index.html.j2'}: template not found"
    assert not (de_project / "build").exists()


def test_output_folder_that_cannot_be_created(de_project: Path) -> None:
    blocker = de_project / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the build folder"):
        build_site(load_config(de_project), out_dir=blocker / "site")
    assert blocker.read_text(encoding="utf-8") == "a file where a folder should be"


def test_parallel_build_is_identical_and_reports_errors_from_workers(de_project: Path) -> None:
    config = load_config(de_project)
    build_site(config, workers=1)
    serial = snapshot(de_project / "build")
    build_site(config, workers=2)
    assert snapshot(de_project / "build") == serial
    custom_templates(de_project, ("{{ article.body_html }}", "{{ article.no_such_field }}"))
    with pytest.raises(TemplateError) as info:
        build_site(load_config(de_project), workers=2)
    assert str(info.value).startswith(f"{de_project / 'templates'}/")  # the template and line where it failed
    assert re.match(r".*\.html\.j2:\d+: template error: .*no_such_field", str(info.value))
    assert snapshot(de_project / "build") == serial


def test_every_page_the_build_writes_beside_the_articles_has_a_reserved_slug(de_project: Path) -> None:
    """An article whose slug names such a page would be overwritten by it: sources refuse them."""
    from pipeline.sources import RESERVED_SLUGS

    build_site(load_config(de_project))
    for locale in ("en", "de"):
        own = {p.name.split(".")[0] for p in (de_project / "build" / locale).iterdir()} - {"valium"}
        assert own and own <= set(RESERVED_SLUGS), own
    (de_project / "source" / "valium.md").write_text(
        (de_project / "source" / "valium.md").read_text(encoding="utf-8").replace("slug: valium", "slug: index"), encoding="utf-8"
    )
    from pipeline.errors import SourceError

    with pytest.raises(SourceError, match=r"valium\.md:\d+: slug 'index' is reserved"):
        build_site(load_config(de_project))


def test_a_text_page_without_the_notice_publishes_nothing(de_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notice on the text page is checked against the ``ui`` catalogue, not the renderer."""
    from pipeline import textpage

    monkeypatch.setattr(textpage, "DISCLAIMER_NOTICE", "Read on.")
    with pytest.raises(VerificationError, match="valium.txt: the notice pointing to the disclaimer is missing from the top"):
        build_site(load_config(de_project))


def test_the_notice_links_to_the_disclaimer_and_is_marked_english_when_untranslated(de_project: Path) -> None:
    build_site(load_config(de_project))
    html = (de_project / "build/de/valium.html").read_text(encoding="utf-8")
    notice = re.search(r'<p class="see-disclaimer" data-notice="disclaimer"([^>]*)><a href="#disclaimer">([^<]*)</a></p>', html)
    assert notice is not None
    assert notice.group(1) == ' lang="en" dir="ltr"' and notice.group(2) == "Before relying on this article, read the disclaimer at its end."
    assert html.index("data-notice") < html.index("<h2") < html.index('id="disclaimer"')
    english = (de_project / "build/en/valium.html").read_text(encoding="utf-8")
    assert '<p class="see-disclaimer" data-notice="disclaimer"><a href="#disclaimer">' in english


def test_a_heading_named_disclaimer_does_not_take_the_disclaimer_s_id(de_project: Path) -> None:
    source = de_project / "source" / "valium.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## What is Valium", "## Disclaimer\n\nText.\n\n## What is Valium"), encoding="utf-8")
    build_site(load_config(de_project))
    html = (de_project / "build/en/valium.html").read_text(encoding="utf-8")
    assert '<h2 id="disclaimer-1">Disclaimer</h2>' in html and html.count('id="disclaimer"') == 1


def test_every_locale_has_its_own_home_and_the_root_offers_each_language_in_its_own_name(shipped_project: Path) -> None:
    config = load_config(shipped_project)
    build_site(config)
    build = shipped_project / "build"
    codes = [config.source_locale, *config.target_locales()]
    for code in codes:
        for page in ("valium.html", "index.html"):
            html = (build / code / page).read_text(encoding="utf-8")
            assert '<a class="home" href="index.html">' in html, (code, page)
        home = (build / code / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{code}"' in home and '<li><a href="valium.html">' in home
    root = (build / "index.html").read_text(encoding="utf-8")
    assert "<script" not in root
    for code in codes:
        info = locale_info(code)
        assert f'<a href="{code}/index.html" hreflang="{info.tag}" lang="{info.tag}" dir="{info.direction}">{info.native_name}</a>' in root
    assert "العربية" in root and "日本語" in root and "Русский" in root
