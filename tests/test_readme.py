"""The README's commands are the ones CI runs, so they cannot drift apart."""

from __future__ import annotations

import re

from .conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick)


def test_readme_gives_a_build_command_and_a_test_command() -> None:
    build, tests = readme_commands()
    assert build.endswith("translatio build") and "pip install -c requirements/lock.txt -e ." in build
    assert tests.endswith("python -m pytest -q -n auto") and "-c requirements/lock.txt -e '.[test]'" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    _, tests = readme_commands()
    assert tests in ci.splitlines()
