from __future__ import annotations

import errno
import os
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from pipeline import files
from pipeline.errors import ChangedError, OutputError
from pipeline.files import read_with_state, write_atomic


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


# --- what is not a regular file ------------------------------------------------------------------


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert write_atomic(fifo, "through the pipe\n") is True
    reader.join(30)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.parametrize("name", ["/dev/fd/{fd}", "/proc/self/fd/{fd}"])
def test_a_descriptor_path_is_written_to_that_descriptor(name: str) -> None:
    read_end, write_end = os.pipe()
    try:
        assert write_atomic(Path(name.format(fd=write_end)), b"x" * 1000) is True
        os.close(write_end)
        assert os.read(read_end, 5000) == b"x" * 1000
    finally:
        os.close(read_end)
        try:
            os.close(write_end)
        except OSError:
            pass


@pytest.mark.skipif(os.geteuid() != 0, reason="creating device nodes needs root (CI runs as root)")
def test_character_devices_are_written_to_never_read_nor_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    zero = tmp_path / "zero"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(zero, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    assert write_atomic(null, "discarded\n") is True
    assert write_atomic(zero, b"\0" * 100) is True  # reading /dev/zero "to compare" never ends
    assert stat.S_ISCHR(null.stat().st_mode) and stat.S_ISCHR(zero.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "zero"]


def test_sockets_and_folders_are_refused_with_one_line(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(OutputError, match=r"sock: is a socket; give a file, a pipe or /dev/stdout$"):
            write_atomic(tmp_path / "sock", "x")
    finally:
        server.close()
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputError, match=r"folder: is a folder, not a file$"):
        write_atomic(tmp_path / "folder", "x")


def test_the_old_file_is_read_only_when_its_size_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.tmx"
    path.write_bytes(b"y" * 100_000)
    opened: list[str] = []
    real_open = open

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(files, "open", counting_open, raising=False)
    assert write_atomic(path, "small\n") is True
    assert opened == []  # a different size: no need to read 100 kB to know they differ
    assert write_atomic(path, "small\n") is False
    assert opened == [str(path)]


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    assert write_atomic(link, "new\n") is True
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to("created.txt")
    write_atomic(dangling, "made\n")
    assert dangling.is_symlink() and (tmp_path / "created.txt").read_text(encoding="utf-8") == "made\n"


def test_a_full_disk_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    path.write_text("old\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OutputError) as info:
        write_atomic(path, "new\n")
    assert str(info.value) == f"{path}: no space left on device"
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]


# --- replacing only what the caller read -----------------------------------------------------------


def test_an_expected_file_is_replaced_only_while_it_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    path.write_text("as read\n", encoding="utf-8")
    data, state = read_with_state(path)
    assert data == b"as read\n" and state.exists and state.size == 8
    path.write_text("as saved\n", encoding="utf-8")  # in place, same inode
    with pytest.raises(ChangedError) as info:
        write_atomic(path, "ours\n", expect=state)
    assert str(info.value) == f"{path}: changed while update was running; nothing of it was overwritten — run 'translatio update' again"
    assert path.read_text(encoding="utf-8") == "as saved\n"
    _, state = read_with_state(path)
    assert write_atomic(path, "ours\n", expect=state) is True
    assert path.read_text(encoding="utf-8") == "ours\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]


def test_a_save_landing_between_the_check_and_the_swap_is_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The instant between the last comparison and the rename: an editor's rename there is not
    lost, because the swap is an exchange that is checked afterwards."""
    if files._RENAMEAT2 is None:
        pytest.skip("renameat2 is Linux-only")
    path = tmp_path / "de.po"
    path.write_text("as read\n", encoding="utf-8")
    _, state = read_with_state(path)
    real_still = files.still

    def still_then_save(target: Path, expected: files.FileState) -> bool:
        answer = real_still(target, expected)
        saved = tmp_path / "editor.tmp"
        saved.write_text("saved in the instant\n", encoding="utf-8")
        os.replace(saved, path)
        return answer

    monkeypatch.setattr(files, "still", still_then_save)
    with pytest.raises(ChangedError):
        write_atomic(path, "ours\n", expect=state)
    assert path.read_text(encoding="utf-8") == "saved in the instant\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.po"]


def test_a_file_expected_absent_is_not_replaced_once_created(tmp_path: Path) -> None:
    path = tmp_path / "new.po"
    path.write_text("someone's\n", encoding="utf-8")
    with pytest.raises(ChangedError):
        write_atomic(path, "ours\n", expect=files.FileState.absent())
    assert path.read_text(encoding="utf-8") == "someone's\n"
    assert write_atomic(tmp_path / "fresh.po", "ours\n", expect=files.FileState.absent()) is True


def test_staging_many_files_discards_them_all_when_one_fails(tmp_path: Path) -> None:
    from pipeline.files import STAGING_THREADS, stage_many, sync_staged

    (tmp_path / "blocker").write_text("a file where a folder is needed", encoding="utf-8")
    payloads = [(tmp_path / "out" / f"{n:02d}.po", f"text {n}".encode()) for n in range(3 * STAGING_THREADS)]
    payloads.insert(5, (tmp_path / "blocker" / "x.po", b"cannot be written"))
    with pytest.raises(OutputError) as failed:
        stage_many(payloads)
    assert "blocker" in str(failed.value)
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # no temporary file left behind
    good = [item for item in payloads if "blocker" not in str(item[0])]
    staged = stage_many(good)
    sync_staged([s for s in staged if s is not None])
    for item in staged:
        assert item is not None
        item.swap()
    assert [p.read_bytes() for p in sorted((tmp_path / "out").iterdir())] == [data for _, data in good]
