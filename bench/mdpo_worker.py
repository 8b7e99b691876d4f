"""Runs mdpo's ``md2po`` and ``po2md`` through their Python API inside mdpo's own virtualenv.

Why a separate process: mdpo is installed in its own virtualenv so that it cannot change the
project's dependencies (it pins its own polib and md4c). The benchmark scripts start this file
with that interpreter (``$MDPO_PYTHON``). It times the work itself, in one process, after the
imports, so the figure is mdpo's own speed and comparable with our in-process API figure; the
interpreter start-up is not counted. It prints one line of JSON.

Only the standard library and mdpo are imported here.

Usage::

    python mdpo_worker.py md2po LIST OUT_DIR {per-file,combined}
    python mdpo_worker.py po2md JOBS.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown


def md2po(sources: list[str], out_dir: Path, mode: str) -> dict[str, float | int]:
    """Extract every source: one catalogue per file (our layout) or one for all (mdpo's usual)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / (Path(s).stem + ".pot") for s in sources] if mode == "per-file" else [out_dir / "all.pot"]
    for target in targets:  # md2po merges into an existing file: start from nothing, untimed
        target.unlink(missing_ok=True)
    messages = 0
    start = time.perf_counter()
    if mode == "per-file":
        for source, target in zip(sources, targets):
            messages += len(markdown_to_pofile(source, po_filepath=str(target), save=True, location=True))
    else:
        messages = len(markdown_to_pofile(sources, po_filepath=str(targets[0]), save=True, location=True))
    return {"seconds": time.perf_counter() - start, "files": len(sources), "messages": messages}


def po2md(jobs: list[tuple[str, str, str]]) -> dict[str, float | int]:
    """Translate each Markdown file with its catalogue, writing the localized Markdown."""
    for _, _, out in jobs:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for source, catalogue, out in jobs:
        pofile_to_markdown(source, catalogue, save=out)
    return {"seconds": time.perf_counter() - start, "files": len(jobs)}


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "md2po":
        sources = Path(argv[1]).read_text(encoding="utf-8").split("\n")
        result = md2po([s for s in sources if s], Path(argv[2]), argv[3])
    elif len(argv) == 2 and argv[0] == "po2md":
        result = po2md([tuple(job) for job in json.loads(Path(argv[1]).read_text(encoding="utf-8"))])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
