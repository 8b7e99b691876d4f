"""Running a command with part of the file system read-only, as root or not: one helper for the
tests that need a read-only folder (root can write through permission bits, not through a
read-only mount)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def read_only_prefix(folder: Path) -> list[str] | None:
    """A command prefix that runs the rest of the command with ``folder`` bind-mounted read-only
    in a private mount namespace (``unshare -m`` as root, ``-rm`` otherwise), or ``None`` when
    this machine cannot make one."""
    if shutil.which("unshare") is None:
        return None
    flags = "-m" if os.geteuid() == 0 else "-rm"
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    prefix = ["unshare", flags, "sh", "-c", script, str(folder)]
    probe = subprocess.run([*prefix, "sh", "-c", f'test -r "{folder}" && ! touch "{folder}/.probe" 2>/dev/null'], capture_output=True)
    (folder / ".probe").unlink(missing_ok=True)
    return prefix if probe.returncode == 0 else None
