"""Every page we publish is valid HTML5 by the Nu Html Checker (the W3C validator), when available.

Set ``VNU_JAR`` to the checker's jar (``npm install vnu-jar``; .ci/run does) or put ``vnu`` on
PATH; the test says so when it skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.build import build_site
from pipeline.config import load_config



def checker() -> list[str] | None:
    jar = os.environ.get("VNU_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        return ["java", "-jar", jar]
    if shutil.which("vnu"):
        return ["vnu"]
    return None


@pytest.mark.skipif(checker() is None, reason="the Nu Html Checker is not installed (set VNU_JAR or install vnu)")
def test_every_published_page_is_valid_html(shipped_project: Path) -> None:
    project = shipped_project
    pyproject = project / "pyproject.toml"  # with base_url: canonical links, og: properties
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("[tool.translatio]\n", '[tool.translatio]\nbase_url = "https://example.org/"\n'), encoding="utf-8")
    build_site(load_config(project), status=True)
    command = checker()
    assert command is not None
    done = subprocess.run([*command, "--skip-non-html", str(project / "build")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr or done.stdout
    assert done.stderr.strip() == "", done.stderr
