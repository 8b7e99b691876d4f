"""Print which installed packages differ from the lock: the line a red 'newest' run needs.

Usage: python .ci/moved.py requirements/lock.txt LABEL
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> None:
    lock_path, label = Path(sys.argv[1]), sys.argv[2]
    locked = {}
    for line in lock_path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            locked[normalized(match.group(1))] = match.group(2)
    installed = {normalized(d.metadata["Name"]): d.version for d in metadata.distributions()}
    moved = [f"{name} {locked[name]} → {installed[name]}" for name in sorted(locked) if name in installed and installed[name] != locked[name]]
    if moved:
        print(f"{label}: moved from the lock: {', '.join(moved)}")
    else:
        print(f"{label}: every dependency is at its locked version")


if __name__ == "__main__":
    main()
