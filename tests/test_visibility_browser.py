"""The disclaimer as Chromium lays it out: visible on every shipped page, hidden where we refuse.

The built site is served on 127.0.0.1 and a harness page (same origin) loads each article in an
iframe of a desktop and of a phone width, scrolls the disclaimer into view and writes what the
browser computed into its own DOM, which ``chromium --dump-dom`` prints: computed display,
visibility and opacity up the tree, ``checkVisibility()``, the box, how much of it is left
after clipping by its ancestors and the viewport, what ``elementFromPoint`` finds over its
text, the smallest font size and the faintest text colour. No package beyond Chromium.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from pipeline.build import build_site
from pipeline.catalogs import read_po
from pipeline.config import load_config
from pipeline.errors import VerificationError
from pipeline.extract import read_articles
from pipeline.update import po_path
from pipeline.verify import expected_disclaimer, verify_html
from pipeline.visibility import SiteStyles

from .conftest import write
from .test_browser import CHROMIUM, FLAGS

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
SIZES = [(1280, 800), (360, 740)]

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="out">pending</pre>
<iframe id="frame"></iframe>
<script>
const tasks = TASKS;
const results = [];
const frame = document.getElementById("frame");
function alpha(colour) {
  const m = /rgba?\\(([^)]*)\\)/.exec(colour);
  if (!m) return 1;
  const parts = m[1].split(/[\\s,\\/]+/).filter(Boolean);
  return parts.length > 3 ? parseFloat(parts[3]) : 1;
}
function measure(doc, win) {
  const el = doc.querySelector("[data-required]");
  if (!el) return {missing: true};
  el.scrollIntoView({block: "center", inline: "center"});
  const out = {chain: []};
  out.checkVisibility = el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true});
  let opacity = 1;
  for (let node = el; node; node = node.parentElement) {
    const cs = win.getComputedStyle(node);
    out.chain.push([node.tagName.toLowerCase(), cs.display, cs.visibility]);
    opacity *= parseFloat(cs.opacity);
  }
  out.opacity = opacity;
  const r = el.getBoundingClientRect();
  out.width = r.width; out.height = r.height;
  const page = doc.documentElement;
  out.inPage = r.left + win.scrollX >= -1 && r.top + win.scrollY >= -1 &&
    r.right + win.scrollX <= page.scrollWidth + 1 && r.bottom + win.scrollY <= page.scrollHeight + 1;
  let box = {l: Math.max(r.left, 0), t: Math.max(r.top, 0), r: Math.min(r.right, win.innerWidth), b: Math.min(r.bottom, win.innerHeight)};
  for (let node = el.parentElement; node && node !== doc.body && node !== page; node = node.parentElement) {
    const cs = win.getComputedStyle(node);
    if (cs.overflowX !== "visible" || cs.overflowY !== "visible" || cs.clipPath !== "none" || cs.clip !== "auto") {
      const a = node.getBoundingClientRect();
      box = {l: Math.max(box.l, a.left), t: Math.max(box.t, a.top), r: Math.min(box.r, a.right), b: Math.min(box.b, a.bottom)};
    }
  }
  const shown = Math.max(0, box.r - box.l) * Math.max(0, box.b - box.t);
  out.shownShare = r.width * r.height > 0 ? shown / (r.width * r.height) : 0;
  let minFont = 1e9, minAlpha = 1, boxes = 0, hits = 0, invisible = 0;
  const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.data.trim()) continue;
    const cs = win.getComputedStyle(text.parentElement);
    minFont = Math.min(minFont, parseFloat(cs.fontSize));
    if (cs.visibility !== "visible") invisible += 1;
    minAlpha = Math.min(minAlpha, alpha(cs.color), alpha(cs.webkitTextFillColor || cs.color));
    const range = doc.createRange();
    range.selectNodeContents(text);
    for (const b of range.getClientRects()) {
      if (b.width * b.height <= 0) continue;
      boxes += 1;
      const x = b.left + b.width / 2, y = b.top + b.height / 2;
      if (x < 0 || y < 0 || x > win.innerWidth || y > win.innerHeight) continue;
      const hit = doc.elementFromPoint(x, y);
      if (hit && el.contains(hit)) hits += 1;
    }
  }
  out.invisibleTexts = invisible; out.minFont = minFont; out.minAlpha = minAlpha; out.textBoxes = boxes; out.hitShare = boxes ? hits / boxes : 0;
  return out;
}
function next(i) {
  if (i >= tasks.length) { document.getElementById("out").textContent = JSON.stringify(results); return; }
  const task = tasks[i];
  frame.width = task.width; frame.height = task.height;
  frame.onload = () => {
    setTimeout(() => {
      let result;
      try { result = measure(frame.contentDocument, frame.contentWindow); } catch (e) { result = {error: String(e)}; }
      result.page = task.page; result.size = task.width + "x" + task.height;
      results.push(result);
      next(i + 1);
    }, 50);
  };
  frame.src = task.page;
}
next(0);
</script>
</body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port), for as long as the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def harness_results(folder: Path, html: str, profile: Path, *flags: str, budget: int = 60000) -> list[dict[str, Any]]:
    """Serve ``folder`` with the harness page ``html``, load it in Chromium (``--dump-dom``, once
    the page's timers have run) and return the JSON list it leaves in its ``<pre id="out">``."""
    (folder / "harness.html").write_text(html, encoding="utf-8")
    with serve(folder) as base:
        done = subprocess.run(
            [str(CHROMIUM), *FLAGS, *flags, f"--user-data-dir={profile}", f"--virtual-time-budget={budget}", "--dump-dom", base + "harness.html"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found is not None and found.group(1) != "pending", done.stdout[-2000:]
    results: list[dict[str, Any]] = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    return results


def measure(folder: Path, pages: list[str], profile: Path) -> list[dict[str, Any]]:
    """Chromium's measurements of the disclaimer on each page (paths relative to ``folder``)."""
    tasks = [{"page": page, "width": w, "height": h} for page in pages for w, h in SIZES]
    results = harness_results(folder, HARNESS.replace("TASKS", json.dumps(tasks)), profile)
    assert len(results) == len(tasks)
    return results


def hidden_because(result: dict[str, Any]) -> list[str]:
    """What, in Chromium's measurements, keeps the disclaimer from being read (empty: visible)."""
    reasons = []
    if result.get("missing") or result.get("error"):
        return [f"not measured: {result}"]
    if not result["checkVisibility"]:
        reasons.append("checkVisibility() is false")
    for tag, display, _ in result["chain"]:
        if display == "none":
            reasons.append(f"<{tag}> has display none")
    if result["invisibleTexts"]:
        reasons.append(f"{result['invisibleTexts']} pieces of text have visibility other than visible")
    if result["opacity"] < 0.5:
        reasons.append(f"opacity {result['opacity']}")
    if result["width"] < 1 or result["height"] < 1:
        reasons.append(f"box {result['width']}x{result['height']}")
    if not result["inPage"]:
        reasons.append("box outside the page")
    if result["shownShare"] < 0.9:
        reasons.append(f"only {result['shownShare']:.0%} of the box is left after clipping")
    if result["textBoxes"] == 0 or result["hitShare"] < 0.9:
        reasons.append(f"elementFromPoint finds the text in {result['hitShare']:.0%} of {result['textBoxes']} line boxes")
    if result["minFont"] < 10:
        reasons.append(f"font size {result['minFont']}px")
    if result["minAlpha"] < 0.5:
        reasons.append(f"text colour alpha {result['minAlpha']}")
    return reasons


@needs_chromium
def test_the_disclaimer_is_visible_on_every_shipped_page(tmp_path: Path, shipped_project: Path) -> None:
    config = load_config(shipped_project)
    result = build_site(config)
    pages = sorted(o.path for o in result.outputs if o.article is not None and o.path.endswith(".html"))
    assert {p.split("/")[0] for p in pages} == {config.source_locale, *config.target_locales()}
    assert len(pages) == len(read_articles(config)) * (1 + len(config.target_locales()))
    measured = measure(shipped_project / "build", pages, tmp_path / "profile")
    problems = {f"{r['page']} at {r['size']}": hidden_because(r) for r in measured}
    assert {page: why for page, why in problems.items() if why} == {}
    assert len(measured) == len(pages) * len(SIZES)


HOSTILE_CSS = {
    "display": "aside.disclaimer { display: none }",
    "off-screen": ".disclaimer { position: absolute; left: -9999px }",
    "sr-only": "aside { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0) }",
    "tiny font": "aside.disclaimer p { font-size: 6px }",
    "transparent": "aside p { color: transparent }",
    "opacity": "main { opacity: 0.6 } article { opacity: 0.6 }",
    "cut off": "main { max-height: 200px; overflow: hidden }",
    "escaped": "aside { visibil\\69 ty: hidden }",
}

HARMLESS_CSS = {
    "small article font, reset in rem": "article { font-size: 0.4em }",
    "print only": "@media print { aside.disclaimer { display: none } }",
    "sr-only elsewhere": ".sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0) }",
    "overridden": "aside { display: none } main aside.disclaimer { display: block }",
    "shown again": "article { visibility: hidden } aside.disclaimer, aside.disclaimer * { visibility: visible }",
}


@needs_chromium
def test_chromium_agrees_with_what_we_refuse_and_accept(tmp_path: Path, shipped_project: Path) -> None:
    """Each hostile stylesheet is refused by verification, and Chromium, given the same page
    and stylesheet, finds the disclaimer hidden (the static rules are not false alarms); each
    harmless lookalike is accepted, and Chromium shows the disclaimer."""
    config = load_config(shipped_project)
    build_site(config)
    site = tmp_path / "site"
    shutil.copytree(shipped_project / "build", site / "clean")
    article = read_articles(config)[0]
    expected = expected_disclaimer(article, read_po(po_path(config, "de", article.slug)), "en")
    page = (site / "clean" / "de" / f"{article.slug}.html").read_text(encoding="utf-8")
    css = (site / "clean" / "style.css").read_text(encoding="utf-8")
    pages = []
    for name, rule in {**HOSTILE_CSS, **HARMLESS_CSS}.items():
        folder = site / re.sub(r"\W+", "-", name)
        (folder / "de").mkdir(parents=True)
        (folder / "style.css").write_text(css + rule + "\n", encoding="utf-8")
        (folder / "de" / "valium.html").write_text(page, encoding="utf-8")
        why = verify_html(page, expected, False, "de/valium.html", SiteStyles(css + rule + "\n"))
        if name in HOSTILE_CSS:
            assert why is not None and "hidden" in why, (name, why)
        else:
            assert why is None, (name, why)
        pages.append(f"{folder.name}/de/valium.html")
    pages.append("clean/de/valium.html")
    measured = {r["page"].split("/")[0] + " " + r["size"]: hidden_because(r) for r in measure(site, pages, tmp_path / "profile")}
    for name in HOSTILE_CSS:
        folder = re.sub(r"\W+", "-", name)
        assert any(measured[f"{folder} {w}x{h}"] for w, h in SIZES), f"Chromium shows the disclaimer of {name!r}"
    for name in [*HARMLESS_CSS, "clean"]:
        folder = re.sub(r"\W+", "-", name)
        assert not any(measured[f"{folder} {w}x{h}"] for w, h in SIZES), f"Chromium hides the disclaimer of {name!r}"


@needs_chromium
def test_a_template_that_hides_the_disclaimer_with_a_stylesheet_rule_publishes_nothing(
    tmp_path: Path, shipped_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publisher's templates folder whose style.css hides the disclaimer: the build refuses
    (static), and the page it would have published is hidden in Chromium."""
    templates = shipped_project / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "pipeline" / "templates", templates)
    with (templates / "style.css").open("a", encoding="utf-8") as handle:
        handle.write("main > article > .disclaimer { opacity: 0 }\n")
    write(shipped_project / "pyproject.toml", '[tool.translatio]\ntemplates_dir = "templates"\nlocales = ["de"]\n')
    with pytest.raises(VerificationError) as info:
        build_site(load_config(shipped_project))
    message = str(info.value)
    assert 'hidden by style "opacity:0" on <aside id="disclaimer" class="disclaimer">' in message and "nothing was published" in message
    assert not (shipped_project / "build").exists()
    # The same templates rendered without verification: what a browser would have been given.
    from pipeline import build as build_module

    monkeypatch.setattr(build_module, "verify_page", lambda *args, **kwargs: None)
    staging = tmp_path / "served"
    build_site(load_config(shipped_project), out_dir=staging)
    result = measure(staging, ["de/valium.html", "en/valium.html"], tmp_path / "profile")
    assert all(hidden_because(r) for r in result)
