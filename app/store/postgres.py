"""The PostgreSQL store: several app servers share one database (the scale-out path).

Same rows as the SQLite store (settings as JSON text, parameters as one float64 BYTEA,
see `encode`/`decode`). `update` locks the row with SELECT ... FOR UPDATE for the
read-compute-write, so concurrent steps from any number of servers are serialised, and it
returns only after COMMIT: a 2xx means committed. Times come from the database's clock, so
LRU order does not depend on the servers' clocks agreeing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from app.nn.engine import Net
from app.store.base import NetworkNotFound, Store, StoreError, decode, encode, new_id

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
                 pool_size: int = 10, connect_timeout: float = 10.0) -> None:
        self.max_networks = max_networks
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
        except (psycopg.OperationalError, PoolTimeout) as err:
            raise StoreError(f"the PostgreSQL database is unavailable: {str(err).strip()}") from None

    def create(self, net: Net) -> str:
        meta, blob = encode(net)
        net_id = new_id()
        with self._db() as db, db.transaction():
            # Creates are serialised so that the count, and so the eviction, is exact.
            db.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
            db.execute(f"INSERT INTO networks (id, meta, params, version, last_used) "
                       f"VALUES (%s, %s, %s, 0, {NOW})", (net_id, meta, blob))
            (n,) = _one(db.execute("SELECT count(*) FROM networks"))
            if n > self.max_networks:
                # SKIP LOCKED: a network in the middle of a step is in use, so not the one to evict.
                db.execute("DELETE FROM networks WHERE id IN (SELECT id FROM networks WHERE id <> %s "
                           "ORDER BY last_used, id LIMIT %s FOR UPDATE SKIP LOCKED)",
                           (net_id, n - self.max_networks))
        return net_id

    def get(self, net_id: str) -> Net:
        with self._db() as db:
            row = db.execute(f"SELECT meta, params, {NOW} - last_used FROM networks WHERE id = %s",
                             (net_id,)).fetchone()
            if row is None:
                raise NetworkNotFound(net_id)
            if row[2] >= self.touch_interval:
                # A row locked by a step is being written (and touched) anyway: never wait for it.
                db.execute(f"UPDATE networks SET last_used = {NOW} WHERE id = "
                           "(SELECT id FROM networks WHERE id = %s FOR UPDATE SKIP LOCKED)", (net_id,))
        return decode(row[0], row[1])

    def update(self, net_id: str, fn: Callable[[Net], tuple[Net, T]]) -> T:
        with self._db() as db, db.transaction():  # an exception in fn rolls everything back
            row = db.execute("SELECT meta, params FROM networks WHERE id = %s FOR UPDATE", (net_id,)).fetchone()
            if row is None:
                raise NetworkNotFound(net_id)
            net, result = fn(decode(row[0], row[1]))
            meta, blob = encode(net)
            db.execute(f"UPDATE networks SET meta = %s, params = %s, version = version + 1, last_used = {NOW} "
                       "WHERE id = %s", (meta, blob, net_id))
        return result  # the transaction has committed

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
