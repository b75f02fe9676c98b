"""Where networks live: one interface (app.store.base), SQLite by default, PostgreSQL to scale out."""

from __future__ import annotations

from app.store.base import DAY, NetworkNotFound, Store, StoreError, StoreFull, decode, encode, new_id
from app.store.sqlite import SQLiteStore

__all__ = ["NetworkNotFound", "Store", "StoreError", "StoreFull", "SQLiteStore", "decode", "encode", "new_id",
           "open_store"]


def open_store(url: str, max_networks: int, keep_recent: float = DAY) -> Store:
    """Choose the implementation from BACKPROP_DB: a file path or sqlite: URL, or postgresql://.
    keep_recent: seconds since its last use during which a network is never evicted."""
    if url.startswith(("postgresql://", "postgres://")):
        from app.store.postgres import PostgresStore  # optional driver, imported only when asked for
        return PostgresStore(url, max_networks=max_networks, keep_recent=keep_recent)
    path = url.removeprefix("sqlite:///").removeprefix("sqlite://").removeprefix("sqlite:")
    return SQLiteStore(path, max_networks=max_networks, keep_recent=keep_recent)
