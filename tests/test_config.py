from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError

from .conftest import write


def test_absent_file_and_table_mean_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.source_dir == tmp_path / "source"
    assert config.locale_dir == tmp_path / "locale"
    assert config.build_dir == tmp_path / "build"
    assert (config.source_locale, config.locales, config.min_percent) == ("en", (), 100.0)
    assert config.require_disclaimer is True


def test_values_and_per_locale_overrides(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "site"
        [tool.translatio]
        source_dir = "articles"
        locales = ["pt-BR", "de"]
        min_percent = 90
        require_disclaimer = false
        [tool.translatio.locale.pt-BR]
        min_percent = 50
        ignore_checks = ["length-ratio"]
        """,
    )
    config = load_config(tmp_path)
    assert config.source_dir == tmp_path / "articles"
    assert config.locales == ("pt_BR", "de")
    assert config.min_percent_for("pt_BR") == 50 and config.min_percent_for("de") == 90
    assert config.settings_for("pt_BR").ignore_checks == ("length-ratio",)
    assert config.project_name == "site" and config.require_disclaimer is False


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('min_percent = "high"', "tool.translatio.min_percent"),
        ("min_percent = 120", "tool.translatio.min_percent"),
        ('locales = ["../x"]', "tool.translatio.locales"),
        ('locales = "de"', "tool.translatio.locales"),
        ("require_disclaimer = 1", "tool.translatio.require_disclaimer"),
        ("sourcedir = 'x'", "tool.translatio.sourcedir"),
        ('source_dir = ""', "tool.translatio.source_dir"),
        ("[tool.translatio.locale.de]\nmin_pct = 3", "tool.translatio.locale.de.min_pct"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, table: str, key: str) -> None:
    write(tmp_path / "pyproject.toml", f"[tool.translatio]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert f"{key}:" in str(info.value)
    assert str(tmp_path / "pyproject.toml") in str(info.value)


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.translatio\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)


def test_locales_discovered_from_disk(tmp_path: Path) -> None:
    for code in ("fr", "de", "not a locale"):
        (tmp_path / "locale" / code / "LC_MESSAGES").mkdir(parents=True)
    assert load_config(tmp_path).target_locales() == ("de", "fr")


@pytest.mark.parametrize(
    ("table", "commands", "key", "folder"),
    [
        ('source_dir = "sourse"', [["build"], ["update"], ["extract"], ["check"], ["init", "fr"]], "source_dir", "sourse"),
        ('locale_dir = "locales"', [["build"], ["check"], ["stats"], ["plurals", "de"]], "locale_dir", "locales"),
        ('templates_dir = "my-templates"', [["build"], ["extract"], ["update"]], "templates_dir", "my-templates"),
    ],
)
def test_a_configured_folder_that_does_not_exist_is_an_error_naming_the_key(
    shipped_project: Path, capsys: pytest.CaptureFixture[str], table: str, commands: list[list[str]], key: str, folder: str
) -> None:
    """A misspelt folder read as an empty one would publish an empty site over the full one, or
    make update delete every template: it is an error, and nothing is written."""
    from pipeline.cli import main

    from .test_update import snapshot

    assert main(["-C", str(shipped_project), "build"]) == 0
    write(shipped_project / "pyproject.toml", f"[tool.translatio]\n{table}\n")
    before = snapshot(shipped_project)
    capsys.readouterr()
    for command in commands:
        assert main(["-C", str(shipped_project), *command]) == 2, command
        err = capsys.readouterr().err
        assert err == f"{shipped_project / 'pyproject.toml'}: tool.translatio.{key}: folder '{folder}' does not exist\n", command
    assert snapshot(shipped_project) == before
    assert not (shipped_project / folder).exists()


def test_a_configured_folder_that_is_a_file(valium_project: Path) -> None:
    write(valium_project / "pyproject.toml", '[tool.translatio]\nsource_dir = "notes.txt"\n')
    write(valium_project / "notes.txt", "not a folder\n")
    with pytest.raises(ConfigError, match=r"tool\.translatio\.source_dir: folder 'notes\.txt' is not a folder"):
        load_config(valium_project).folder("source_dir")


def test_a_fresh_project_still_works(project: Path) -> None:
    """An empty source/ and no locale/ yet: init creates the locale folder, build publishes."""
    from pipeline.cli import main

    assert not (project / "locale").exists()
    assert main(["-C", str(project), "init", "de"]) == 0
    assert (project / "locale" / "de" / "LC_MESSAGES" / "ui.po").is_file()
    assert main(["-C", str(project), "build"]) == 0
    assert (project / "build" / "index.html").is_file()
