"""axe-core on every page type of the built site, in headless Chromium, in both colour schemes.

The site is built as a publisher builds it (``base_url`` set, ``status.html`` published) and served
by a plain ``http.server`` together with ``axe.min.js``; a harness page loads each page into a
same-origin iframe at a phone's and a desktop's width, injects axe into it and runs the WCAG 2
A and AA rules (2.0, 2.1, 2.2) and axe's best practices. Chromium is Debian's, and axe-core comes from
npm (``.ci/run`` installs a pinned version and names it in ``AXE_CORE_JS``): nothing is downloaded
while the test runs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.build import build_site
from pipeline.config import load_config

from .test_browser import CHROMIUM, FLAGS
from .test_discovery import with_base_url
from .test_visibility_browser import harness_results

AXE = Path(os.environ.get("AXE_CORE_JS", "/nonexistent/axe.min.js"))
SIZES = [(390, 844), (1280, 800)]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

HARNESS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>axe harness</title></head><body>
<pre id="out">pending</pre>
<iframe id="frame" title="page under test"></iframe>
<script>
const tasks = TASKS;
const rules = RULES;
const results = [];
const frame = document.getElementById("frame");
function finish(task, r) { r.page = task.page; r.width = task.width; results.push(r); }
function next(i) {
  if (i >= tasks.length) { document.getElementById("out").textContent = JSON.stringify(results); return; }
  const task = tasks[i];
  frame.width = task.width; frame.height = task.height;
  frame.onload = () => {
    const doc = frame.contentDocument, win = frame.contentWindow;
    const script = doc.createElement("script");
    script.src = "/axe.min.js";
    script.onerror = () => { finish(task, {error: "axe.min.js did not load"}); next(i + 1); };
    script.onload = () => {
      win.axe.run(doc, {runOnly: {type: "tag", values: rules}, resultTypes: ["violations"]}).then(res => {
        finish(task, {
          dark: win.matchMedia("(prefers-color-scheme: dark)").matches,
          passes: res.passes.length,
          violations: res.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                                target: v.nodes.length ? v.nodes[0].target.join(" ") : "",
                                                summary: v.nodes.length ? v.nodes[0].failureSummary : ""})),
        });
        next(i + 1);
      }, e => { finish(task, {error: String(e)}); next(i + 1); });
    };
    doc.head.appendChild(script);
  };
  frame.src = task.page;
}
next(0);
</script>
</body></html>
"""


def _axe(site: Path, pages: list[str], profile: Path, *flags: str) -> list[dict[str, Any]]:
    """axe's findings for each page at each size, as the harness reports them."""
    tasks = [{"page": page, "width": w, "height": h} for page in pages for w, h in SIZES]
    shutil.copyfile(AXE, site / "axe.min.js")
    harness = HARNESS.replace("TASKS", json.dumps(tasks)).replace("RULES", json.dumps(RULES))
    results = harness_results(site, harness, profile, *flags, budget=120000)
    assert len(results) == len(tasks)
    return results


def _report(results: list[dict[str, Any]]) -> str:
    """One line per violation: where, which rule, how bad, the first element it names."""
    return "\n".join(
        f"{r['page']} @{r['width']}px: {v['id']} ({v['impact']}, {v['nodes']} nodes) at {v['target']}: {v['help']}; {v['summary']}"
        for r in results
        for v in r.get("violations", [])
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (set AXE_CORE_JS to its axe.min.js)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page_type(tmp_path: Path, shipped_project: Path, scheme: str) -> None:
    """The root language page, a locale's home, an article left to right and right to left, and the
    status page: zero violations of WCAG 2 A/AA and of axe's best practices."""
    with_base_url(shipped_project)
    build_site(load_config(shipped_project), status=True)
    site = shipped_project / "build"
    pages = ["index.html", "de/index.html", "ar/index.html", "de/valium.html", "ar/valium.html", "status.html"]
    assert all((site / page).is_file() for page in pages)
    flags = ["--force-dark-mode"] if scheme == "dark" else []
    results = _axe(site, pages, tmp_path / "profile", *flags)
    assert [r for r in results if "error" in r] == []
    assert {r["dark"] for r in results} == {scheme == "dark"}
    assert all(r["passes"] > 10 for r in results)  # axe really ran its rules on a real page
    report = _report(results)
    assert not report, "axe found violations:\n" + report
