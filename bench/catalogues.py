"""Catalogue maintenance, ours and the peers', timed side by side in one run.

The job: a translated site of N articles (default 1,000; see :mod:`corpus`) gets an editorial
revision (one-word edits in ~5% of the paragraphs, a few paragraphs deleted and added); the
catalogues of three locales must be brought up to date. Every tool does that job on the same
files, on the same machine, in the same run:

- ours: ``translatio extract`` alone, and ``translatio update`` (extract + merge into de, fr,
  es), each through the library API in this process and through the CLI as a subprocess;
- GNU gettext: ``msgmerge --previous`` (fuzzy matching on, its default) of the same old
  catalogues with our new templates, once per file as our one-domain-per-article layout needs,
  and once on one combined catalogue per locale (``msgcat``-ed, untimed), msgmerge's best case;
- po4a: ``po4a-updatepo -f text -o markdown`` to extract all articles into one template, and to
  update one catalogue per locale (three ``-p`` in one process, po4a's fastest way);
- mdpo: ``md2po`` through its Python API in one process: one catalogue per article (our layout),
  and one catalogue for the whole site (mdpo's usual layout). mdpo has no fuzzy merge, so it
  is compared with our extraction only.

Our rows are the baselines; "× ours" is a peer's median over ours for the same job. Our update
row includes extraction, the msgmerge rows do not: where they are close, we are the faster.

Peers are found at run time (po4a and msgmerge on PATH; mdpo through ``$MDPO_PYTHON`` or an
``md2po`` on PATH) and reported as skipped when missing. No network is used.

Usage::

    python bench/catalogues.py                    # 1,000 articles, 3 runs
    python bench/catalogues.py --articles 200 --runs 5
    python bench/catalogues.py --quick            # slow peers on a sample, extrapolated
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    WORKER,
    Row,
    Skipped,
    machine_lines,
    mdpo_python,
    missing_po4a,
    print_table,
    repeat,
    run,
    translatio_command,
    which,
)
from corpus import LOCALES, SEED, revise_sources, translate_pofile, translate_project, unique_segments, write_site  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.extract import extract_project, write_templates  # noqa: E402
from pipeline.update import update_locales  # noqa: E402

PO4A_FORMAT = ["-f", "text", "-o", "markdown", "-M", "UTF-8"]


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
        return json.loads((self.root / "stamp.json").read_text(encoding="utf-8"))["summary"]

    def reset(self) -> None:
        shutil.rmtree(self.new, ignore_errors=True)
        shutil.copytree(self.base, self.new, symlinks=True)

    def domains(self) -> list[str]:
        return sorted(p.stem for p in self.pots.glob("*.pot"))


def _fingerprint(articles: int, seed: int) -> str:
    corpus = (Path(__file__).resolve().parent / "corpus.py").read_bytes()
    return hashlib.sha256(corpus + f"{articles}:{seed}".encode()).hexdigest()[:16]


def prepare(workdir: Path, articles: int, seed: int) -> Workspace:
    """Generate, translate and revise the site, unless a previous run left the same one."""
    root = workdir / f"catalogues-{articles}-{seed}"
    space = Workspace(root, root / "old", root / "base", root / "new", root / "pots")
    stamp = root / "stamp.json"
    fingerprint = _fingerprint(articles, seed)
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == fingerprint:
        print(f"reusing {root}")
        return space
    print(f"preparing {root} (generate, translate, revise)…", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    write_site(space.old, articles, seed)
    unique, total = unique_segments(space.old)
    translate_project(space.old)
    shutil.copytree(space.old, space.base, symlinks=True)
    revision = revise_sources(space.base, seed)
    space.reset()
    config = load_config(space.new)
    write_templates(config, extract_project(config)[1])
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
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "summary": summary}), encoding="utf-8")
    return space


# --- ours ------------------------------------------------------------------------------------


def bench_ours(space: Workspace, runs: int, budget: float) -> tuple[list[Row], str]:
    """Extract alone and extract + update of 3 locales, in-process and as the CLI."""
    rows = []

    def extract_api() -> None:
        config = load_config(space.new)
        write_templates(config, extract_project(config)[1])

    merged: dict[str, int] = {}

    def update_api() -> None:
        results = update_locales(load_config(space.new))
        merged.clear()
        for result in results:
            for key, value in result.summary.as_dict().items():
                merged[key] = merged.get(key, 0) + value

    cli = translatio_command()
    rows.append(Row("translatio (API)", "extract: N articles → N+1 .pot", repeat(extract_api, runs, budget, space.reset), "extract", ours=True))
    rows.append(Row("translatio (CLI)", "translatio extract, subprocess", repeat(lambda: _quiet(cli + ["-C", str(space.new), "extract"]), runs, budget, space.reset), "extract", ours=True))
    rows.append(Row("translatio (API)", "update: extract + merge into 3 locales", repeat(update_api, runs, budget, space.reset), "update", ours=True))
    rows.append(Row("translatio (CLI)", "translatio update, subprocess", repeat(lambda: _quiet(cli + ["-C", str(space.new), "update"]), runs, budget, space.reset), "update", ours=True))
    if "use_memory" in inspect.signature(update_locales).parameters:
        # The same update without harvesting into / suggesting from the translation memory:
        # the share of the memory in the time, and the job msgmerge and po4a do.
        plain = repeat(lambda: _merge_only(space.new), runs, budget, space.reset)
        rows.append(Row("translatio (API)", "update without the translation memory", plain, "update", ours=True))
    work = ", ".join(f"{merged.get(k, 0)} {k}" for k in ("new", "changed", "obsolete", "unchanged"))
    return rows, f"our update did, over 3 locales: {work}"


def _quiet(command: Sequence[str | Path], cwd: Path | None = None) -> None:
    """Run a command for its time only (its output is not wanted)."""
    run(command, cwd=cwd)


# --- GNU gettext -------------------------------------------------------------------------------


def bench_msgmerge(space: Workspace, runs: int, budget: float, quick: bool) -> tuple[list[Row], list[Skipped], str]:
    if which("msgmerge") is None or which("msgcat") is None:
        return [], [Skipped("msgmerge", "not installed (apt-get install gettext)")], ""
    rows = []
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

    label = "msgmerge --previous per .po (3×N+3 processes)"
    note = f"--quick: {len(sample)} of {len(domains)} domains per locale, time scaled ×{scale:.1f} (extrapolated)" if quick else ""
    rows.append(Row("GNU msgmerge", label, repeat(per_file, runs, budget), "update", note=note))

    combined = space.root / "msgmerge-combined"
    combined.mkdir(exist_ok=True)
    run(["msgcat", "-o", combined / "all.pot", *sorted(space.pots.glob("*.pot"))])
    for code in LOCALES:
        olds = sorted((space.old / "locale" / code / "LC_MESSAGES").glob("*.po"))
        run(["msgcat", "--use-first", "-o", combined / f"old-{code}.po", *olds])

    def one_catalogue() -> None:
        for code in LOCALES:
            run(["msgmerge", "--previous", "-q", "-o", combined / f"{code}.po", combined / f"old-{code}.po", combined / "all.pot"])

    times = repeat(one_catalogue, runs, budget)
    rows.append(Row("GNU msgmerge", "msgmerge --previous, 1 combined .po per locale ×3", times, "update",
                    note="the site's catalogues msgcat-ed into one per locale beforehand (untimed); msgmerge may use both cores (OpenMP)"))
    agree = _agreement(space, out, sample)
    return rows, [], agree


def _agreement(space: Workspace, out: Path, domains: list[str]) -> str:
    """How many of msgmerge's per-file results are byte-identical to ours (header aside)."""
    space.reset()
    _merge_only(space.new)
    same = 0
    total = 0
    for code in LOCALES:
        for domain in domains:
            ours = (space.new / "locale" / code / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")
            theirs = (out / code / f"{domain}.po").read_text(encoding="utf-8")
            total += 1
            same += _body(ours) == _body(theirs)
    return f"check: {same} of {total} catalogues merged by msgmerge are identical to ours (header entry aside)"


def _merge_only(root: Path) -> None:
    """Our update as msgmerge does it: without the translation memory, where the API has one."""
    if "use_memory" in inspect.signature(update_locales).parameters:
        update_locales(load_config(root), use_memory=False)  # type: ignore[call-arg]
    else:
        update_locales(load_config(root))


def _body(po: str) -> str:
    return po.split("\n\n", 1)[1] if "\n\n" in po else po


# --- po4a --------------------------------------------------------------------------------------


def _masters(sources: list[str]) -> list[str]:
    """``-m file`` for every source: po4a reads all the site's articles in one process."""
    return [arg for source in sources for arg in ("-m", source)]


def bench_po4a(space: Workspace, runs: int, budget: float) -> tuple[list[Row], list[Skipped]]:
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
    extract = repeat(
        lambda: _quiet(["po4a-updatepo", *PO4A_FORMAT, *_masters(new_sources), "-p", extracted], space.base),
        runs, budget, setup=lambda: extracted.unlink(missing_ok=True),
    )
    work = folder / "work"

    def reset() -> None:
        work.mkdir(exist_ok=True)
        for code in LOCALES:
            shutil.copy(folder / f"old-{code}.po", work / f"{code}.po")

    pos = [arg for code in LOCALES for arg in ("-p", str(work / f"{code}.po"))]
    update = repeat(lambda: _quiet(["po4a-updatepo", *PO4A_FORMAT, *_masters(new_sources), *pos], space.base), runs, budget, reset)
    return [
        Row("po4a", "po4a-updatepo: extract all articles → 1 .pot", extract, "extract"),
        Row("po4a", "po4a-updatepo: extract + msgmerge 3 locales, 1 process", update, "update"),
    ], []



# --- mdpo --------------------------------------------------------------------------------------


def bench_mdpo(space: Workspace, runs: int, budget: float, quick: bool) -> tuple[list[Row], list[Skipped]]:
    python = mdpo_python()
    if python is None:
        return [], [Skipped("mdpo", "not installed (set MDPO_PYTHON=/path/to/python-with-mdpo or put md2po on PATH)")]
    folder = space.root / "mdpo"
    folder.mkdir(exist_ok=True)
    sources = sorted(str(p.relative_to(space.base)) for p in (space.base / "source").glob("*.md"))

    def worker(files: list[str], mode: str) -> dict[str, float]:
        listing = folder / f"sources-{len(files)}.txt"
        listing.write_text("\n".join(files), encoding="utf-8")
        out = run([python, WORKER, "md2po", listing, folder / mode, mode], cwd=space.base)
        return json.loads(out.strip().splitlines()[-1])

    per_file = repeat(lambda: worker(sources, "per-file")["seconds"], runs, budget)
    each = min(per_file) / len(sources) * 1000
    rows = [Row("mdpo", f"md2po API, 1 .pot per article ({each:.2f} ms per file)", per_file, "extract",
                note="timed inside mdpo's process after the imports, like our API row")]

    if quick:
        small, large = sources[: len(sources) // 4], sources[: len(sources) // 2]
        t1, t2 = worker(small, "combined")["seconds"], worker(large, "combined")["seconds"]
        n1, n2, n = len(small), len(large), len(sources)
        b = (t2 / n2 - t1 / n1) / (n2 - n1)  # t = a·n + b·n², through the two measurements
        a = t1 / n1 - b * n1
        combined = [a * n + b * n * n]
        note = f"--quick: extrapolated from {n1} files ({t1:.1f} s) and {n2} files ({t2:.1f} s) as t = a·n + b·n² (its cost grows with the square of the catalogue)"
    else:
        combined = repeat(lambda: worker(sources, "combined")["seconds"], runs, budget)
        note = "one catalogue for the whole site: each new message is looked up among all the others (quadratic)"
    each = min(combined) / len(sources) * 1000
    rows.append(Row("mdpo", f"md2po API, 1 .pot for the site ({each:.0f} ms per file)", combined, "extract", note=note))
    return rows, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the site (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--budget", type=float, default=45.0,
                        help="stop repeating a measurement once its runs took this many seconds (default 45)")
    parser.add_argument("--quick", action="store_true", help="run the slowest peers on a sample and extrapolate (labelled)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translatio-bench"), help="scratch folder (reused between runs)")
    parser.add_argument("--only", choices=["ours", "msgmerge", "po4a", "mdpo"], action="append", help="measure only these (repeatable)")
    args = parser.parse_args(argv)
    wanted = set(args.only or ["ours", "msgmerge", "po4a", "mdpo"]) | {"ours"}

    python_mdpo = mdpo_python()
    print("\n".join(machine_lines(python_mdpo)))
    space = prepare(args.workdir, args.articles, args.seed)
    s = space.summary
    print(f"site: {s['articles']} articles, {s['unique_segments']} unique segments of {s['segments']}; "
          f"revision: {s['edited']} of {s['paragraphs']} paragraphs edited by one word, {s['deleted']} deleted, {s['added']} added; "
          f"locales: {', '.join(LOCALES)}")

    rows: list[Row] = []
    skipped: list[Skipped] = []
    lines: list[str] = []
    ours, work = bench_ours(space, args.runs, args.budget)
    rows += ours
    lines.append(work)
    if "msgmerge" in wanted:
        found, skip, agree = bench_msgmerge(space, args.runs, args.budget, args.quick)
        rows += found
        skipped += skip
        if agree:
            lines.append(agree)
    if "po4a" in wanted:
        found, skip = bench_po4a(space, args.runs, args.budget)
        rows += found
        skipped += skip
    if "mdpo" in wanted:
        found, skip = bench_mdpo(space, args.runs, args.budget, args.quick)
        rows += found
        skipped += skip
    rows.sort(key=lambda r: (r.group != "extract", not r.ours))
    print_table(f"catalogues: {args.articles} articles, 3 locales", rows, skipped)
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
