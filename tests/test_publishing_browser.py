"""The site as readers get it from a web server, in Chromium: text pages served by a plain
``http.server`` (``text/plain`` without a charset), both colour schemes at WCAG AA as the browser
computes the colours, the notice at the top linking to the disclaimer, each locale's home link."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipeline.build import build_site
from pipeline.config import load_config

from .test_browser import CHROMIUM, FLAGS
from .test_visibility_browser import harness_results, serve

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
PHONE = (390, 844)

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="out">pending</pre>
<iframe id="frame" width="WIDTH" height="HEIGHT"></iframe>
<script>
const pages = PAGES;
const results = [];
const frame = document.getElementById("frame");
function rgba(colour) {
  const m = /rgba?\\(([^)]*)\\)/.exec(colour);
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function lum(c) {
  const l = c.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}
function background(el, win) {
  for (let node = el; node; node = node.parentElement) {
    const c = rgba(win.getComputedStyle(node).backgroundColor);
    if (c[3] > 0) return c;
  }
  return null;
}
function measure(doc, win, page) {
  const out = {page: page, dark: win.matchMedia("(prefers-color-scheme: dark)").matches, worst: 99, where: "", texts: 0};
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    if (!text.data.trim()) continue;
    const el = text.parentElement;
    const fg = rgba(win.getComputedStyle(el).color);
    const bg = background(el, win);
    if (!bg) { out.worst = 0; out.where = "no background behind " + el.tagName; continue; }
    const ratio = (Math.max(lum(fg), lum(bg)) + 0.05) / (Math.min(lum(fg), lum(bg)) + 0.05);
    out.texts += 1;
    if (ratio < out.worst) { out.worst = ratio; out.where = el.tagName.toLowerCase() + "." + el.className + " " + win.getComputedStyle(el).color + " on " + bg; }
  }
  out.pageBackground = win.getComputedStyle(doc.body).backgroundColor;
  out.pageWidth = doc.documentElement.scrollWidth;
  out.direction = win.getComputedStyle(doc.body).direction;
  const title = doc.querySelector("h1");
  const box = (doc.querySelector("main") || doc.body).getBoundingClientRect();
  if (title) {
    const range = doc.createRange();
    range.selectNodeContents(title);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
    const line = rects.filter(r => Math.abs(r.top - rects[0].top) < 2);  // the first line: its bidi runs together
    const right = Math.max(...line.map(r => r.right)), left = Math.min(...line.map(r => r.left));
    out.titleStartGap = out.direction === "rtl" ? box.right - right : left - box.left;
  }
  const notice = doc.querySelector("[data-notice]");
  if (notice) {
    const cs = win.getComputedStyle(notice);
    out.noticeEdge = out.direction === "rtl" ? cs.borderRightWidth : cs.borderLeftWidth;
  }
  out.viewportWidth = win.innerWidth;
  const home = doc.querySelector("a.home");
  out.home = home ? home.href : null;
  const link = doc.querySelector("[data-notice] a");
  if (link) {
    const target = doc.getElementById(link.hash.slice(1));
    out.noticeTarget = target ? target.getAttribute("data-required") : null;
    out.noticeTop = doc.querySelector("[data-notice]").getBoundingClientRect().top;
    out.noticeText = link.textContent;
    out.viewport = win.innerHeight;
  }
  return out;
}
function next(i) {
  if (i >= pages.length) { document.getElementById("out").textContent = JSON.stringify(results); return; }
  frame.onload = () => setTimeout(() => {
    let r;
    try { r = measure(frame.contentDocument, frame.contentWindow, pages[i]); } catch (e) { r = {page: pages[i], error: String(e)}; }
    results.push(r);
    next(i + 1);
  }, 50);
  frame.src = pages[i];
}
next(0);
</script>
</body></html>
"""


def _dump(url: str, profile: Path, *flags: str) -> str:
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, *flags, f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", url],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _measure(folder: Path, pages: list[str], profile: Path, *flags: str) -> list[dict[str, Any]]:
    harness = HARNESS.replace("PAGES", json.dumps(pages)).replace("WIDTH", str(PHONE[0])).replace("HEIGHT", str(PHONE[1]))
    results = harness_results(folder, harness, profile, *flags, budget=30000)
    assert len(results) == len(pages)
    return results


@needs_chromium
def test_text_pages_served_without_a_charset_are_read_as_utf8(tmp_path: Path, shipped_project: Path) -> None:
    """The same page without its byte order mark is mojibake in Chromium (what readers saw);
    with it, Arabic and Japanese arrive intact."""
    build_site(load_config(shipped_project))
    site = shipped_project / "build"
    for code in ("ar", "ja"):
        raw = (site / code / "valium.txt").read_bytes()
        (site / code / "no-bom.txt").write_bytes(raw.removeprefix(b"\xef\xbb\xbf"))
    with serve(site) as base:
        for code in ("ar", "ja"):
            title = (site / code / "valium.txt").read_text(encoding="utf-8").lstrip("\ufeff\u200f").split("\n", 1)[0]
            shown = _dump(f"{base}{code}/valium.txt", tmp_path / "profile")
            assert title in shown, (code, shown[:300])
            garbled = _dump(f"{base}{code}/no-bom.txt", tmp_path / "profile")
            assert title not in garbled  # the test would catch a page that lost its mark


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_meets_aa_in_both_schemes_and_the_top_notice_leads_to_the_disclaimer(
    tmp_path: Path, shipped_project: Path, scheme: str
) -> None:
    config = load_config(shipped_project)
    build_site(config)
    site = shipped_project / "build"
    codes = [config.source_locale, *config.target_locales()]
    pages = ["index.html", *(f"{code}/{page}" for code in codes for page in ("valium.html", "index.html"))]
    flags = ["--force-dark-mode"] if scheme == "dark" else []
    results = _measure(site, pages, tmp_path / "profile", *flags)
    assert [r for r in results if "error" in r] == []
    assert {r["dark"] for r in results} == {scheme == "dark"}
    backgrounds = {r["pageBackground"] for r in results}
    assert backgrounds == {"rgb(18, 18, 18)" if scheme == "dark" else "rgb(255, 255, 255)"}
    failing = {r["page"]: (round(r["worst"], 2), r["where"]) for r in results if r["worst"] < 4.5}
    assert failing == {}
    assert all(r["texts"] > 3 for r in results)
    for r in results:
        code = r["page"].split("/")[0] if "/" in r["page"] else None
        assert r["home"].endswith(f"/{code}/index.html" if code else "/index.html"), r
        assert r["direction"] == ("rtl" if code == "ar" else "ltr"), r
        assert r["titleStartGap"] < 2, r  # the title starts at the start edge: the right one in Arabic
        if r["page"].endswith("valium.html"):
            assert r["noticeEdge"] == "4px", r  # the notice's rule is on its start side
            assert r["noticeTarget"] == "disclaimer", r
            assert 0 < r["noticeTop"] < r["viewport"] * 0.75, r  # on a phone's first screen, without scrolling


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_status_page_fits_a_phone_and_meets_aa(tmp_path: Path, shipped_project: Path, scheme: str) -> None:
    """The wide tables scroll inside their own box: the page itself is no wider than the phone."""
    build_site(load_config(shipped_project), status=True)
    flags = ["--force-dark-mode"] if scheme == "dark" else []
    [result] = _measure(shipped_project / "build", ["status.html"], tmp_path / "profile", *flags)
    assert "error" not in result
    assert result["pageWidth"] <= result["viewportWidth"] == PHONE[0], result
    assert result["worst"] >= 4.5, result
