from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import files
from pipeline.errors import OutputError
from pipeline.files import write_atomic


def test_unchanged_bytes_leave_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    assert write_atomic(path, "same\n") is True
    os.utime(path, (1, 1))
    assert write_atomic(path, "same\n") is False
    assert path.stat().st_mtime == 1


def test_an_interrupted_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    path.write_text("old translation\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the bytes went to the temp file, before the swap

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new translation\n" * 1000)
    assert path.read_text(encoding="utf-8") == "old translation\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]


def test_a_failed_replace_is_an_output_error_and_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    path.write_text("old\n", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OutputError, match="de.po: cannot write: Permission denied"):
        write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]


def test_permissions_of_an_existing_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "y")
    assert path.stat().st_mode & 0o777 == 0o640
