"""The discovery links as a search engine's tooling reads them: Lighthouse's SEO audits of an
article page, served by a plain ``http.server`` from a site built with ``base_url`` set to the
server's own address, so that the absolute ``canonical`` and ``hreflang`` links really resolve.

Lighthouse drives Debian's Chromium (``CHROME_PATH``); it comes from npm (``.ci/run`` installs a
pinned version and names its command line in ``LIGHTHOUSE_CLI``): nothing is downloaded while the
test runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.config import load_config

from .test_browser import CHROMIUM
from .test_discovery import with_base_url
from .test_visibility_browser import serve

LIGHTHOUSE = Path(os.environ.get("LIGHTHOUSE_CLI", "/nonexistent/lighthouse/cli/index.js"))
NODE = shutil.which("node")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.skipif(not LIGHTHOUSE.is_file(), reason="Lighthouse is not installed (set LIGHTHOUSE_CLI to its cli/index.js)")
def test_lighthouse_passes_hreflang_and_canonical_with_a_base_url(tmp_path: Path, shipped_project: Path) -> None:
    site = shipped_project / "build"
    site.mkdir(exist_ok=True)
    with serve(site) as base:  # the address is known only once the server listens: build after
        with_base_url(shipped_project, base)
        build_site(load_config(shipped_project))
        page = site / "de" / "valium.html"
        assert page.read_text(encoding="utf-8").count(f'hreflang="de" href="{base}de/valium.html"') == 1  # something to audit
        report = tmp_path / "report.json"
        done = subprocess.run(
            [str(NODE), str(LIGHTHOUSE), f"{base}de/valium.html", "--only-categories=seo", "--output=json",
             f"--output-path={report}", "--quiet",
             f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --user-data-dir={tmp_path / 'profile'}"],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    audits = json.loads(report.read_text(encoding="utf-8"))["audits"]
    for name in ("hreflang", "canonical"):
        audit = audits[name]
        assert (audit["scoreDisplayMode"], audit["score"]) == ("binary", 1), (name, audit.get("explanation"), audit.get("details"))
