"""The PostgreSQL store: several app servers share one database (the scale-out path).

Same rows as the SQLite store (settings as JSON text, parameters as one float64 BYTEA,
see `encode`/`decode`). `update` (Store.update) computes outside any transaction and
writes back by compare-and-set on the row's version, so concurrent steps from any number of
servers are serialised without a row lock held during the computation; every write is
one autocommitted statement: a 2xx means committed. Times come from the database's clock, so
LRU order does not depend on the servers' clocks agreeing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from app.nn.engine import Net
from app.store.base import DAY, DISK_FULL, NetworkNotFound, Store, StoreError, decode, encode, full, lock_key, new_id

T = TypeVar("T")

NOW = "extract(epoch FROM clock_timestamp())"  # seconds, the database's clock
# Advisory lock keys (any constant bigint): one for creating the schema, one for creates.
SCHEMA_LOCK, CREATE_LOCK = 0x6270_6C61_6201, 0x6270_6C61_6202

SCHEMA = """
CREATE TABLE IF NOT EXISTS networks (
    id        TEXT PRIMARY KEY,
    meta      TEXT NOT NULL,
    params    BYTEA NOT NULL,
    version   BIGINT NOT NULL DEFAULT 0,
    last_used DOUBLE PRECISION NOT NULL
)
"""


class PostgresStore(Store):
    """A connection pool per process; every operation is one short transaction."""

    def __init__(self, url: str, max_networks: int = 10_000, touch_interval: float = 1.0,
                 pool_size: int = 10, connect_timeout: float = 10.0, keep_recent: float = DAY) -> None:
        super().__init__()
        self.max_networks = max_networks
        self.keep_recent = keep_recent  # a network used this recently (s) is never evicted
        self.touch_interval = touch_interval  # reads refresh last_used at most this often
        where = _redact(url)
        try:
            # One plain connection first: a clear error now instead of a pool retrying forever.
            with psycopg.connect(url, connect_timeout=max(1, int(connect_timeout))) as db, db.transaction():
                # Two servers starting at once would race on CREATE TABLE IF NOT EXISTS.
                db.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                db.execute(SCHEMA)
                db.execute("CREATE INDEX IF NOT EXISTS networks_lru ON networks (last_used)")
        except psycopg.Error as err:
            raise StoreError(f"cannot open the PostgreSQL database {where}: {str(err).strip()}") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False, name="backprop",
                                   kwargs={"autocommit": True}, check=ConnectionPool.check_connection)
        try:
            self.pool.open(wait=True, timeout=connect_timeout)
        except PoolTimeout:
            self.pool.close()
            raise StoreError(f"cannot open a connection pool to {where}") from None

    @contextmanager
    def _db(self) -> Iterator[psycopg.Connection]:
        """A pooled autocommit connection; database failures become StoreError."""
        try:
            with self.pool.connection() as db:
                yield db
        except psycopg.errors.DiskFull as err:
            raise StoreError(f"the PostgreSQL server's disk is full: {str(err).strip()}", public=DISK_FULL) from None
        except psycopg.errors.ReadOnlySqlTransaction as err:
            raise StoreError(f"the PostgreSQL database is read-only: {str(err).strip()}",
                             public="the database cannot be written") from None
        except (psycopg.OperationalError, PoolTimeout) as err:
            raise StoreError(f"the PostgreSQL database is unavailable: {str(err).strip()}") from None

    def create(self, net: Net) -> str:
        meta, blob = encode(net)
        net_id = new_id()
        with self._db() as db, db.transaction():
            # Creates are serialised so that the count, and so the eviction, is exact.
            db.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
            (n,) = _one(db.execute("SELECT count(*) FROM networks"))
            if n >= self.max_networks:
                gone = db.execute(f"DELETE FROM networks WHERE id IN (SELECT id FROM networks WHERE last_used < "
                                  f"{NOW} - %s ORDER BY last_used, id LIMIT %s)",
                                  (self.keep_recent, n - self.max_networks + 1)).rowcount
                if n - gone >= self.max_networks:
                    (wait,) = _one(db.execute(f"SELECT min(last_used) + %s - {NOW} FROM networks",
                                              (self.keep_recent,)))
                    raise full(self.max_networks, self.keep_recent, wait)
            db.execute(f"INSERT INTO networks (id, meta, params, version, last_used) "
                       f"VALUES (%s, %s, %s, 0, {NOW})", (net_id, meta, blob))
        return net_id

    def get(self, net_id: str) -> Net:
        with self._db() as db:
            row = db.execute(f"SELECT meta, params, {NOW} - last_used FROM networks WHERE id = %s",
                             (net_id,)).fetchone()
            if row is None:
                raise NetworkNotFound(net_id)
            if row[2] >= self.touch_interval:
                try:
                    db.execute(f"UPDATE networks SET last_used = {NOW} WHERE id = %s", (net_id,))
                except psycopg.errors.DiskFull:
                    pass  # a full disk must not stop reads: the refresh is lost, nothing else
        return decode(row[0], row[1])

    def read(self, net_id: str) -> tuple[int, Net]:
        with self._db() as db:
            row = db.execute("SELECT version, meta, params FROM networks WHERE id = %s", (net_id,)).fetchone()
        if row is None:
            raise NetworkNotFound(net_id)
        return int(row[0]), decode(row[1], row[2])

    def write_if(self, net_id: str, version: int, net: Net) -> bool:
        meta, blob = encode(net)
        with self._db() as db:  # autocommit: one statement, committed when execute returns
            changed = db.execute(f"UPDATE networks SET meta = %s, params = %s, version = version + 1, "
                                 f"last_used = {NOW} WHERE id = %s AND version = %s",
                                 (meta, blob, net_id, version)).rowcount
            if not changed and db.execute("SELECT 1 FROM networks WHERE id = %s", (net_id,)).fetchone() is None:
                raise NetworkNotFound(net_id)
        return bool(changed)

    @contextmanager
    def serialised(self, net_id: str) -> Iterator[None]:
        # A session advisory lock on a connection of its own: freed by the server if this
        # process dies (the connection closes), and it locks no row, so reads never wait.
        key = lock_key(net_id)
        with self._db() as db:
            db.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                db.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def check(self) -> None:
        with self._db() as db:
            if _one(db.execute("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"))[0]:
                raise StoreError("the PostgreSQL database is read-only", public="the database cannot be written")

    def delete(self, net_id: str) -> None:
        with self._db() as db:
            if db.execute("DELETE FROM networks WHERE id = %s", (net_id,)).rowcount == 0:
                raise NetworkNotFound(net_id)

    def count(self) -> int:
        with self._db() as db:
            return int(_one(db.execute("SELECT count(*) FROM networks"))[0])

    def close(self) -> None:
        self.pool.close()


def _one(cur: psycopg.Cursor) -> tuple:
    row = cur.fetchone()
    assert row is not None  # aggregates always return a row
    return row


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "(unparsable URL)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
