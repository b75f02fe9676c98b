"""Where networks live: one interface, an embedded SQLite implementation.

A network is stored as one row: its settings as JSON and its parameters as one float64
blob (exact, and far faster than JSON lists). `update` is an atomic read-compute-write
under the row's write lock, so concurrent steps from several workers are serialised and a
2xx means the transaction committed.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import asdict
from typing import Callable, TypeVar

import numpy as np

from app.engine import Net

T = TypeVar("T")


class NetworkNotFound(KeyError):
    """No network has this id (never created, deleted, or evicted)."""


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


def new_id() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits, URL-safe


def encode(net: Net) -> tuple[str, bytes]:
    """Settings as JSON and all parameters (weights then biases, layer by layer) as bytes."""
    meta = {k: v for k, v in asdict(net).items() if k not in ("weights", "biases")}
    blob = b"".join(np.ascontiguousarray(p, dtype="<f8").tobytes() for p in net.weights + net.biases)
    return json.dumps(meta), blob


def decode(meta: str, blob: bytes) -> Net:
    info = json.loads(meta)
    sizes: list[int] = info["layer_sizes"]
    flat = np.frombuffer(blob, dtype="<f8")
    weights, biases, at = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(flat[at:at + n_in * n_out].reshape(n_out, n_in).copy())
        at += n_in * n_out
    for n_out in sizes[1:]:
        biases.append(flat[at:at + n_out].copy())
        at += n_out
    return Net(weights=weights, biases=biases, **info)


class Store(ABC):
    """The only way the app reaches stored networks."""

    @abstractmethod
    def create(self, net: Net) -> str:
        """Store a new network, evicting the least recently used beyond the cap; return its id."""

    @abstractmethod
    def get(self, net_id: str) -> Net:
        """The network, or NetworkNotFound."""

    @abstractmethod
    def update(self, net_id: str, fn: Callable[[Net], tuple[Net, T]]) -> T:
        """Atomically: read the network, call fn, store the Net it returns, return its result.
        If fn raises, nothing is written."""

    @abstractmethod
    def delete(self, net_id: str) -> None:
        """Remove the network, or NetworkNotFound."""

    @abstractmethod
    def count(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional for implementations
        pass


SCHEMA = """
CREATE TABLE IF NOT EXISTS networks (
    id        TEXT PRIMARY KEY,
    meta      TEXT NOT NULL,
    params    BLOB NOT NULL,
    version   INTEGER NOT NULL DEFAULT 0,
    last_used REAL NOT NULL
)
"""


class SQLiteStore(Store):
    """One SQLite file shared by every worker process; a connection per thread."""

    def __init__(self, path: str, max_networks: int = 10_000, touch_interval: float = 1.0) -> None:
        self.path = path
        self.max_networks = max_networks
        self.touch_interval = touch_interval  # reads refresh last_used at most this often
        self._local = threading.local()
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
            db.execute("PRAGMA journal_mode=WAL")
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
        db = self._conn()
        row = db.execute("SELECT meta, params, last_used FROM networks WHERE id = ?", (net_id,)).fetchone()
        if row is None:
            raise NetworkNotFound(net_id)
        now = time.time()
        if now - row[2] >= self.touch_interval:
            db.execute("UPDATE networks SET last_used = ? WHERE id = ?", (now, net_id))
        return decode(row[0], row[1])

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


def open_store(url: str, max_networks: int) -> Store:
    """Choose the implementation from BACKPROP_DB: a file path or sqlite: URL."""
    if url.startswith(("postgresql://", "postgres://")):
        from app.store_pg import PostgresStore  # optional driver, imported only when asked for
        return PostgresStore(url, max_networks=max_networks)
    path = url.removeprefix("sqlite:///").removeprefix("sqlite://").removeprefix("sqlite:")
    return SQLiteStore(path, max_networks=max_networks)
