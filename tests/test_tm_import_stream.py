"""``tm import`` streams: a file read a batch at a time gives the memory and the TMX files, byte
for byte, what reading it whole and adding it in one batch gives — duplicates straddling
batches included — and a bad unit late in the file changes nothing.

The reference is the whole-file path the import used before it streamed, still in the code
for other callers: ``MemoryBackend.add`` of every unit at once, then ``format_tmx`` (which sorts)
of the memory's units. Both backends: SQLite here, PostgreSQL with ``pg_url``.
"""

from __future__ import annotations

import random
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory import tmx as tmx_module
from pipeline.memory.project import open_memory, tmx_path
from pipeline.memory.tmx import format_tmx, generate_tmx, read_tmx, stream_tmx
from pipeline.memory.units import Origin, TranslationUnit, normalize

from .conftest import write
from .test_update import snapshot

ODD = ["Café au lait", "Cafe\u0301  au lait", "a & b", "x < y > z", "two\nlines", "cr\r\nlf", "tab\there", "\u00a0nbsp\u00a0",
       "emoji 😀", "لا تتناول الدواء", "服用してください", "100 % | pipe", "]]> end", '"quoted" \'single\'', "Ω and ß"]  # fmt: skip
LOCALES = ["de", "fr", "pt_BR", "ja"]


def _units() -> list[TranslationUnit]:
    """Units with the awkward cases: every odd text in every locale, and pairs repeated far apart —
    other references in the same domain, other domains, earlier and later dates, a superseded
    record where another copy is current, a whitespace or NFD variant of the same pair."""
    units = []
    for n, text in enumerate(ODD):
        for locale in LOCALES:
            origin = Origin(f"article-{n % 3}", f"source/a{n}.md:{n + 1}", f"ctx{n}")
            units.append(TranslationUnit(f"{text} #{n}", f"{locale.upper()}: {text}", "en", locale, (origin,), "20240501T100000Z"))
    repeats = []
    for unit in units[::3]:
        origin = unit.origins[0]
        repeats += [
            TranslationUnit(unit.source, unit.target, "en", unit.target_locale, (Origin(origin.domain, "source/other.md:9"),), "20230101T000000Z"),
            TranslationUnit(unit.source, unit.target, "en", unit.target_locale, (Origin("elsewhere|50%", "r"),), "20250101T000000Z"),
            TranslationUnit(" " + unit.source.replace(" ", "  ") + " ", unit.target + "\n", "en", unit.target_locale, (), ""),
            TranslationUnit(unit.source, unit.target, "en", unit.target_locale, (), "", (Origin(origin.domain, "old"), Origin("gone", "x"))),
            TranslationUnit(unicodedata.normalize("NFD", unit.source), unit.target, "en", unit.target_locale, (), "20200101T000000Z"),
        ]
    everything = units + repeats
    random.Random(7).shuffle(everything)
    return everything


def _tmx_file(path: Path, units: list[TranslationUnit]) -> Path:
    """A TMX file holding the units in this order, one ``tu`` each (format_tmx would sort them)."""
    blocks = []
    for unit in units:
        lines = list(generate_tmx([unit], "en"))
        blocks += lines[4:-2]
    head = list(generate_tmx([], "en"))
    path.write_text("\n".join([*head[:4], *blocks, *head[4:]]) + "\n", encoding="utf-8")
    return path


def _project(root: Path, url: str = "") -> Path:
    setting = f'memory_url = "{url}"\n' if url else ""
    write(root / "pyproject.toml", f'[tool.translatio]\nproject_name = "{root.name}"\n{setting}')
    (root / "source").mkdir(exist_ok=True)
    return root


def _reference(root: Path, units: list[TranslationUnit]) -> tuple[dict[str, bytes], dict[str, int]]:
    """What the whole-file import wrote: one add of every unit, format_tmx of each locale (and
    how many units of each locale it reported new or changed)."""
    config = load_config(root)
    memory = open_memory(config)
    try:
        with memory.pending():
            changed = memory.add(units)
            memory.commit()
        files = {code: format_tmx(memory.iterate(code), "en").encode() for code in LOCALES}
    finally:
        memory.close()
    counts = {code: sum(u.target_locale == code for u in changed) for code in LOCALES}
    return {code: data for code, data in files.items() if data != format_tmx([], "en").encode()}, counts


def _files(root: Path) -> dict[str, bytes]:
    config = load_config(root)
    return {code: tmx_path(config, code).read_bytes() for code in LOCALES if tmx_path(config, code).exists()}


def _import(root: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    """``tm import`` on the command line: the units it reports new or changed, per locale."""
    capsys.readouterr()
    assert main(["-C", str(root), "tm", "import", str(path)]) == 0
    report = re.findall(r"^(\w+): \d+ units read, (\d+) new or updated$", capsys.readouterr().out, re.MULTILINE)
    return {code: int(count) for code, count in report}


def _streamed_like_the_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str = "") -> None:
    monkeypatch.setattr(tmx_module, "BATCH", 3)  # duplicates straddle batches
    monkeypatch.setattr(tmx_module, "CHUNK", 97)  # the parser is fed odd slices (UTF-8 characters split)
    units = _units()
    source = _tmx_file(tmp_path / "import.tmx", units)
    assert read_tmx(source) == units  # the file holds what we meant, in this order
    streamed, whole = _project(tmp_path / "streamed", url), _project(tmp_path / "whole", url)
    reported = _import(streamed, source, capsys)
    expected, counts = _reference(whole, units)
    assert _files(streamed) == expected
    assert reported == counts
    # Into memories that already hold some of the pairs (merged by domain, the earliest date kept).
    held = [TranslationUnit(u.source, u.target, "en", u.target_locale, (Origin(u.origins[0].domain, "source/held.md:1"),) if u.origins else (),
                            "20220101T000000Z") for u in units[::4]]  # fmt: skip
    held_file = _tmx_file(tmp_path / "held.tmx", held)
    streamed, whole = _project(tmp_path / "streamed-held", url), _project(tmp_path / "whole-held", url)
    for root in (streamed, whole):
        _import(root, held_file, capsys)
    before = _files(whole)
    reported = _import(streamed, source, capsys)
    expected, counts = _reference(whole, units)
    assert _files(streamed) == expected != before
    assert reported == counts


