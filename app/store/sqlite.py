"""The embedded SQLite store (the default): one file shared by every worker process.

Writes are short transactions: `update` (Store.update) computes outside any transaction and
writes back by compare-and-set on the row's version, so a long /train never holds the
database's write lock. A write is acknowledged only after COMMIT and after checking that
the file committed to is still the one at the configured path (a database deleted or
replaced under the running server is noticed there: every later call, and /api/health,
answers 503 instead of acknowledging writes a restart would lose).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace

from app.nn.engine import Net
from app.store.base import DAY, DISK_FULL, NetworkNotFound, Store, StoreError, decode, encode, full, lock_key, new_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS networks (
    id        TEXT PRIMARY KEY,
    meta      TEXT NOT NULL,
    params    BLOB NOT NULL,
    version   INTEGER NOT NULL DEFAULT 0,
    last_used REAL NOT NULL
)
"""
READ = ("SELECT version, last_used, CASE WHEN version = ?1 THEN NULL ELSE meta END, "
        "CASE WHEN version = ?1 THEN NULL ELSE params END FROM networks WHERE id = ?2")
CACHE_BYTES = 32 * 2**20  # parameters kept decoded per process (32 MiB: 4 million float64)
# Disk space held back beside the database (a file, "<db>-reserve") and given up only to let
# DELETE work on a full disk: deleting networks is how space is made there (docs/deployment.md).
RESERVE_BYTES = 4 * 2**20
# What the client is told for each kind of SQLite failure (sqlite3.Error.sqlite_errorname).
REASONS = {
    "SQLITE_FULL": DISK_FULL,
    "SQLITE_READONLY": "the database cannot be written (read-only file or file system)",
    "SQLITE_IOERR": "the disk holding the database reported an input/output error",
    "SQLITE_BUSY": "the database is busy; try again shortly",
    "SQLITE_CORRUPT": "the database file is damaged",
    "SQLITE_NOTADB": "the database file is not an SQLite database",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
}
GONE = "the database file was deleted or replaced while the server ran; restart the server (nothing more is saved)"


