"""What the benchmark scripts share: finding the peer tools, timing, and the printed table.

Why a module of its own: both scripts must time every tool the same way (same clock, same
repetition rule, same statistics) and print the same table, or their ratios would not be
comparable. Only the standard library is used here.

The repetition rule: each measurement runs ``--runs`` times, but stops repeating once the runs
so far have taken more than ``--budget`` seconds (always at least one run), so that a tool that
takes a minute does not make the default run take ten. The table shows how many runs each row
actually had, and the minimum and the median of them.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORKER = BENCH / "mdpo_worker.py"

PO4A_TOOLS = ("po4a-gettextize", "po4a-updatepo", "po4a-translate")


@dataclass(slots=True)
class Row:
    """One line of the table: a tool doing one job, timed one or more times."""

    tool: str
    what: str
    times: list[float] = field(default_factory=list)
    """Seconds per run (already scaled up when ``extrapolated`` is set)."""
    group: str = ""
    """Which of our rows this one is compared with (``extract``, ``update``, ``build``)."""
    ours: bool = False
    """One of our own measurements; the first ``ours`` row of a group is the baseline."""
    note: str = ""
    """Printed under the table, e.g. how an extrapolation was made."""

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass(slots=True)
class Skipped:
    """A peer that is not installed (or failed): the reason is printed instead of a row."""

    tool: str
    reason: str


def repeat(
    action: Callable[[], float | None],
    runs: int,
    budget: float,
    setup: Callable[[], None] | None = None,
) -> list[float]:
    """Time ``action`` up to ``runs`` times; ``setup`` (untimed) runs before each.

    ``action`` may return its own figure (a worker process that times itself in-process, or
    an extrapolation); otherwise the wall-clock time of the call is used.
    """
    times: list[float] = []
    for _ in range(max(1, runs)):
        if setup is not None:
            setup()
        start = time.perf_counter()
        reported = action()
        elapsed = time.perf_counter() - start
        times.append(elapsed if reported is None else reported)
        if sum(times) > budget:
            break
    return times


def run(command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command, fail loudly with its stderr, return its stdout."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command[:3]))} … exited {done.returncode}: {done.stderr.strip()[:800]}")
    return done.stdout


def which(name: str) -> str | None:
    return shutil.which(name)


def translatio_command() -> list[str]:
    """Our CLI as a user runs it: the ``translatio`` script next to this Python, else ``-m``."""
    script = Path(sys.executable).with_name("translatio")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline"]


def mdpo_python() -> str | None:
    """A Python that can import mdpo: ``$MDPO_PYTHON``, else the interpreter of ``md2po`` on PATH."""
    candidates = []
    if os.environ.get("MDPO_PYTHON"):
        candidates.append(os.environ["MDPO_PYTHON"])
    md2po = which("md2po")
    if md2po:
        first = Path(md2po).read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if first.startswith("#!"):
            candidates.append(first[2:].strip().split()[0])
    for python in candidates:
        try:
            subprocess.run([python, "-c", "import mdpo"], check=True, capture_output=True, timeout=60)
            return python
        except (OSError, subprocess.SubprocessError):
            continue
    return None


def missing_po4a() -> list[str]:
    return [tool for tool in PO4A_TOOLS if which(tool) is None]


def tool_versions(mdpo: str | None) -> dict[str, str]:
    """Versions of everything measured, as each tool reports it."""

    def first_line(command: list[str]) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=60)
            return (out.stdout or out.stderr).strip().split("\n")[0]
        except OSError:
            return "not installed"

    from importlib.metadata import version

    versions = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "translatio": f"{version('translatio')} ({git_state()})",
    }
    versions["msgmerge"] = first_line(["msgmerge", "--version"]) if which("msgmerge") else "not installed"
    versions["po4a"] = first_line(["po4a-translate", "--version"]) if which("po4a-translate") else "not installed"
    if mdpo:
        versions["mdpo"] = first_line([mdpo, "-c", "import importlib.metadata as m; print('mdpo', m.version('mdpo'))"])
    else:
        versions["mdpo"] = "not installed"
    return versions


def git_state() -> str:
    """The commit measured, and whether the working tree differs from it (it often does)."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=30)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "pipeline"], capture_output=True, text=True, timeout=30)
    except OSError:
        return "git not available"
    if head.returncode != 0:
        return "not a git checkout"
    return f"git {head.stdout.strip()}" + (", pipeline/ modified in the working tree" if dirty.stdout.strip() else "")


def machine_lines(mdpo: str | None) -> list[str]:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    lines = [f"machine: {platform.system()} {platform.machine()}, {cpus} CPUs ({usable} usable){', ' + model if model else ''}"]
    if hasattr(os, "getloadavg"):
        lines.append("  load average at start: " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    lines += [f"  {name}: {value}" for name, value in tool_versions(mdpo).items()]
    return lines


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def print_table(title: str, rows: list[Row], skipped: list[Skipped]) -> None:
    """The table: tool, what it did, runs, min, median, and the median as a multiple of ours.

    The ratio is the peer's median over the median of our first row of the same group, so
    ``3.1×`` means the peer took 3.1 times as long as we did for that job.
    """
    baselines: dict[str, float] = {}
    for row in rows:
        if row.ours and row.group not in baselines and row.times:
            baselines[row.group] = row.median
    header = ("tool", "what it did", "runs", "min", "median", "× ours")
    table = [header]
    notes: list[str] = []
    for row in rows:
        if not row.times:
            continue
        base = baselines.get(row.group)
        ratio = "baseline" if row.ours and base == row.median else (f"{row.median / base:.2f}×" if base else "")
        mark = ""
        if row.note:
            notes.append(row.note)
            mark = f" [{len(notes)}]"
        table.append((row.tool, row.what + mark, str(len(row.times)), _seconds(row.best), _seconds(row.median), ratio))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print(f"\n{title}")
    for n, line in enumerate(table):
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(line)]
        print("  " + "  ".join(cells).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    for number, note in enumerate(notes, start=1):
        print(f"  [{number}] {note}")
    for skip in skipped:
        print(f"  skipped: {skip.tool} {skip.reason}")
