"""Publishing localized pages, ours and the peers', timed side by side in one run.

The job: a site of N articles (default 1,000; see :mod:`corpus`) with complete catalogues for
every locale of the project (default the six shipped ones: de, fr, es, ru, ar, ja; ``--locales``)
is turned into localized pages. The tools do not produce the same thing, and the
table says so:

- ours: ``translatio build`` renders every article in the source language and every locale to
  HTML *and* text, reads every page back to verify its disclaimer, and publishes atomically:
  cold (nothing cached: through the library API in this process, and as the CLI subprocess with
  ``--no-cache``) and warm (the CLI with its cache, after one article's edit — the rebuild an
  author waits for); how the cold build grows with the site is measured on 100, 300 and N
  articles (``--sizes``);
- po4a: ``po4a-translate -f text -o markdown`` writes each article's localized Markdown, one
  process per article and locale, as po4a is used from a Makefile. It reads the locale's one
  catalogue for the whole site (po4a's usual layout); a second row gives it a catalogue of just
  that article, its best case. At about half a second per process the full job takes tens of
  minutes, so by default it runs on a sample of articles and the total is extrapolated from the
  sample's time per file (``--sample 0`` runs everything); such rows are labelled;
- mdpo: ``po2md`` through its Python API in one process writes each article's localized
  Markdown from a catalogue of that article (made by ``md2po``, then translated, untimed).

The peers write Markdown only (no HTML, no text page, no verification): a peer's time is a
lower bound of what it would take to do our job.

Usage::

    python bench/build.py                       # 1,000 articles, up to 3 runs, po4a on a sample
    python bench/build.py --articles 10000 --sizes 1000 --runs 1   # the 10,000-article site
    python bench/build.py --articles 300 --runs 5 --sizes 100,300 --locales de,fr,es
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Sequence

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
)
from corpus import SEED, edit_one_article, translate_pofile, translate_project, unique_segments, write_site  # noqa: E402

from pipeline import cache  # noqa: E402
from pipeline.build import build_site  # noqa: E402
from pipeline.config import load_config  # noqa: E402

@dataclass(frozen=True, slots=True)
class Site:
    """A generated, fully translated project of ``articles`` articles."""

    root: Path
    articles: int
    unique: int
    segments: int
    locales: tuple[str, ...]

    def sources(self) -> list[str]:
        """The articles, relative to the project folder, as the peers are given them."""
        return sorted(str(p.relative_to(self.root)) for p in (self.root / "source").glob("*.md"))


def prepare_site(workdir: Path, articles: int, seed: int, locales: tuple[str, ...], keep: bool = False) -> Site:
    """Generate and translate a site, unless a previous run left the same one (made by the same
    code; with ``keep``, by any code: the build only reads the catalogues, and preparing
    10,000 articles takes the better part of an hour)."""
    folder = workdir / f"build-{articles}-{seed}-{'-'.join(locales)}"
    stamp = folder / "stamp.json"
    wanted = fingerprint("build", articles, seed, locales)
    if stamp.is_file():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        site = Site(folder / "site", articles, saved["unique"], saved["segments"], locales)
        if (keep or saved["fingerprint"] == wanted) and _complete(site):
            if saved["fingerprint"] != wanted:
                print(f"reusing {folder}, prepared by another version of translatio (--keep-site)", flush=True)
            return site
    print(f"preparing {folder} (generate, translate)…", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    root = folder / "site"
    write_site(root, articles, seed, locales)
    unique, total = unique_segments(root)
    translate_project(root, locales)
    stamp.write_text(json.dumps({"fingerprint": wanted, "unique": unique, "segments": total}), encoding="utf-8")
    return Site(root, articles, unique, total, locales)


def _complete(site: Site) -> bool:
    """Every source and catalogue is there (a run interrupted while preparing leaves a partial site)."""
    catalogues = [len(list((site.root / "locale" / code / "LC_MESSAGES").glob("*.po"))) for code in site.locales]
    return len(site.sources()) == site.articles and catalogues == [site.articles + 1] * len(site.locales)


# --- ours ------------------------------------------------------------------------------------


def ours(sites: list[Site]) -> list[Row]:
    """Cold through the API at every size (the growth), cold and warm through the CLI at the largest."""
    largest = sites[-1]
    label = f"build: {largest.articles} articles × (en + {len(largest.locales)} locales) → HTML + text, verified"
    cli = [*translatio_command(), "-C", str(largest.root), "build"]
    edits = 0

    def edit() -> None:
        """Before each warm run, untimed: fill the cache (the first time), then edit one article."""
        nonlocal edits
        if not edits:
            run(cli)
        edits += 1
        edit_one_article(largest.root, str(edits))

    rows = [
        Row("translatio (API)", f"{label}, cold", partial(_build, largest.root), "build", ours=True,
            per=(largest.articles * (1 + len(largest.locales)), "ms per article and language, HTML + text", 1000)),
        Row("translatio (CLI)", "translatio --no-cache build, subprocess", partial(_quiet, [*translatio_command(), "-C", str(largest.root), "--no-cache", "build"]), "build", ours=True),
        Row("translatio (CLI)", "translatio build after one article's edit, cache warm", partial(_quiet, cli), "warm", ours=True, setup=edit,
            note="the edit (one paragraph added to the first article, untranslated) and the first build that fills the cache are not timed"),
        Row("translatio (CLI)", "translatio build, nothing changed since the last build", partial(_quiet, cli), "unchanged", ours=True,
            setup=partial(_quiet, cli), note="what every build in place costs whatever the change: the build before it is not timed"),
    ]
    for site in reversed(sites[:-1]):
        rows.append(Row("translatio (API)", f"build: {site.articles} articles (growth), cold", partial(_build, site.root), f"growth-{site.articles}"))
    return rows


def _build(root: Path) -> None:
    """A cold build in this process: no cache read or written."""
    with cache.switched_off():
        build_site(load_config(root))


def _quiet(command: Sequence[str | Path], cwd: Path | None = None) -> None:
    """Run a command for its time only (its output is not wanted)."""
    run(command, cwd=cwd)


# --- po4a --------------------------------------------------------------------------------------


def _sample(sources: list[str], size: int) -> list[str]:
    """Every k-th article, so that the sample has the site's mix of short and long ones."""
    if size <= 0 or size >= len(sources):
        return sources
    step = len(sources) / size
    return [sources[int(i * step)] for i in range(size)]