def test_a_streamed_import_writes_what_the_whole_file_import_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _streamed_like_the_whole(tmp_path, monkeypatch, capsys)


def test_a_streamed_import_on_a_server_writes_what_the_whole_file_import_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                              capsys: pytest.CaptureFixture[str], pg_url: str) -> None:  # fmt: skip
    _streamed_like_the_whole(tmp_path, monkeypatch, capsys, pg_url)


def _bad_late(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tmx_module, "BATCH", 2)
    monkeypatch.setattr(tmx_module, "CHUNK", 300)
    root = _project(tmp_path / "site", url)
    good = _tmx_file(tmp_path / "good.tmx", _units()[:20])
    assert main(["-C", str(root), "tm", "import", str(good)]) == 0
    config = load_config(root)
    memory = open_memory(config)
    try:
        held = {code: list(memory.iterate(code)) for code in LOCALES}
    finally:
        memory.close()
    before = snapshot(root / "locale" / "tm")
    text = _tmx_file(tmp_path / "bad.tmx", _units()).read_text(encoding="utf-8")
    lines = text.splitlines()
    last_tuv = max(i for i, line in enumerate(lines) if "<tuv" in line)
    lines[last_tuv] = lines[last_tuv].replace("xml:lang=", "lang-missing=")
    bad = tmp_path / "bad.tmx"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(root), "tm", "import", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"{bad}:{last_tuv + 1}: a <tuv> without xml:lang", err
    assert snapshot(root / "locale" / "tm") == before
    memory = open_memory(config)
    try:
        assert {code: list(memory.iterate(code)) for code in LOCALES} == held
    finally:
        memory.close()


def test_a_bad_unit_late_in_the_file_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _bad_late(tmp_path, "", monkeypatch, capsys)


def test_a_bad_unit_late_in_the_file_changes_nothing_on_a_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str], pg_url: str) -> None:  # fmt: skip
    _bad_late(tmp_path, pg_url, monkeypatch, capsys)


def test_stream_tmx_gives_format_tmx_bytes_for_units_in_the_memory_order() -> None:
    units = [u for u in _units() if u.target_locale == "de" and u.origins]
    by_key: dict[tuple[str, str, str], TranslationUnit] = {}
    for unit in units:
        by_key.setdefault(unit.key, unit)
    ordered = [by_key[key] for key in sorted(by_key)]
    expected = format_tmx(ordered, "en").encode()
    assert b"".join(stream_tmx(ordered, "en", lines=5)) == expected
    assert b"".join(stream_tmx(ordered, "en")) == expected


_SPACE = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")
_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


def _normalize_as_before(text: str) -> str:
    """normalize() as it was written with regular expressions."""
    text = unicodedata.normalize("NFC", text)
    if _ODD_SPACE.search(text):
        text = _SPACE.sub(" ", text)
    return text.strip()


@settings(max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(_WHITESPACE), st.sampled_from(["a", "é", "e\u0301", "😀", "\u200b", "x y"])), max_size=12).map("".join))
def test_normalize_is_what_the_regular_expressions_gave(text: str) -> None:
    assert normalize(text) == _normalize_as_before(text)


def test_read_ahead_gives_the_items_in_order_and_raises_where_the_reading_failed() -> None:
    import threading

    from pipeline.errors import MemoryFileError
    from pipeline.memory.ahead import read_ahead
    from pipeline.parallel import limited_jobs

    threads: set[str] = set()

    def batches(fail: bool):  # type: ignore[no-untyped-def]
        for n in range(50):
            threads.add(threading.current_thread().name)
            yield [n]
        if fail:
            raise MemoryFileError(Path("big.tmx"), 7, "a <tuv> without xml:lang")

    with limited_jobs(2):
        assert list(read_ahead(batches(False))) == [[n] for n in range(50)]
        assert threads == {"translatio-read-ahead"}  # read in a thread of its own
        got = []
        with pytest.raises(MemoryFileError, match="big.tmx:7: a <tuv> without xml:lang"):
            for batch in read_ahead(batches(True)):
                got.append(batch)
        assert got == [[n] for n in range(50)]  # every batch before the error, then the error
        closed = []

        def endless():  # type: ignore[no-untyped-def]
            try:
                n = 0
                while True:
                    yield [n]
                    n += 1
            finally:
                closed.append(True)

        for batch in read_ahead(endless(), depth=1):
            if batch == [3]:
                break  # the consumer stops: the reader is stopped and its generator closed
        assert closed == [True]
    threads.clear()
    with limited_jobs(1):
        assert list(read_ahead(batches(False))) == [[n] for n in range(50)]
        assert threads == {threading.current_thread().name}  # one core: no thread
