"""visibility: each way of hiding the disclaimer is refused, each harmless lookalike accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import ConfigError, VerificationError
from pipeline.visibility import SiteStyles, check_visibility, parse_document

from .conftest import write

DISCLAIMER = "Disclaimer: This article is for information only."


def page(body: str = "", head: str = "", aside: str = 'class="disclaimer"', around: tuple[str, str] = ("", ""), doctype: str = "<!DOCTYPE html>") -> str:
    """A page shaped like the shipped article template, with pieces to change."""
    return (
        f'{doctype}\n<html lang="de" dir="ltr">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n'
        f'<link rel="stylesheet" href="../style.css">\n{head}</head>\n<body>\n<main>\n{around[0]}<article>\n'
        f"<h1>Title</h1>\n<p>Body text.</p>\n{body}"
        f'<aside {aside} data-required="disclaimer">\n<p>{DISCLAIMER}</p>\n</aside>\n</article>\n{around[1]}</main>\n</body>\n</html>\n'
    )


def why(html: str, css: str | None = None, allow_scripts: bool = False) -> str | None:
    document = parse_document(html)
    disclaimer = next(e for e in document.all if "data-required" in e.attrs)
    return check_visibility(document, disclaimer, "de/valium.html", SiteStyles(css, allow_scripts))


def test_the_plain_page_and_the_shipped_stylesheet_pass() -> None:
    shipped = (Path(__file__).resolve().parent.parent / "pipeline" / "templates" / "style.css").read_text(encoding="utf-8")
    assert why(page(), shipped) is None
    assert why(page()) is None


@pytest.mark.parametrize(
    ("aside", "around", "reason"),
    [
        ('class="disclaimer" hidden', ("", ""), "has the hidden attribute"),
        ('class="disclaimer" hidden="until-found"', ("", ""), "has the hidden attribute"),
        ('class="disclaimer" aria-hidden="true"', ("", ""), 'aria-hidden="true"'),
        ('class="disclaimer" aria-hidden=" TRUE "', ("", ""), 'aria-hidden="true"'),
        ('class="disclaimer" inert', ("", ""), "has the inert attribute"),
        ('class="disclaimer" popover', ("", ""), "has the popover attribute"),
        ('class="disclaimer"', ('<div class="x" hidden>\n', "</div>\n"), '<div class="x"> has the hidden attribute'),
        ('class="disclaimer"', ("<template>\n", "</template>\n"), "<template> is never shown"),
        ('class="disclaimer"', ("<details>\n", "</details>\n"), "<details> is closed"),
        ('class="disclaimer"', ("<dialog>\n", "</dialog>\n"), "<dialog> is closed"),
        ('class="disclaimer"', ("<svg>\n", "</svg>\n"), "<svg> is drawn as SVG"),
        ('class="disclaimer"', ("<select>\n", "</select>\n"), "<select> shows only its options"),
        ('class="disclaimer"', ("<video>\n", "</video>\n"), "<video> shows its content only"),
        ('class="disclaimer"', ("<marquee>\n", "</marquee>\n"), "<marquee> scrolls"),
    ],
)
def test_attributes_and_elements_that_hide_are_refused(aside: str, around: tuple[str, str], reason: str) -> None:
    found = why(page(aside=aside, around=around))
    assert found is not None and reason in found and found.startswith("the disclaimer is hidden")


@pytest.mark.parametrize(
    ("aside", "around"),
    [
        ('class="disclaimer" aria-hidden="false"', ("", "")),
        ('class="disclaimer hidden"', ("", "")),  # a class called "hidden", with no rule for it
        ('class="disclaimer" title="hidden"', ("", "")),
        ('class="disclaimer"', ("<details open>\n", "</details>\n")),
        ('class="disclaimer"', ("<dialog open>\n", "</dialog>\n")),
        ('class="disclaimer"', ("<section>\n", "</section>\n")),
    ],
)
def test_harmless_attribute_lookalikes_are_accepted(aside: str, around: tuple[str, str]) -> None:
    assert why(page(aside=aside, around=around)) is None


@pytest.mark.parametrize(
    ("css", "shown"),
    [
        ("aside.disclaimer { display: none }", "display:none"),
        ("aside { visibility: hidden }", "visibility:hidden"),
        ("aside p { visibility: collapse }", "visibility:collapse"),
        ("main { content-visibility: hidden }", "content-visibility:hidden"),
        ("aside { opacity: 0 }", "opacity:0"),
        ("aside { opacity: 10% }", "opacity:10%"),
        ("main { opacity: .7 } article { opacity: .6 }", "opacity:.6"),  # multiplied: 0.42
        ("aside p { color: transparent }", "color:transparent"),
        ("aside { color: rgba(0, 0, 0, 0.1) }", "color:rgba(0, 0, 0, 0.1)"),
        ("aside { color: #0000 }", "color:#0000"),
        ("aside { color: hsl(0 0% 0% / 0) }", "color:hsl(0 0% 0% / 0)"),
        ("aside { color: Canvas }", "color:Canvas"),
        ("aside { -webkit-text-fill-color: transparent }", "-webkit-text-fill-color:transparent"),
        ("aside { font-size: 0 }", "font-size:0"),
        ("aside { font-size: 6px }", "font-size:6px"),
        ("main { font-size: 50% } article { font-size: .5em } aside { font-size: 1.2em }", "font-size:1.2em"),
        ("html { font-size: 4px } aside { font-size: 1rem }", "font-size:1rem"),
        ("aside { font: 0/0 a }", "font:0/0 a"),
        ("aside { font: italic 5px serif }", "font:italic 5px serif"),
        ("aside { line-height: 0 }", "line-height:0"),
        ("aside { letter-spacing: -1em }", "letter-spacing:-1em"),
        ("aside { position: absolute; left: -9999px }", "left:-9999px"),
        ("aside { position: relative; top: 100vh }", "top:100vh"),
        ("aside { margin-left: -200% }", "margin-left:-200%"),
        ("aside { text-indent: -9999px }", "text-indent:-9999px"),
        ("aside { transform: translateX(-100vw) }", "transform:translateX(-100vw)"),
        ("aside { transform: scale(0) }", "transform:scale(0)"),
        ("aside { transform: scaleX(-1) }", "transform:scaleX(-1)"),
        ("aside { transform: rotate(180deg) }", "transform:rotate(180deg)"),
        ("aside { scale: 0.1 }", "scale:0.1"),
        ("aside { clip: rect(0 0 0 0) }", "clip:rect(0 0 0 0)"),
        ("aside { clip-path: inset(50%) }", "clip-path:inset(50%)"),
        ("aside { mask-image: linear-gradient(transparent, transparent) }", "mask-image:"),
        ("aside { filter: opacity(0) }", "filter:opacity(0)"),
        ("aside { filter: blur(20px) }", "filter:blur(20px)"),
        ("aside { mix-blend-mode: difference }", "mix-blend-mode:difference"),
        ("aside { position: fixed; bottom: 0 }", "position:fixed"),
        ("aside { position: relative; z-index: -1 }", "z-index:-1"),
        ("aside { content: url(blank.png) }", "content:url(blank.png)"),
        ("aside { -webkit-line-clamp: 1 }", "-webkit-line-clamp:1"),
        ("aside { unicode-bidi: bidi-override; direction: rtl }", "unicode-bidi:bidi-override"),
        ("aside { -webkit-text-security: disc }", "-webkit-text-security:disc"),
        ("aside { white-space: nowrap }", "white-space:nowrap"),
        ("aside { zoom: 0.1 }", "zoom:0.1"),
        ("aside { width: 1px }", "width:1px"),
        ("aside { width: min(1px, 100%) }", "width:min(1px, 100%)"),
        ("main { height: 100px; overflow: hidden }", "height:100px"),
        ("main { max-height: 0; overflow-y: clip }", "max-height:0"),
        ("main { height: 300px; contain: paint }", "height:300px"),
        ("body { overflow: hidden }", "overflow:hidden"),
        ("html { overflow-y: clip }", "overflow-y:clip"),
        ("@keyframes out { to { opacity: 0 } } aside { animation: out 1s forwards }", "animation:out 1s forwards"),
        ("aside { display: NONE }", "display:NONE"),
        ("aside { disp\\6c ay: none }", "display:none"),  # an escape in the property name
        ("aside { display: none !important } aside.disclaimer { display: block }", "display:none"),
        (":root { --off: none } aside { display: var(--off) }", "display:none"),
        (":root { --off: none } aside { display: var(--missing, var(--off)) }", "display:none"),
        ("@property --gone { syntax: '*'; inherits: true; initial-value: none } aside { display: var(--gone) }", "display:none"),
        ("main { & aside { display: none } }", "display:none"),  # nesting
        ("article { .disclaimer { display: none } }", "display:none"),
        ("aside { &.disclaimer { display: none } }", "display:none"),
        ("@media screen { aside { display: none } }", "display:none"),
        ("@media (max-width: 600px) { aside { display: none } }", "display:none"),
        ("@media not print { aside { display: none } }", "display:none"),
        ("@supports (display: grid) { aside { display: none } }", "display:none"),
        ("@layer base { aside { display: none } } aside { display: block }", "display:none"),
        ("aside:hover { opacity: 0 }", "opacity:0"),
        ("aside:not(:target) { display: none }", "display:none"),
        ("h1 ~ aside { display: none }", "display:none"),
        ("aside:nth-child(3) { display: none }", "display:none"),
        ("main:has(aside) aside { display: none }", "display:none"),
        ("[data-required] { display: none }", "display:none"),
        ("[data-required=DISCLAIMER i] { display: none }", "display:none"),
        ("[class^=disc] { display: none }", "display:none"),
        (":lang(de) aside { display: none }", "display:none"),
        ("html > body > main > article > aside { display: none }", "display:none"),
        (":is(.x, .disclaimer) { display: none }", "display:none"),
        ("aside p::first-line { color: transparent }", "color:transparent"),
        ("svg|aside { display: none }", "display:none"),  # a namespace: undecided
        ("aside { display: var(--a) var(--b) var(--c) var(--d) var(--e) var(--f) var(--g) } "
         ":root { --a: x; --a: y; --b: x; --b: y; --c: x; --c: y; --d: x; --d: y; --e: x; --e: y; --f: x; --f: y; --g: x; --g: y }",
         "display:var(--a)"),  # too many values to follow
    ],
)  # fmt: skip
def test_styles_that_hide_are_refused(css: str, shown: str) -> None:
    found = why(page(), css)
    assert found is not None and "hidden by style" in found, found
    assert f'"{shown}' in found
    assert "style.css:" in found


@pytest.mark.parametrize(
    "css",
    [
        "aside { display: block }",
        "aside { visibility: visible }",
        "aside { opacity: 0.9 }",
        "aside { color: #333; color: rgb(0 0 0 / 0.8) }",
        "aside { font-size: .95rem } article { font-size: .4em }",  # rem: not the article's
        "aside { font: 1rem/1.6 system-ui }",
        ".sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0) }",
        ".hidden { display: none }",  # the class exists, the disclaimer has not got it
        "aside:not(.disclaimer) { display: none }",
        "aside::before { display: none }",
        "aside::after { content: ''; opacity: 0 }",
        "@media print { .disclaimer { display: none } }",
        "@media speech { .disclaimer { display: none } }",
        "@media not screen { .disclaimer { display: none } }",
        "aside { display: none } aside.disclaimer { display: block }",  # overridden for sure
        "aside.disclaimer { display: none } main aside.disclaimer { display: block }",
        "article { visibility: hidden } aside, aside * { visibility: visible }",  # set back on the text
        "article { color: transparent } aside p { color: black }",
        ":root { --on: block } aside { display: var(--on) }",
        "aside { margin-inline: calc(50% - 50vw); padding: 1rem; margin-top: -1rem }",
        "aside { transform: translateY(-2px) rotate(1deg) scale(1.02) }",
        "aside { width: calc(100% - 2rem); max-width: 42rem }",
        "main { overflow: hidden }",  # no height: nothing is cut
        "body { overflow-x: hidden }",
        "pre { overflow-x: auto; max-height: 10px }",
        ":lang(fr) aside { display: none }",
        "[data-required=other] { display: none }",
        "#other { display: none }",
        "nav aside { display: none }",
        "body > aside { display: none }",
        "aside { position: sticky; top: 0; z-index: 1 }",
        "aside { filter: grayscale(1) drop-shadow(0 0 2px black) }",
        "/* aside { display: none } */ aside { border: 1px solid }",
    ],
)
def test_harmless_style_lookalikes_are_accepted(css: str) -> None:
    assert why(page(), css) is None


def test_styles_in_the_page_and_style_attributes_count_too() -> None:
    found = why(page(head="<style>\n.disclaimer { display: none }\n</style>\n"))
    assert found is not None and 'style "display:none"' in found and "line 8 of the page" in found
    assert why(page(head='<style media="print">.disclaimer { display: none }</style>\n')) is None
    found = why(page(aside='class="disclaimer" style="visibility: hidden"'))
    assert found is not None and "its style attribute" in found
    found = why(page(around=('<div style="font-size: 2px">\n', "</div>\n")))
    assert found is not None and "font-size:2px" in found and "<div>" in found
    assert why(page(aside='class="disclaimer" style="display: block"')) is None
    # A linked stylesheet for print only is not applied on screen.
    assert why(page().replace('href="../style.css"', 'href="../style.css" media="print"'), "aside { display: none }") is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("</body>", "<script>document.querySelector('aside').remove()</script>\n</body>"), "has a <script>"),
        (("<body>", '<body onload="hide()">'), "event handler onload="),
        (("<h1>Title</h1>", '<h1><a href="javascript:hide()">Title</a></h1>'), "javascript: URL"),
        (("<h1>Title</h1>", '<iframe src="helper.html"></iframe>'), "embeds a document"),
        (("<h1>Title</h1>", '<iframe srcdoc="&lt;script&gt;parent.x()&lt;/script&gt;" sandbox="allow-scripts allow-same-origin"></iframe>'), "embeds a document"),
    ],
)
def test_scripts_are_refused_unless_allowed(change: tuple[str, str], reason: str) -> None:
    html = page().replace(*change, 1)
    found = why(html)
    assert found is not None and reason in found and "allow_scripts = true" in found
    assert why(html, allow_scripts=True) is None


def test_a_sandboxed_iframe_in_its_own_origin_is_no_script() -> None:
    assert why(page(body='<iframe src="https://video.example/x" sandbox="allow-scripts"></iframe>\n')) is None


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (page(head='<meta http-equiv="refresh" content="0; url=elsewhere.html">\n'), "sends readers elsewhere"),
        (page(head='<base href="https://cdn.example/">\n'), "<base href>"),
        (page(head='<link rel="stylesheet" href="https://cdn.example/theme.css">\n'), "links a stylesheet that cannot be checked"),
        (page(head='<link rel="stylesheet" href="../other.css">\n'), "links a stylesheet that cannot be checked"),
        (page(head="<style>@import url(theme.css);</style>\n"), "@import"),
        (page(around=('<div><template shadowrootmode="open"></template>\n', "</div>\n")), "shadow root"),
        (page(doctype=""), "no <!DOCTYPE html>"),
        (page(around=("<div hidden/>\n", "")), "misnested"),  # browsers leave <div/> open
        (page(around=("<b class='x'><div>\n", "</b></div>\n")), "misnested"),
        (page(around=("<div hidden><table><tr><td>\n", "</div>\n")), "misnested"),
        (page(head="<!--><div hidden>-->\n"), 'comment opened as "<!-->"'),
        (page(body="<!-- a --!> -->\n"), "--!>"),
        (page(body="<![CDATA[ x ]]>\n"), "marked section"),
        (page(body="<textarea/>\n"), "<textarea/>"),
        (page(body="<style>p{}</style x>\n</style>\n"), "what browsers read as its end tag"),
        (page().replace("<body>", "<body>\n<body hidden>"), "a second <body>"),
    ],
)
def test_pages_browsers_read_differently_or_that_act_elsewhere_are_refused(html: str, reason: str) -> None:
    found = why(html)
    assert found is not None and reason in found, found


def test_a_disclaimer_in_raw_text_is_reported_as_such(tmp_path: Path) -> None:
    from pipeline.verify import ExpectedDisclaimer, verify_html

    html = page(around=("<noscript>\n", "</noscript>\n"))
    assert verify_html(html, ExpectedDisclaimer(DISCLAIMER, True, "en"), True) == (
        "the disclaimer is inside <noscript>, whose content browsers show as text or not at all"
    )


def hostile_templates(project: Path, css: str = "", article_edit: tuple[str, str] | None = None) -> None:
    import shutil

    folder = project / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "pipeline" / "templates", folder)
    with (folder / "style.css").open("a", encoding="utf-8") as handle:
        handle.write(css)
    if article_edit:
        article = folder / "article.html.j2"
        article.write_text(article.read_text(encoding="utf-8").replace(*article_edit), encoding="utf-8")
    write(project / "pyproject.toml", '[tool.translatio]\ntemplates_dir = "templates"\n')


def test_the_build_refuses_a_hiding_template_and_publishes_nothing(valium_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_site(load_config(valium_project))
    before = sorted(p.relative_to(valium_project).as_posix() for p in (valium_project / "build").rglob("*"))
    hostile_templates(valium_project, ".disclaimer { display: none }\n")
    with pytest.raises(VerificationError) as info:
        build_site(load_config(valium_project))
    message = str(info.value)
    assert message.startswith(str(valium_project / "build" / "en" / "valium.html") + ": the disclaimer is hidden by style")
    assert message.endswith("nothing was published")
    assert sorted(p.relative_to(valium_project).as_posix() for p in (valium_project / "build").rglob("*")) == before
    assert main(["-C", str(valium_project), "build"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'hidden by style "display:none" on <aside id="disclaimer" class="disclaimer"> (style.css:' in err[0]


def test_allow_scripts_lets_a_template_with_a_script_publish(valium_project: Path) -> None:
    hostile_templates(valium_project, article_edit=("</article>", "</article>\n<script>console.log(1)</script>"))
    with pytest.raises(VerificationError, match=r"has a <script> \(line \d+\)"):
        build_site(load_config(valium_project))
    write(valium_project / "pyproject.toml", '[tool.translatio]\ntemplates_dir = "templates"\nallow_scripts = true\n')
    build_site(load_config(valium_project))
    assert "<script>" in (valium_project / "build" / "en" / "valium.html").read_text(encoding="utf-8")


def test_allow_scripts_must_be_true_or_false(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.translatio]\nallow_scripts = "yes"\n')
    with pytest.raises(ConfigError, match=r"tool\.translatio\.allow_scripts: expected true or false"):
        load_config(tmp_path)
    assert load_config(tmp_path.parent).allow_scripts is False


def test_a_path_found_visible_once_is_not_worked_out_again_but_any_change_that_matters_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The verdict on a text path is remembered (every page of a site has the same path); the
    key holds everything the verdict depends on, so each of these lookalikes is judged anew."""
    from pipeline.visibility import check as visibility_check

    css = ".disclaimer { color: #222 } .quiet { opacity: 0.2 } :root { --shade: 1 } .faded { opacity: var(--shade) }"
    assert why(page(), css) is None

    class Refuse(visibility_check._Cascade):
        def __init__(self, *args: object) -> None:
            raise AssertionError("worked out again")

    monkeypatch.setattr(visibility_check, "_Cascade", Refuse)
    assert why(page(), css) is None  # the same path under the same styles: remembered
    assert why(page(body="<p>Another body paragraph.</p>\n"), css) is None  # off the path: the same verdict
    monkeypatch.undo()
    assert why(page(aside='class="disclaimer faded"'), css) is None  # --shade is 1 until a page sets it lower

    lookalikes = [
        (page(aside='class="disclaimer quiet"'), css),  # an attribute on the path
        (page(around=('<div class="quiet">\n', "</div>\n")), css),  # an ancestor more
        (page(), css + " main { display: none }"),  # the stylesheet
        (page(head="<style>.disclaimer { visibility: hidden }</style>\n"), css),  # a <style> on the page
        (page(aside='class="disclaimer faded"', body='<p style="--shade: 0.1">x</p>\n'), css),  # a custom property set off the path
        (page(aside='class="disclaimer" style="font-size: 2px"'), css),  # the disclaimer's own style attribute
    ]
    for html, sheet in lookalikes:
        assert why(html, sheet) is not None, html