def po4a(site: Site, sample_size: int) -> tuple[list[Row], list[Skipped]]:
    """``po4a-translate``, one process per article and locale, with the site's or the article's .po."""
    missing = missing_po4a()
    if missing:
        return [], [Skipped("po4a", f"not installed ({', '.join(missing)} not on PATH; apt-get install po4a)")]
    import polib

    folder = site.root.parent / "po4a"
    sources = site.sources()
    sample = _sample(sources, sample_size)
    whole = folder / "whole"
    if not (whole / f"{site.locales[-1]}.po").is_file():  # po4a's catalogues, made once (untimed)
        whole.mkdir(parents=True, exist_ok=True)
        pot = whole / "site.pot"
        pot.unlink(missing_ok=True)
        run(["po4a-updatepo", *PO4A_FORMAT, *[a for s in sources for a in ("-m", s)], "-p", pot], cwd=site.root)
        for code in site.locales:
            translate_pofile(pot, code, whole / f"{code}.po")
    split = folder / "split"
    for code in site.locales:  # the sample's own catalogues: the entries that occur in that article
        catalogue = polib.pofile(str(whole / f"{code}.po"))
        wanted = set(sample)
        per_file: dict[str, polib.POFile] = {}
        for entry in catalogue:
            for source in {file for file, _ in entry.occurrences} & wanted:
                if source not in per_file:
                    per_file[source] = polib.POFile(wrapwidth=79)
                    per_file[source].metadata = dict(catalogue.metadata)
                per_file[source].append(entry)
        for source, own in per_file.items():
            target = split / code / (Path(source).stem + ".po")
            target.parent.mkdir(parents=True, exist_ok=True)
            own.save(str(target))

    out = folder / "out"
    scale = len(sources) / len(sample)

    def translate(own_catalogue: bool) -> float:
        start = time.perf_counter()
        for code in site.locales:
            for source in sample:
                catalogue = split / code / (Path(source).stem + ".po") if own_catalogue else whole / f"{code}.po"
                target = out / code / Path(source).name
                target.parent.mkdir(parents=True, exist_ok=True)
                command: list[str | Path] = ["po4a-translate", *PO4A_FORMAT, "-L", "UTF-8", "-k", "0", "-m", source, "-p", catalogue, "-l", target]
                run(command, cwd=site.root)
        return (time.perf_counter() - start) * scale

    processes = len(sources) * len(site.locales)
    note = (
        f"extrapolated: {len(sample)} of {len(sources)} articles ×{len(site.locales)} locales run "
        f"({len(sample) * len(site.locales)} processes), time ×{scale:.0f}"
        if scale > 1
        else ""
    )
    return [
        Row("po4a", "po4a-translate per article, site's .po", partial(translate, False), "build", note=note, per=(processes, "s per process", 1)),
        Row("po4a", "po4a-translate per article, article's .po", partial(translate, True), "build", note=note, per=(processes, "s per process", 1)),
    ], []


