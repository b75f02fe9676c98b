"""A throw-away PostgreSQL cluster: initdb into a temporary folder, start it on a free
loopback port (its unix socket in the same folder), stop it and delete the folder.

Used by the test fixtures (tests/pg_fixture.py) and the scale-out benchmark. Needs the
server binaries (Debian: `apt-get install -y postgresql`; or set PG_BIN to their folder).
As root it runs them as the `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

HOW_TO_ENABLE = ("install the PostgreSQL server binaries (Debian: `apt-get install -y postgresql`) "
                 "or set PG_BIN to the folder holding initdb and pg_ctl")


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl: PG_BIN, PATH, or Debian's newest version."""
    candidates = [os.environ.get("PG_BIN", "")]
    on_path = shutil.which("initdb") or shutil.which("pg_ctl")
    if on_path:
        candidates.append(os.path.dirname(os.path.realpath(on_path)))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in filter(None, candidates + versions):
        if all(os.access(os.path.join(folder, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """`with Cluster() as pg: pg.create_database("x") -> URL`; fsync=False only for tests."""

    def __init__(self, bin_dir: Path, fsync: bool = True, user: str = "backprop") -> None:
        self.bin_dir, self.fsync, self.user = bin_dir, fsync, user
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="backprop-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        # PostgreSQL refuses to run as root: run its tools as the `postgres` account then.
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root needs a `postgres` user to run PostgreSQL as") from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.folder, 0o700)

    def _run(self, *args: str) -> None:
        done = subprocess.run(self.run_as + [str(self.bin_dir / args[0]), *args[1:]],
                              capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}\n{log}")

    def start(self) -> "Cluster":
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   f"-c max_connections=200 -c fsync={'on' if self.fsync else 'off'}")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg  # the driver is a runtime dependency of the PostgreSQL store

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass  # the folder goes anyway; a stray server would have lost its files
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()
