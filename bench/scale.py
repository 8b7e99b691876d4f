"""Update, check and build at several site sizes, ours and the peers' best, side by side in one run.

The jobs, on one generated site per size (:mod:`corpus`: articles of the shape of
``source/valium.md``, translated into de, fr, es), each timed with the peers in the same rounds:

- **update one locale after an edit**: 10% of the body paragraphs edited by a word (plus a few
  deleted and added), then ``translatio update -l de``, with the translation memory on and our
  cache as the translator's machine has it (warm from the last run before the edit), and
  again with ``--no-cache``. Peer: GNU ``msgmerge --previous`` (fuzzy matching on) of the old
  German catalogue with the new template, both as ONE combined file (``msgcat``-ed beforehand,
  untimed): msgmerge's best layout, not ours.
- **check one locale** after that update: ``translatio check -l de`` (every check: syntax,
  headers, plural rule, completeness, the disclaimer, 29 entry checks, freshness — which
  plans a whole update: ``translatio check --list``) with the cache warm from the check
  before the edit (a project in use is checked in CI or a pre-commit hook: only what the edit
  and the update changed is checked again), and with ``--no-cache``. Peers on
  the combined updated catalogue: Translate Toolkit's ``pofilter`` (its default test set, the
  46 tests of ``pofilter --listfilters``), and ``msgfmt --check`` (syntax and format strings only);
  and ``pofilter`` on the same entries as ours, the locale's per-article catalogues (a folder).
- **build** every page (English + 3 locales, HTML and text, each page verified): cold
  (``--no-cache``) and warm after one article's edit. The floor: the same number of pages
  rendered by markdown-it-py and Jinja and written, with nothing read from catalogues and
  nothing checked — no tool can build these pages faster with these libraries.

Every command runs as a subprocess; its peak memory (``ru_maxrss`` of the process and its
workers, measured by GNU time) is reported with its time. A growth table at the end shows our
medians per size and per article. Figures depend on the machine: the load average is printed
before and after; when it is high, compare CPU time rather than wall time.

Usage::

    python bench/scale.py                          # 100 and 1,000 articles, 3 runs each
    python bench/scale.py --sizes 100,1000,10000   # the 10,000-article site too (long)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, Skipped, exclusive, fingerprint, load_line, machine_lines, measure, print_table, run, translatio_command, which  # noqa: E402
from corpus import SEED, edit_one_article, revise_sources, translate_project, unique_segments, write_site  # noqa: E402

LOCALE = "de"
"""The locale the one-locale jobs work on."""
EDIT = 0.10
"""Share of body paragraphs the revision edits."""


@dataclass(frozen=True, slots=True)
class Space:
    """One size's prepared folders. The project is always used at :attr:`site` (our cache is per
    project folder); the snapshots are copied there, untimed, before each run."""

    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    def snapshot(self, name: str) -> Path:
        return self.root / "snapshots" / name

    def save(self, name: str) -> None:
        target = self.snapshot(name)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copytree(self.site, target / "site", symlinks=True)
        if self.cache.exists():
            shutil.copytree(self.cache, target / "cache")

    def restore(self, name: str) -> None:
        source = self.snapshot(name)
        for folder, saved in ((self.site, source / "site"), (self.cache, source / "cache")):
            shutil.rmtree(folder, ignore_errors=True)
            if saved.exists():
                shutil.copytree(saved, folder, symlinks=True)

    @property
    def peers(self) -> Path:
        return self.root / "peers"


def prepare(workdir: Path, articles: int, seed: int, build: bool = True) -> tuple[Space, dict[str, int]]:
    """Generate, translate, revise; keep the states the timed runs start from (reused while
    the generator and the pipeline's code are the same). ``build=False`` (no build timed) skips
    the builds, which at 10,000 articles are most of the preparation."""
    space = Space(workdir / f"scale-{articles}-{seed}")
    stamp = space.root / "stamp.json"
    wanted = fingerprint("scale", articles, seed, EDIT, LOCALE, build)
    if stamp.is_file():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("fingerprint") == wanted:
            print(f"reusing {space.root}", file=sys.stderr)
            return space, saved["summary"]
    print(f"preparing {space.root} ({articles} articles: generate, translate, update, revise)…", file=sys.stderr, flush=True)
    shutil.rmtree(space.root, ignore_errors=True)
    write_site(space.site, articles, seed)
    unique, total = unique_segments(space.site)
    translate_project(space.site)
    ours_run(space, ["update"])  # a project in use has its memory and our cache
    if build:
        ours_run(space, ["build"])
    ours_run(space, ["check"])  # and was checked (CI, a pre-commit hook) before the edit
    space.peers.mkdir(parents=True)
    olds = sorted((space.site / "locale" / LOCALE / "LC_MESSAGES").glob("*.po"))
    run(["msgcat", "--use-first", "-o", space.peers / "old.po", *olds]) if which("msgcat") else None
    space.save("before-edit")

    revision = revise_sources(space.site, seed, EDIT)
    space.save("edited")
    ours_run(space, ["update", "-l", LOCALE])
    space.save("updated")
    if which("msgcat"):
        run(["msgcat", "-o", space.peers / "new.pot", *sorted((space.site / "locale").glob("*.pot"))])
        news = sorted((space.site / "locale" / LOCALE / "LC_MESSAGES").glob("*.po"))
        run(["msgcat", "--use-first", "-o", space.peers / "updated.po", *news])
    if build:
        ours_run(space, ["build"])
        space.save("built")
    summary = {"articles": articles, "unique_segments": unique, "segments": total, "edited": revision.edited, "paragraphs": revision.paragraphs}
    stamp.write_text(json.dumps({"fingerprint": wanted, "summary": summary}), encoding="utf-8")
    return space, summary


# --- running and measuring a command -----------------------------------------------------------

PEAKS: dict[int, int] = {}
"""Peak resident memory (KiB) per row, the highest of its runs."""


def measured(command: Sequence[str | Path], row_id: int, env: dict[str, str] | None = None, ok: Sequence[int] = (0,)) -> None:
    """Run a command; record its peak memory (with its workers') for the row.

    The peak comes from GNU time (``/usr/bin/time -f %M``), a small process that forks the
    command: a child forked from this Python would count this process's memory as its own
    (``ru_maxrss`` keeps the high-water mark from before ``exec``)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        timer = ["/usr/bin/time", "-f", "%M", "-o", report.name] if Path("/usr/bin/time").is_file() else []
        done = subprocess.run([*timer, *(str(p) for p in command)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode not in ok:
            raise RuntimeError(f"{' '.join(map(str, command[:4]))} … exited {done.returncode}: {done.stderr.decode(errors='replace')[-800:]}")
        figure = report.read().strip().splitlines()
    if timer and figure and figure[-1].isdigit():
        PEAKS[row_id] = max(PEAKS.get(row_id, 0), int(figure[-1]))


def ours_env(space: Space) -> dict[str, str]:
    return {**os.environ, "TRANSLATIO_CACHE_DIR": str(space.cache)}


def ours_run(space: Space, args: list[str]) -> None:
    subprocess.run([*translatio_command(), "-C", str(space.site), *args], env=ours_env(space), check=True, capture_output=True)


# --- the rows ------------------------------------------------------------------------------------


JOBS = ("update", "check", "build")


def rows_for(space: Space, label: str, jobs: Sequence[str] = JOBS) -> tuple[list[Row], list[Skipped]]:
    cli = [*translatio_command(), "-C", str(space.site)]
    env = ours_env(space)
    rows: list[Row] = []
    skipped: list[Skipped] = []

    def add(row: Row, command: Sequence[str | Path] | None = None, ok: Sequence[int] = (0,), environment: dict[str, str] | None = None) -> None:
        if row.group.split()[0] not in jobs:
            return
        if command is not None:
            index = len(rows)
            row.action = lambda: measured(command, index, environment, ok)  # type: ignore[assignment, return-value]
        rows.append(row)

    def restore(name: str):  # type: ignore[no-untyped-def]
        return lambda: space.restore(name)

    # update one locale after the edit
    add(Row("translatio", f"update -l {LOCALE}, memory on, cache warm from before the edit", lambda: None, f"update {label}", ours=True, setup=restore("edited")),
        [*cli, "update", "-l", LOCALE], environment=env)
    add(Row("translatio", f"update -l {LOCALE}, memory on, --no-cache", lambda: None, f"update {label}", ours=True, setup=restore("edited")),
        [*cli, "--no-cache", "update", "-l", LOCALE], environment=env)
    if which("msgmerge"):
        add(Row("GNU msgmerge", "msgmerge --previous, one combined catalogue (fuzzy on)", lambda: None, f"update {label}"),
            ["msgmerge", "--previous", "-q", "-o", space.peers / "merged.po", space.peers / "old.po", space.peers / "new.pot"])
    else:
        skipped.append(Skipped("msgmerge", "not installed (apt-get install gettext)"))

    # check one locale after the update (the check exits 1: the edit left untranslated entries)
    add(Row("translatio", f"check -l {LOCALE}, every check, cache warm from the check before the edit", lambda: None, f"check {label}", ours=True, setup=restore("updated")),
        [*cli, "check", "-l", LOCALE], ok=(0, 1), environment=env)
    add(Row("translatio", f"check -l {LOCALE}, every check, --no-cache", lambda: None, f"check {label}", ours=True, setup=restore("updated")),
        [*cli, "--no-cache", "check", "-l", LOCALE], ok=(0, 1), environment=env)
    if which("pofilter"):
        add(Row("Translate Toolkit", "pofilter, default tests, one combined catalogue", lambda: None, f"check {label}"),
            ["pofilter", "--progress=none", "-i", space.peers / "updated.po", "-o", space.peers / "pofilter.po"], ok=(0, 1))
        # the same entries as ours: every per-article catalogue of the locale (one process, a folder in, a folder out)
        def fresh_folders() -> None:
            space.restore("updated")
            shutil.rmtree(space.peers / "pofilter-out", ignore_errors=True)

        add(Row("Translate Toolkit", "pofilter, default tests, the locale's catalogues (our layout)", lambda: None, f"check {label}", setup=fresh_folders),
            ["pofilter", "--progress=none", "-i", space.site / "locale" / LOCALE / "LC_MESSAGES", "-o", space.peers / "pofilter-out"], ok=(0, 1))
    else:
        skipped.append(Skipped("pofilter", "not installed (apt-get install translate-toolkit)"))
    if which("msgfmt"):
        add(Row("GNU msgfmt", "msgfmt --check, one combined catalogue", lambda: None, f"check {label}"),
            ["msgfmt", "--check", "-o", "/dev/null", space.peers / "updated.po"])

    # build
    add(Row("translatio", "build en + de, fr, es, HTML + text, verified, --no-cache", lambda: None, f"build {label}", ours=True, setup=restore("updated")),
        [*cli, "--no-cache", "build"], environment=env)

    def edit_one() -> None:
        space.restore("built")
        edit_one_article(space.site, "scale")

    add(Row("translatio", "build after one article's edit, cache warm", lambda: None, f"build {label}", ours=True, setup=edit_one),
        [*cli, "build"], environment=env)
    add(Row("floor", "markdown-it-py + Jinja + write the same pages, nothing checked", lambda: None, f"build {label}"),
        [sys.executable, __file__, "--floor", space.site, space.root / "floor"])
    return rows, skipped


# --- the floor ---------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="../style.css"></head>
<body><main>{{ body }}</main></body></html>
"""


def floor(site: Path, out: Path) -> None:
    """Render every article once per locale with markdown-it-py and Jinja, write HTML and text:
    what any Python site generator using these libraries must at least do."""
    from jinja2 import Environment
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    settings = site / "pyproject.toml"
    import tomllib

    locales = ["en", *tomllib.loads(settings.read_text(encoding="utf-8"))["tool"]["translatio"]["locales"]]
    shutil.rmtree(out, ignore_errors=True)
    markdown = MarkdownIt("commonmark")
    page = Environment(autoescape=True).from_string(_PAGE)
    for code in locales:
        (out / code).mkdir(parents=True)
    for source in sorted((site / "source").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        for code in locales:
            html = markdown.render(body)
            (out / code / f"{source.stem}.html").write_text(page.render(lang=code, title=source.stem, body=Markup(html)), encoding="utf-8")
            (out / code / f"{source.stem}.txt").write_text(body, encoding="utf-8")


# --- the report ----------------------------------------------------------------------------------


def print_peaks(rows: list[Row]) -> None:
    print("  peak memory (MB, the process and its workers):")
    for index, row in enumerate(rows):
        if index in PEAKS:
            print(f"    {row.tool}, {row.what}: {PEAKS[index] / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="articles per site, comma-separated (default 100,1000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--budget", type=float, default=90.0, help="stop repeating a measurement after this many seconds (default 90)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translatio-bench"), help="scratch folder (reused between runs)")
    parser.add_argument("--prepare-only", action="store_true", help="generate and prepare the sites, time nothing")
    parser.add_argument("--jobs", default=",".join(JOBS), help=f"the jobs to time, comma-separated (default {','.join(JOBS)})")
    parser.add_argument("--floor", nargs=2, type=Path, metavar=("SITE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        floor(*args.floor)
        return 0
    sizes = [int(size) for size in args.sizes.split(",") if size]
    growth: dict[str, dict[int, float]] = {}
    with exclusive(args.workdir):
        print("\n".join(machine_lines(None)))
        for size in sizes:
            jobs = [job for job in args.jobs.split(",") if job]
            space, summary = prepare(args.workdir, size, args.seed, build="build" in jobs)
            if args.prepare_only:
                print(f"prepared {space.root}")
                continue
            rows, skipped = rows_for(space, f"{size}", jobs)
            PEAKS.clear()
            measure(rows, args.runs, args.budget)
            print_table(
                f"{size} articles ({summary['unique_segments']} unique segments of {summary['segments']}; "
                f"the edit: {summary['edited']} of {summary['paragraphs']} paragraphs)",
                rows,
                skipped,
            )
            print_peaks(rows)
            for row in rows:
                if row.ours and row.times:
                    growth.setdefault(f"{row.group.split()[0]}: {row.what}", {})[size] = row.median
    print("\ngrowth: our medians (seconds) and milliseconds per article")
    for job, figures in growth.items():
        cells = ", ".join(f"{size}: {value:.2f} s ({value / size * 1000:.1f} ms/article)" for size, value in sorted(figures.items()))
        print(f"  {job}: {cells}")
    print(f"  at the end, {load_line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
