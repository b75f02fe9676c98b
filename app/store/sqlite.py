"""The embedded SQLite store (the default): one file shared by every worker process.

`update` is an atomic read-compute-write under the row's write lock, so concurrent steps
from several workers are serialised and a 2xx means the transaction committed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Callable, TypeVar

from app.nn.engine import Net
from app.store.base import NetworkNotFound, Store, StoreError, decode, encode, new_id

T = TypeVar("T")

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


class SQLiteStore(Store):
    """One SQLite file shared by every worker process; a connection per thread."""

    def __init__(self, path: str, max_networks: int = 10_000, touch_interval: float = 1.0) -> None:
        self.path = path
        self.max_networks = max_networks
        self.touch_interval = touch_interval  # reads refresh last_used at most this often
        self._local = threading.local()
        # Decoded networks by id: (version, Net, bytes). `version` grows with every update in any
        # process, so one indexed read of it tells whether the copy is current.
        self._cache: dict[str, tuple[int, Net, int]] = {}
        self._cache_bytes = 0
        self._cache_lock = threading.Lock()
        self.wal = True  # set per connection below: readers never wait for writers in WAL mode
        folder = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(folder, exist_ok=True)
            with self._tx(immediate=True) as db:
                db.execute(SCHEMA)
                db.execute("CREATE INDEX IF NOT EXISTS networks_lru ON networks(last_used)")
        except (sqlite3.Error, OSError) as err:
            raise StoreError(f"cannot open the database {path!r}: {err}") from None

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

    def _tx(self, immediate: bool = False) -> "_Tx":
        return _Tx(self._conn(), immediate)

    def create(self, net: Net) -> str:
        meta, blob = encode(net)
        net_id = new_id()
        with self._tx(immediate=True) as db:
            db.execute("INSERT INTO networks (id, meta, params, version, last_used) VALUES (?, ?, ?, 0, ?)",
                       (net_id, meta, blob, time.time()))
            (n,) = db.execute("SELECT COUNT(*) FROM networks").fetchone()
            if n > self.max_networks:
                db.execute("DELETE FROM networks WHERE id IN "
                           "(SELECT id FROM networks WHERE id != ? ORDER BY last_used LIMIT ?)",
                           (net_id, n - self.max_networks))
        return net_id

    def get(self, net_id: str) -> Net:
        net = self._read(net_id, may_wait=True)
        assert net is not None
        return net

    def peek(self, net_id: str) -> Net | None:
        # A WAL read never waits for a writer (a long /train in another worker); a read
        # that is due to refresh last_used would, so it is left to get().
        return self._read(net_id, may_wait=False) if self.wal else None

    def _read(self, net_id: str, may_wait: bool) -> Net | None:
        db = self._conn()
        cached = self._cache.get(net_id)
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
            db.execute("UPDATE networks SET last_used = ? WHERE id = ?", (now, net_id))
        if meta is None and cached is not None:
            return cached[1]
        net = decode(meta, blob, shared=True)
        self._remember(net_id, version, net, len(blob))
        return net

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

    def update(self, net_id: str, fn: Callable[[Net], tuple[Net, T]]) -> T:
        with self._tx(immediate=True) as db:  # the write lock is held from the read on
            row = db.execute("SELECT meta, params FROM networks WHERE id = ?", (net_id,)).fetchone()
            if row is None:
                raise NetworkNotFound(net_id)
            net, result = fn(decode(row[0], row[1]))
            meta, blob = encode(net)
            db.execute("UPDATE networks SET meta = ?, params = ?, version = version + 1, last_used = ? "
                       "WHERE id = ?", (meta, blob, time.time(), net_id))
        return result

    def delete(self, net_id: str) -> None:
        with self._tx(immediate=True) as db:
            if db.execute("DELETE FROM networks WHERE id = ?", (net_id,)).rowcount == 0:
                raise NetworkNotFound(net_id)
        self._forget(net_id)

    def count(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM networks").fetchone()[0])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class _Tx:
    """BEGIN (IMMEDIATE takes the write lock at once) ... COMMIT, or ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection, immediate: bool) -> None:
        self.db, self.immediate = db, immediate

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE" if self.immediate else "BEGIN")
        return self.db

    def __exit__(self, exc_type: type | None, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
