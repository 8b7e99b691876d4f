"""A throw-away PostgreSQL server for the tests: a cluster of its own, started and stopped here.

``initdb`` in a temporary folder, ``pg_ctl start`` listening on 127.0.0.1 at a free port (no
Unix socket outside the folder), as an unprivileged user when the tests run as root (PostgreSQL
refuses to run as root): ``postgres`` if the distribution's package created it, else
``nobody``. Debian keeps the server's programs in ``/usr/lib/postgresql/<version>/bin``, off
PATH; they are looked for there too. One cluster per test session (pytest-xdist workers each
start their own), a fresh schema per test in one database that has ``pg_trgm``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

INSTALL_HINT = "apt-get install postgresql postgresql-contrib (the tests start a server of their own)"


def server_programs() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, newest version first."""
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    candidates += list(reversed(versions))
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _runner() -> tuple[list[str], int | None, int | None]:
    """How to run the server's programs: as ourselves, or (as root) as an unprivileged user."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("setpriv"):
            return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"], user.pw_uid, user.pw_gid
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"], user.pw_uid, user.pw_gid
    raise RuntimeError("running as root with neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running server; :meth:`schema` (tests) and :meth:`database` (the benchmark) make a fresh memory
    and return its URL."""

    folder: Path
    programs: Path
    port: int
    prefix: list[str]
    user: str = "translatio"
    _names: itertools.count = field(default_factory=itertools.count)  # type: ignore[type-arg]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def database(self, template: str = "tm") -> str:
        """A new, empty database (``pg_trgm`` created, the memory's schema not yet)."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def schema(self) -> str:
        """The URL of a new, empty schema in the ``tm`` database (``pg_trgm`` is in ``public``):
        libpq's ``options`` put it first on the search path, so everything translatio creates
        lands there. What each test gets: a schema costs milliseconds, a database half a second
        of copying (and its files to remove at the end)."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.url("tm"), autocommit=True) as db:
            db.execute(f'CREATE SCHEMA "{name}"')
        return self.url("tm") + "?" + urlencode({"options": f"-csearch_path={name},public"})

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(settings: str = "-c shared_buffers=32MB") -> Cluster:
    """Start a throw-away server; raises RuntimeError saying why it could not. ``settings`` are
    more ``postgres -c`` options (the benchmark gives the server more memory than the tests)."""
    programs = server_programs()
    if programs is None:
        raise FileNotFoundError(f"PostgreSQL is not installed: {INSTALL_HINT}")
    if not any(Path("/usr/share/postgresql").glob("*/extension/pg_trgm.control")) and not _trgm_beside(programs):
        raise FileNotFoundError(f"PostgreSQL's pg_trgm extension is not installed: {INSTALL_HINT}")
    prefix, uid, gid = _runner()
    folder = Path(tempfile.mkdtemp(prefix="translatio-pg-"))
    if uid is not None and gid is not None:
        os.chown(folder, uid, gid)
    data = folder / "data"
    init = subprocess.run(
        [*prefix, str(programs / "initdb"), "-D", str(data), "-U", "translatio", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()[-500:]}")
    last = ""
    for _ in range(5):  # another process may take the free port first
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=60 {settings}")  # fmt: skip
        started = subprocess.run(
            [*prefix, str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if started.returncode == 0:
            cluster = Cluster(folder, programs, port, prefix)
            try:
                with cluster.admin() as db:
                    db.execute('CREATE DATABASE "tm"')
                import psycopg

                with psycopg.connect(cluster.url("tm"), autocommit=True) as db:
                    db.execute("CREATE EXTENSION pg_trgm")
            except BaseException:
                cluster.stop()
                raise
            return cluster
        log = folder / "server.log"
        last = log.read_text(errors="replace")[-500:] if log.is_file() else started.stderr
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"pg_ctl start failed: {last.strip()}")


def _trgm_beside(programs: Path) -> bool:
    """pg_trgm's control file for a server installed elsewhere (``pg_config --sharedir``)."""
    config = programs / "pg_config"
    if not config.is_file():
        return False
    share = subprocess.run([str(config), "--sharedir"], capture_output=True, text=True, check=False).stdout.strip()
    return bool(share) and (Path(share) / "extension" / "pg_trgm.control").is_file()