# --- mdpo --------------------------------------------------------------------------------------


def mdpo(site: Site) -> tuple[list[Row], list[Skipped]]:
    """``po2md`` through its API in one process, each article with its own catalogue."""
    python = mdpo_python()
    if python is None:
        return [], [Skipped("mdpo", "not installed (set MDPO_PYTHON=/path/to/python-with-mdpo or put md2po on PATH)")]
    folder = site.root.parent / "mdpo"
    sources = site.sources()
    catalogues = folder / "catalogues"
    if not (catalogues / site.locales[-1] / (Path(sources[-1]).stem + ".po")).is_file():  # made once, untimed
        listing = folder / "sources.txt"
        folder.mkdir(parents=True, exist_ok=True)
        listing.write_text("\n".join(sources), encoding="utf-8")
        run([python, WORKER, "md2po", listing, folder / "pot", "per-file"], cwd=site.root)
        for code in site.locales:
            (catalogues / code).mkdir(parents=True, exist_ok=True)
            for source in sources:
                stem = Path(source).stem
                translate_pofile(folder / "pot" / f"{stem}.pot", code, catalogues / code / f"{stem}.po")
    jobs = [
        (source, str(catalogues / code / (Path(source).stem + ".po")), str(folder / "out" / code / Path(source).name))
        for code in site.locales
        for source in sources
    ]
    listing = folder / "jobs.json"
    listing.write_text(json.dumps(jobs), encoding="utf-8")

    def po2md() -> float:
        result = json.loads(run([python, WORKER, "po2md", listing], cwd=site.root).strip().splitlines()[-1])
        return float(result["seconds"])

    return [Row("mdpo", f"po2md API, 1 process, {len(jobs)} files", po2md, "build",
                note="timed inside mdpo's process after the imports, like our API row", per=(len(jobs), "ms per file", 1000))], []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the site (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop repeating a measurement once its runs took this many seconds (default 60)")
    parser.add_argument("--sizes", default="100,300", help="smaller sites for our growth curve (default 100,300)")
    parser.add_argument("--sample", type=int, default=15,
                        help="articles po4a-translate runs on, extrapolated to the site (default 15; 0 = all)")
    parser.add_argument("--locales", default="de,fr,es,ru,ar,ja", help="target locales (default: the six shipped ones)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translatio-bench"), help="scratch folder (reused between runs)")
    parser.add_argument("--only", choices=["ours", "po4a", "mdpo"], action="append", help="measure only these (repeatable)")
    parser.add_argument("--keep-site", action="store_true",
                        help="reuse a prepared site even if translatio's code changed since (the catalogues it wrote are only read)")
    parser.add_argument("--prepare-only", action="store_true", help="prepare the sites and stop")
    args = parser.parse_args(argv)
    with exclusive(args.workdir):
        return run_all(args)


def run_all(args: argparse.Namespace) -> int:
    """Prepare the sites, time every tool, print the table."""
    wanted = set(args.only or ["ours", "po4a", "mdpo"]) | {"ours"}
    sizes = sorted({int(n) for n in args.sizes.split(",") if n.strip() and int(n) < args.articles} | {args.articles})

    print("\n".join(machine_lines(mdpo_python())))
    locales = tuple(code.strip() for code in args.locales.split(",") if code.strip())
    sites = [prepare_site(args.workdir, n, args.seed, locales, args.keep_site) for n in sizes]
    if args.prepare_only:
        return 0
    largest = sites[-1]
    print(f"site: {largest.articles} articles, {largest.unique} unique segments of {largest.segments}; "
          f"locales: en (source), {', '.join(largest.locales)}; every catalogue translated")

    rows = ours(sites)
    skipped: list[Skipped] = []
    if "po4a" in wanted:
        found, skip = po4a(largest, args.sample)
        rows += found
        skipped += skip
    if "mdpo" in wanted:
        found, skip = mdpo(largest)
        rows += found
        skipped += skip
    measure(rows, args.runs, args.budget)
    growth = sorted((int(r.group.removeprefix("growth-")), r.best) for r in rows if r.group.startswith("growth-"))
    growth.append((largest.articles, rows[0].best))
    print_table(f"build: {largest.articles} articles, en + {len(locales)} locales", [r for r in rows if not r.group.startswith("growth-")], skipped)

    print("\n  how our build grows (API, best of the runs):")
    first_n, first_t = growth[0]
    for n, seconds in growth:
        print(f"    {n:>6} articles  {seconds:7.2f} s  {seconds / n * 1000:6.1f} ms per article  "
              f"{seconds / first_t:5.2f}× the {first_n}-article time for {n / first_n:.0f}× the articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