class SQLiteStore(Store):
    """One SQLite file shared by every worker process; a connection per thread."""

    def __init__(self, path: str, max_networks: int = 10_000, touch_interval: float = 1.0,
                 keep_recent: float = DAY) -> None:
        super().__init__()
        self.path = path
        self.max_networks = max_networks
        self.touch_interval = touch_interval  # reads refresh last_used at most this often
        self.keep_recent = keep_recent        # a network used this recently (s) is never evicted
        self._local = threading.local()
        # Decoded networks by id: (version, Net, bytes). `version` grows with every update in any
        # process, so one indexed read of it tells whether the copy is current.
        self._cache: dict[str, tuple[int, Net, int]] = {}
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self._broken: str | None = None
        self._identity: tuple[int, int] | None = None
        self.wal = True  # set per connection below: readers never wait for writers in WAL mode
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with self._tx() as db:
                db.execute(SCHEMA)
                db.execute("CREATE INDEX IF NOT EXISTS networks_lru ON networks(last_used)")
                # A real write: a database that cannot be written refuses to start, not to save.
                db.execute("CREATE TABLE IF NOT EXISTS opened (at REAL NOT NULL)")
                db.execute("DELETE FROM opened")
                db.execute("INSERT INTO opened VALUES (?)", (time.time(),))
            self._identity = _identity(path)
            self._lock_fd = os.open(path + "-locks", os.O_RDWR | os.O_CREAT, 0o600)
            self._reserve()
        except (sqlite3.Error, OSError) as err:
            reason = REASONS.get(getattr(err, "sqlite_errorname", ""), "")
            raise StoreError(f"cannot open the database {path!r} for writing: {err}"
                             + (f" ({reason})" if reason else "")) from None

    def _conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self.wal = self.wal and str(mode).lower() == "wal"  # e.g. no shared memory: rollback journal
            # NORMAL in WAL mode survives a killed process (not a power cut) and is much faster.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=60000")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE (the write lock at once) ... COMMIT, or ROLLBACK on error; then the
        file is checked to still be the one opened, before anyone is told the write is saved."""
        self._check_open()
        db = self._conn()
        with self._errors():
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        if self._identity is not None:
            self.check()
            if not os.path.exists(self.path + "-reserve"):
                self._reserve()

    def _reserve(self) -> None:
        """Hold RESERVE_BYTES of disk beside the database, if the disk has them (best effort)."""
        try:
            fd = os.open(self.path + "-reserve", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                os.posix_fallocate(fd, 0, RESERVE_BYTES)
            finally:
                os.close(fd)
        except OSError:
            _remove(self.path + "-reserve")  # retried after the next write that succeeds

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as err:
            name = getattr(err, "sqlite_errorname", "")
            public = next((text for code, text in REASONS.items() if name.startswith(code)), None)
            raise StoreError(f"SQLite error on {self.path!r}: {err} ({name})", public=public,
                             retry_after=1 if name.startswith("SQLITE_BUSY") else None) from None

    def _check_open(self) -> None:
        if self._broken is not None:
            raise StoreError(self._broken, public=GONE)

    def check(self) -> None:
        """The file at the path is still the one opened (same device and inode)."""
        self._check_open()
        try:
            same = _identity(self.path) == self._identity
        except OSError:
            same = False
        if not same:
            self._broken = f"the database file {self.path!r} was deleted or replaced while the server ran"
            raise StoreError(self._broken, public=GONE)

    def create(self, net: Net) -> str:
        meta, blob = encode(net)
        net_id = new_id()
        with self._tx() as db:
            (n,) = db.execute("SELECT COUNT(*) FROM networks").fetchone()
            now = time.time()
            if n >= self.max_networks:
                db.execute("DELETE FROM networks WHERE id IN (SELECT id FROM networks WHERE last_used < ? "
                           "ORDER BY last_used LIMIT ?)", (now - self.keep_recent, n - self.max_networks + 1))
                if n - db.execute("SELECT changes()").fetchone()[0] >= self.max_networks:
                    (oldest,) = db.execute("SELECT MIN(last_used) FROM networks").fetchone()
                    raise full(self.max_networks, self.keep_recent, oldest + self.keep_recent - now)
            db.execute("INSERT INTO networks (id, meta, params, version, last_used) VALUES (?, ?, ?, 0, ?)",
                       (net_id, meta, blob, now))
        return net_id

    def get(self, net_id: str) -> Net:
        net = self._read(net_id, may_wait=True)
        assert net is not None
        return net

    def peek(self, net_id: str) -> Net | None:
        # A WAL read never waits for a writer; a read that is due to refresh last_used
        # would, so it is left to get().
        return self._read(net_id, may_wait=False) if self.wal else None

    def _read(self, net_id: str, may_wait: bool) -> Net | None:
        self._check_open()
        db = self._conn()
        cached = self._cache.get(net_id)
        with self._errors():
            # One statement: the parameters only if the cached copy is missing or stale.
            row = db.execute(READ, (cached[0] if cached else -1, net_id)).fetchone()
        if row is None:
            self._forget(net_id)
            raise NetworkNotFound(net_id)
        version, last_used, meta, blob = row
        now = time.time()
        if now - last_used >= self.touch_interval:
            if not may_wait:
                return None
            try:
                db.execute("UPDATE networks SET last_used = ? WHERE id = ?", (now, net_id))
            except sqlite3.OperationalError:
                pass  # a full or read-only disk must not stop reads: the refresh is lost, nothing else
        if meta is None and cached is not None:
            return cached[1]
        net = decode(meta, blob, shared=True)
        self._remember(net_id, version, net, len(blob))
        return net

    def read(self, net_id: str) -> tuple[int, Net]:
        self._check_open()
        cached = self._cache.get(net_id)
        with self._errors():
            row = self._conn().execute(READ, (cached[0] if cached else -1, net_id)).fetchone()
        if row is None:
            raise NetworkNotFound(net_id)
        version, _, meta, blob = row
        if meta is None and cached is not None:  # own copies of the cached (read-only) arrays
            net = cached[1]
            return version, replace(net, weights=[w.copy() for w in net.weights],
                                    biases=[b.copy() for b in net.biases])
        return version, decode(meta, blob)

    def write_if(self, net_id: str, version: int, net: Net) -> bool:
        meta, blob = encode(net)
        with self._tx() as db:
            changed = db.execute("UPDATE networks SET meta = ?, params = ?, version = version + 1, last_used = ? "
                                 "WHERE id = ? AND version = ?", (meta, blob, time.time(), net_id, version)).rowcount
            if not changed and db.execute("SELECT 1 FROM networks WHERE id = ?", (net_id,)).fetchone() is None:
                raise NetworkNotFound(net_id)
        return bool(changed)

    @contextmanager
    def serialised(self, net_id: str) -> Iterator[None]:
        # A byte-range lock of the lock file, one byte per network: released by the kernel
        # if the process dies. Threads of one process are kept apart by Store.update.
        offset = lock_key(net_id) & (2**62 - 1)
        fcntl.lockf(self._lock_fd, fcntl.LOCK_EX, 1, offset)
        try:
            yield
        finally:
            fcntl.lockf(self._lock_fd, fcntl.LOCK_UN, 1, offset)

    def _remember(self, net_id: str, version: int, net: Net, size: int) -> None:
        if size > CACHE_BYTES // 8:
            return  # a huge network would push out many small ones; it is read rarely anyway
        with self._cache_lock:
            self._forget_locked(net_id)
            self._cache[net_id] = (version, net, size)
            self._cache_bytes += size
            while self._cache_bytes > CACHE_BYTES:  # oldest entry first
                self._forget_locked(next(iter(self._cache)))

    def _forget(self, net_id: str) -> None:
        with self._cache_lock:
            self._forget_locked(net_id)

    def _forget_locked(self, net_id: str) -> None:
        old = self._cache.pop(net_id, None)
        if old is not None:
            self._cache_bytes -= old[2]

    def delete(self, net_id: str) -> None:
        try:
            self._delete(net_id)
        except StoreError as err:
            if err.public != DISK_FULL:
                raise
            # A full disk: give up the reserve so that deleting, the way to make room, still works.
            _remove(self.path + "-reserve")
            self._delete(net_id)
            with suppress(sqlite3.Error):
                self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # give the log's space back if it can
        self._forget(net_id)

    def _delete(self, net_id: str) -> None:
        with self._tx() as db:
            if db.execute("DELETE FROM networks WHERE id = ?", (net_id,)).rowcount == 0:
                raise NetworkNotFound(net_id)

    def count(self) -> int:
        with self._errors():
            return int(self._conn().execute("SELECT COUNT(*) FROM networks").fetchone()[0])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _remove(path: str) -> None:
    with suppress(FileNotFoundError):
        os.remove(path)


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino

