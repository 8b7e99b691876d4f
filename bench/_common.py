"""What the benchmark scripts share: finding the peer tools, timing, and the printed table.

Why a module of its own: both scripts must time every tool the same way (same clock, same
repetition rule, same statistics) and print the same table, or their ratios would not be
comparable. Only the standard library is used here.

The repetition rule: the measurements run in rounds, each round running every measurement
once in turn (A, B, C, A, B, C, …), so that a burst of other work on the machine is spread over
all the tools instead of spoiling every run of one of them. There are ``--runs`` rounds, but a
measurement stops repeating once its runs so far have taken more than ``--budget`` seconds
(always at least one run), so that a tool that takes a minute does not make the default run
take ten. The table shows how many runs each row actually had, their minimum and median, and
how many cores were busy (CPU time / wall time: below 1 means waiting, on the disk or for a
CPU another program holds; above 1 means the tool runs in parallel).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORKER = BENCH / "mdpo_worker.py"

PO4A_TOOLS = ("po4a-gettextize", "po4a-updatepo", "po4a-translate")


@dataclass(slots=True)
class Row:
    """One line of the table: a tool doing one job, and how to time it."""

    tool: str
    what: str
    action: Callable[[], float | None]
    """One run. It may return its own figure (a worker that times itself in-process, or an
    extrapolation); otherwise the wall-clock time of the call is the figure."""
    group: str = ""
    """Which of our rows this one is compared with (``extract``, ``update``, ``build``)."""
    ours: bool = False
    """One of our own measurements; the first ``ours`` row of a group is the baseline."""
    note: str = ""
    """Printed under the table, e.g. how an extrapolation was made."""
    setup: Callable[[], None] | None = None
    """Run before each run, untimed (e.g. put the catalogues back as they were)."""
    per: tuple[int, str, float] | None = None
    """``(items, unit, factor)``: add the best time per item to the label, e.g. ms per file."""
    times: list[float] = field(default_factory=list)
    spent: float = 0.0
    """Wall-clock seconds of the runs so far (the budget counts these, not extrapolations)."""
    cpu: float = 0.0

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cores(self) -> float:
        return self.cpu / self.spent if self.spent else 0.0

    @property
    def label(self) -> str:
        if self.per is None or not self.times:
            return self.what
        items, unit, factor = self.per
        return f"{self.what} ({self.best / items * factor:.2f} {unit})"


@dataclass(slots=True)
class Skipped:
    """A peer that is not installed (or failed): the reason is printed instead of a row."""

    tool: str
    reason: str


PO4A_FORMAT = ["-f", "text", "-o", "markdown", "-M", "UTF-8"]
"""How po4a is told our sources are Markdown, in UTF-8 (both benchmarks use it)."""

def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(rows: list[Row], runs: int, budget: float) -> None:
    """Time every row, in rounds (see the module docstring); progress goes to stderr."""
    for round_number in range(1, max(1, runs) + 1):
        for row in rows:
            if row.times and row.spent > budget:
                continue
            if row.setup is not None:
                row.setup()
            start, start_cpu = time.perf_counter(), _cpu()
            reported = row.action()
            elapsed = time.perf_counter() - start
            row.cpu += _cpu() - start_cpu
            row.spent += elapsed
            row.times.append(elapsed if reported is None else reported)
            print(f"  round {round_number}: {row.tool}, {row.what}: {row.times[-1]:.2f} s", file=sys.stderr, flush=True)


@contextmanager
def exclusive(workdir: Path) -> Iterator[None]:
    """Hold the scratch folder alone for the whole run; wait while another benchmark holds it.

    Two benchmarks sharing the folder would delete each other's files, and two benchmarks
    sharing a 2-core machine would time each other anyway: the second one waits.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another benchmark is using {workdir}…", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fingerprint(*parts: object) -> str:
    """What a prepared workspace was made from: the generator, the pipeline's code, the options.

    A cached workspace is reused only when this matches, so that a change to the pipeline (its
    writer, say) never leaves the benchmark timing catalogues that the new code would rewrite.
    """
    digest = hashlib.sha256(repr(parts).encode())
    for path in [BENCH / "corpus.py", *sorted((REPO / "pipeline").rglob("*"))]:
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".json"):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


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
    lines.append(f"  at start, {load_line()}")
    lines += [f"  {name}: {value}" for name, value in tool_versions(mdpo).items()]
    return lines


def load_line() -> str:
    """The machine's load average, printed before and after: other work on a 2-core machine
    (a test run, another benchmark) shows up here and makes the figures less trustworthy."""
    if not hasattr(os, "getloadavg"):
        return "load average: unknown"
    return "load average (1, 5, 15 min): " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def print_table(title: str, rows: list[Row], skipped: list[Skipped]) -> None:
    """The table: tool, what it did, runs, min, median, cores busy, the median as a multiple of ours.

    The ratio is the peer's median over the median of our first row of the same group, so
    ``3.1×`` means the peer took 3.1 times as long as we did for that job.
    """
    baselines: dict[str, Row] = {}
    for row in rows:
        if row.ours and row.group and row.group not in baselines and row.times:
            baselines[row.group] = row
    header = ("tool", "what it did", "runs", "min", "median", "CPU", "cores", "× ours")
    table = [header]
    notes: list[str] = []
    for row in rows:
        if not row.times:
            continue
        base = baselines.get(row.group)
        ratio = "baseline" if row is base else (f"{row.median / base.median:.2f}×" if base else "")
        mark = ""
        if row.note:
            notes.append(row.note)
            mark = f" [{len(notes)}]"
        cpu = _seconds(row.cpu / len(row.times))
        table.append((row.tool, row.label + mark, str(len(row.times)), _seconds(row.best), _seconds(row.median), cpu, f"{row.cores:.1f}", ratio))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print(f"\n{title}")
    for n, line in enumerate(table):
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(line)]
        print("  " + "  ".join(cells).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    print("  min, median: wall-clock seconds per run; CPU: CPU seconds per run (user + system, workers included);")
    print("  cores: CPU time / wall time; × ours: median / our median for the same job")
    for number, note in enumerate(notes, start=1):
        print(f"  [{number}] {note}")
    for skip in skipped:
        print(f"  skipped: {skip.tool} {skip.reason}")
    print(f"  at the end, {load_line()}")
