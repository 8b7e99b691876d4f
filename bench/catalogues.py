"""Catalogue maintenance, ours and the peers', timed side by side in one run.

The job: a translated site of N articles (default 1,000; see :mod:`corpus`) gets an editorial
revision (one-word edits in ~5% of the paragraphs, a few paragraphs deleted and added); the
catalogues of three locales must be brought up to date. Every tool does that job on the same
files, on the same machine, in the same run:

- ours: ``translatio extract`` alone, and ``translatio update`` (extract + merge into de, fr,
  es), each through the library API in this process and through the CLI as a subprocess; and
  the API update without the translation memory (``use_memory=False``, when the API has it),
  which is the job msgmerge and po4a do;
- GNU gettext: ``msgmerge --previous`` (fuzzy matching on, its default) of the same old
  catalogues with our new templates, once per file as our one-domain-per-article layout needs,
  and once on one combined catalogue per locale (``msgcat``-ed, untimed), msgmerge's best case;
- po4a: ``po4a-updatepo -f text -o markdown`` to extract all articles into one template, and to
  update one catalogue per locale (three ``-p`` in one process, po4a's fastest way);
- mdpo: ``md2po`` through its Python API in one process: one catalogue per article (our layout),
  and one catalogue for the whole site (mdpo's usual layout). mdpo has no fuzzy merge, so it
  is compared with our extraction only.

Our first API row of each job is the baseline; "× ours" is a row's median over it. Our update
rows include extraction, the msgmerge rows do not. Before each run of ours the project is
copied back to its state before the update (untimed), so every run does the same work.

Peers are found at run time (po4a and msgmerge on PATH; mdpo through ``$MDPO_PYTHON`` or an
``md2po`` on PATH) and reported as skipped when missing. No network is used.

Usage::

    python bench/catalogues.py                    # 1,000 articles, 3 runs
    python bench/catalogues.py --articles 200 --runs 5
    python bench/catalogues.py --quick            # slow peers on a sample, extrapolated
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PO4A_FORMAT,
    WORKER,
    Row,
    exclusive,
    fingerprint,
    Skipped,
    machine_lines,
    mdpo_python,
    missing_po4a,
    measure,
    print_table,
    run,
    translatio_command,
    which,
)
from corpus import LOCALES, SEED, revise_sources, translate_pofile, translate_project, unique_segments, write_site  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.extract import extract_project, write_templates  # noqa: E402
from pipeline.update import update_locales  # noqa: E402

@dataclass(frozen=True, slots=True)
class Workspace:
    """The prepared folders; everything a timed run reads is made here, untimed, once."""

    root: Path
    old: Path
    """The site before the revision, with every catalogue translated."""
    base: Path
    """The site after the revision, its catalogues still as the translators left them."""
    new: Path
    """A fresh copy of ``base`` before each run: every run of ours starts from the same state
    (catalogues, templates, and whatever else the pipeline keeps in the project, such as the
    translation memory's index)."""
    pots: Path
    """Our templates of the revised site (what msgmerge merges the old catalogues with)."""

    @property
    def summary(self) -> dict[str, int]:
        summary: dict[str, int] = json.loads((self.root / "stamp.json").read_text(encoding="utf-8"))["summary"]
        return summary

    def reset(self) -> None:
        shutil.rmtree(self.new, ignore_errors=True)
        shutil.copytree(self.base, self.new, symlinks=True)

    def domains(self) -> list[str]:
        return sorted(p.stem for p in self.pots.glob("*.pot"))


def prepare(workdir: Path, articles: int, seed: int) -> Workspace:
    """Generate, translate and revise the site, unless a previous run left the same one."""
    root = workdir / f"catalogues-{articles}-{seed}"
    space = Workspace(root, root / "old", root / "base", root / "new", root / "pots")
    stamp = root / "stamp.json"
    wanted = fingerprint("catalogues", articles, seed)
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == wanted and _complete(space, articles):
        print(f"reusing {root}")
        return space
    print(f"preparing {root} (generate, translate, revise)…", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    write_site(space.old, articles, seed)
    unique, total = unique_segments(space.old)
    translate_project(space.old)
    # A project that uses translatio has a memory: its first update harvested the catalogues.
    # The timed updates start from there (a row below times the first harvest on its own).
    update_locales(load_config(space.old))
    shutil.copytree(space.old, space.base, symlinks=True)
    revision = revise_sources(space.base, seed)
    space.reset()
    config = load_config(space.new)
    write_templates(config, extract_project(config).texts)
    space.pots.mkdir()
    for pot in (space.new / "locale").glob("*.pot"):
        shutil.copy(pot, space.pots / pot.name)
    summary = {
        "articles": articles,
        "unique_segments": unique,
        "segments": total,
        "edited": revision.edited,
        "deleted": revision.deleted,
        "added": revision.added,
        "paragraphs": revision.paragraphs,
    }
    stamp.write_text(json.dumps({"fingerprint": wanted, "summary": summary}), encoding="utf-8")
    return space


def _complete(space: Workspace, articles: int) -> bool:
    """Every file a run reads is there (a run interrupted while preparing leaves a partial one)."""
    domains = articles + 1
    catalogues = [len(list((space.old / "locale" / code / "LC_MESSAGES").glob("*.po"))) for code in LOCALES]
    return (
        len(list(space.pots.glob("*.pot"))) == domains
        and catalogues == [domains] * len(LOCALES)
        and len(list((space.base / "source").glob("*.md"))) == articles
    )


# --- ours ------------------------------------------------------------------------------------

After = Callable[[], str]
"""A line printed under the table once everything is timed (a check, a summary of the work)."""


def ours(space: Workspace) -> tuple[list[Row], list[After]]:
    """Extract alone and extract + update of 3 locales, in-process and as the CLI."""

    def extract_api() -> None:
        config = load_config(space.new)
        write_templates(config, extract_project(config).texts)

    merged: dict[str, int] = {}

    def update_api() -> None:
        results = update_locales(load_config(space.new))
        merged.clear()
        for result in results:
            for key, value in result.summary.as_dict().items():
                merged[key] = merged.get(key, 0) + value

    cli = [*translatio_command(), "-C", str(space.new)]
    rows = [
        Row("translatio (API)", "extract: every article → its .pot, + ui.pot", extract_api, "extract", ours=True, setup=space.reset),
        Row("translatio (CLI)", "translatio extract, subprocess", partial(_quiet, [*cli, "extract"]), "extract", ours=True, setup=space.reset),
        Row("translatio (API)", "update: extract + merge into 3 locales", update_api, "update", ours=True, setup=space.reset),
        Row("translatio (CLI)", "translatio update, subprocess", partial(_quiet, [*cli, "update"]), "update", ours=True, setup=space.reset),
    ]
    def without_memory() -> None:
        space.reset()
        shutil.rmtree(space.new / "locale" / "tm", ignore_errors=True)
        for index in (space.new / "locale").glob(".tm-index.sqlite*"):
            index.unlink()

    rows.append(Row("translatio (API)", "update, first run: memory built from every catalogue", update_api, "update", ours=True, setup=without_memory))
    if "use_memory" in inspect.signature(update_locales).parameters:
        # The same update without harvesting into / suggesting from the translation memory:
        # the memory's share of the time, and the job msgmerge and po4a do.
        rows.append(Row("translatio (API)", "update without the translation memory", partial(_merge_only, space.new), "update", ours=True, setup=space.reset))

    def work() -> str:
        done = ", ".join(f"{merged.get(k, 0)} {k}" for k in ("new", "changed", "obsolete", "unchanged", "memory"))
        return f"our update did, over 3 locales: {done}"

    return rows, [work]


def _quiet(command: Sequence[str | Path], cwd: Path | None = None) -> None:
    """Run a command for its time only (its output is not wanted)."""
    run(command, cwd=cwd)


def _merge_only(root: Path) -> None:
    """Our update as msgmerge does it: without the translation memory, where the API has one."""
    options: dict[str, Any] = {"use_memory": False} if "use_memory" in inspect.signature(update_locales).parameters else {}
    update_locales(load_config(root), **options)


# --- GNU gettext -------------------------------------------------------------------------------


def msgmerge(space: Workspace, quick: bool) -> tuple[list[Row], list[Skipped], list[After]]:
    """``msgmerge --previous`` per catalogue (our layout) and on one combined catalogue per locale."""
    if which("msgmerge") is None or which("msgcat") is None:
        return [], [Skipped("msgmerge", "not installed (apt-get install gettext)")], []
    out = space.root / "msgmerge"
    domains = space.domains()
    sample = domains[::10] if quick else domains
    scale = len(domains) / len(sample)

    def per_file() -> float:
        start = time.perf_counter()
        for code in LOCALES:
            target = out / code
            target.mkdir(parents=True, exist_ok=True)
            for domain in sample:
                old = space.old / "locale" / code / "LC_MESSAGES" / f"{domain}.po"
                run(["msgmerge", "--previous", "-q", "-o", target / f"{domain}.po", old, space.pots / f"{domain}.pot"])
        return (time.perf_counter() - start) * scale

    combined = space.root / "msgmerge-combined"
    combined.mkdir(exist_ok=True)
    run(["msgcat", "-o", combined / "all.pot", *sorted(space.pots.glob("*.pot"))])
    for code in LOCALES:
        olds = sorted((space.old / "locale" / code / "LC_MESSAGES").glob("*.po"))
        run(["msgcat", "--use-first", "-o", combined / f"old-{code}.po", *olds])

    def one_catalogue() -> None:
        for code in LOCALES:
            run(["msgmerge", "--previous", "-q", "-o", combined / f"{code}.po", combined / f"old-{code}.po", combined / "all.pot"])

    extrapolated = f"--quick: {len(sample)} of {len(domains)} domains per locale, time scaled ×{scale:.1f} (extrapolated)" if quick else ""
    rows = [
        Row("GNU msgmerge", f"msgmerge --previous, 1 process per .po ({len(LOCALES) * len(domains)} processes)", per_file, "update", note=extrapolated),
        Row("GNU msgmerge", "msgmerge --previous, 1 combined .po per locale ×3", one_catalogue, "update",
            note="the site's catalogues msgcat-ed into one per locale beforehand (untimed); msgmerge may use both cores (OpenMP)"),
    ]
    return rows, [], [partial(_agreement, space, out, sample)]


def _agreement(space: Workspace, out: Path, domains: list[str]) -> str:
    """How many of msgmerge's per-file results are byte-identical to ours (header aside)."""
    space.reset()
    _merge_only(space.new)
    same = total = 0
    for code in LOCALES:
        for domain in domains:
            mine = (space.new / "locale" / code / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")
            theirs = (out / code / f"{domain}.po").read_text(encoding="utf-8")
            total += 1
            same += _body(mine) == _body(theirs)
    return f"check: {same} of {total} catalogues merged by msgmerge are identical to ours without the memory (header entry aside)"


def _body(po: str) -> str:
    return po.split("\n\n", 1)[1] if "\n\n" in po else po


# --- po4a --------------------------------------------------------------------------------------


def _masters(sources: list[str]) -> list[str]:
    """``-m file`` for every source: po4a reads all the site's articles in one process."""
    return [arg for source in sources for arg in ("-m", source)]


def po4a(space: Workspace) -> tuple[list[Row], list[Skipped]]:
    """``po4a-updatepo`` to extract the site, and to update 3 locales' catalogues."""
    missing = missing_po4a()
    if missing:
        return [], [Skipped("po4a", f"not installed ({', '.join(missing)} not on PATH; apt-get install po4a)")]
    folder = space.root / "po4a"
    folder.mkdir(exist_ok=True)
    old_sources = sorted(str(p.relative_to(space.old)) for p in (space.old / "source").glob("*.md"))
    new_sources = sorted(str(p.relative_to(space.base)) for p in (space.base / "source").glob("*.md"))

    # The translators' po4a catalogues: po4a's own extraction of the old site, translated.
    old_pot = folder / "old.pot"
    old_pot.unlink(missing_ok=True)
    run(["po4a-updatepo", *PO4A_FORMAT, *_masters(old_sources), "-p", old_pot], cwd=space.old)
    for code in LOCALES:
        translate_pofile(old_pot, code, folder / f"old-{code}.po")

    extracted = folder / "new.pot"
    work = folder / "work"

    def reset() -> None:
        work.mkdir(exist_ok=True)
        for code in LOCALES:
            shutil.copy(folder / f"old-{code}.po", work / f"{code}.po")

    pos = [arg for code in LOCALES for arg in ("-p", str(work / f"{code}.po"))]
    extract = ["po4a-updatepo", *PO4A_FORMAT, *_masters(new_sources), "-p", str(extracted)]
    update = ["po4a-updatepo", *PO4A_FORMAT, *_masters(new_sources), *pos]
    return [
        Row("po4a", "po4a-updatepo: extract all articles → 1 .pot", partial(_quiet, extract, space.base), "extract",
            setup=partial(extracted.unlink, missing_ok=True)),
        Row("po4a", "po4a-updatepo: extract + msgmerge 3 locales, 1 process", partial(_quiet, update, space.base), "update", setup=reset),
    ], []


# --- mdpo --------------------------------------------------------------------------------------


def mdpo(space: Workspace, quick: bool) -> tuple[list[Row], list[Skipped]]:
    """``md2po`` through its API: a catalogue per article, and one for the whole site."""
    python = mdpo_python()
    if python is None:
        return [], [Skipped("mdpo", "not installed (set MDPO_PYTHON=/path/to/python-with-mdpo or put md2po on PATH)")]
    folder = space.root / "mdpo"
    folder.mkdir(exist_ok=True)
    sources = sorted(str(p.relative_to(space.base)) for p in (space.base / "source").glob("*.md"))

    def worker(files: list[str], mode: str) -> float:
        listing = folder / f"sources-{len(files)}.txt"
        listing.write_text("\n".join(files), encoding="utf-8")
        out = run([python, WORKER, "md2po", listing, folder / mode, mode], cwd=space.base)
        return float(json.loads(out.strip().splitlines()[-1])["seconds"])

    n = len(sources)
    small, large = sources[: n // 4], sources[: n // 2]

    def extrapolated() -> float:
        """t = a·n + b·n² through two measurements: the cost grows with the square of the catalogue."""
        t1, t2 = worker(small, "combined"), worker(large, "combined")
        n1, n2 = len(small), len(large)
        b = (t2 / n2 - t1 / n1) / (n2 - n1)
        a = t1 / n1 - b * n1
        return a * n + b * n * n

    rows = [
        Row("mdpo", "md2po API, 1 .pot per article", partial(worker, sources, "per-file"), "extract",
            note="timed inside mdpo's process after the imports, like our API row", per=(n, "ms per file", 1000)),
    ]
    if quick:
        note = f"--quick: extrapolated from {len(small)} and {len(large)} files as t = a·n + b·n² (the cost grows with the square of the catalogue)"
        rows.append(Row("mdpo", "md2po API, 1 .pot for the site", extrapolated, "extract", note=note, per=(n, "ms per file", 1000)))
    else:
        note = "one catalogue for the whole site: each new message is looked up among all the others (quadratic)"
        rows.append(Row("mdpo", "md2po API, 1 .pot for the site", partial(worker, sources, "combined"), "extract", note=note, per=(n, "ms per file", 1000)))
    return rows, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the site (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="stop repeating a measurement once its runs took this many seconds (default 30)")
    parser.add_argument("--quick", action="store_true", help="run the slowest peers on a sample and extrapolate (labelled)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translatio-bench"), help="scratch folder (reused between runs)")
    parser.add_argument("--only", choices=["ours", "msgmerge", "po4a", "mdpo"], action="append", help="measure only these (repeatable)")
    args = parser.parse_args(argv)
    with exclusive(args.workdir):
        return run_all(args)


def run_all(args: argparse.Namespace) -> int:
    """Prepare the sites, time every tool, print the table."""
    wanted = set(args.only or ["ours", "msgmerge", "po4a", "mdpo"]) | {"ours"}

    python_mdpo = mdpo_python()
    print("\n".join(machine_lines(python_mdpo)))
    space = prepare(args.workdir, args.articles, args.seed)
    s = space.summary
    print(f"site: {s['articles']} articles, {s['unique_segments']} unique segments of {s['segments']}; "
          f"revision: {s['edited']} of {s['paragraphs']} paragraphs edited by one word, {s['deleted']} deleted, {s['added']} added; "
          f"locales: {', '.join(LOCALES)}")

    rows, after = ours(space)
    skipped: list[Skipped] = []
    if "msgmerge" in wanted:
        found, skip, checks = msgmerge(space, args.quick)
        rows += found
        skipped += skip
        after += checks
    if "po4a" in wanted:
        found, skip = po4a(space)
        rows += found
        skipped += skip
    if "mdpo" in wanted:
        found, skip = mdpo(space, args.quick)
        rows += found
        skipped += skip
    measure(rows, args.runs, args.budget)
    rows.sort(key=lambda r: (r.group != "extract", not r.ours))
    print_table(f"catalogues: {args.articles} articles, 3 locales", rows, skipped)
    for line in after:
        print("  " + line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
