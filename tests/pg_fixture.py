"""Fixtures for the PostgreSQL tests: one throw-away cluster per test session and a fresh
database per test. Without the server binaries the PostgreSQL tests are skipped with a
message saying how to enable them; with BACKPROP_REQUIRE_PG=1 (CI) they fail instead."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from pgcluster import HOW_TO_ENABLE, Cluster, find_bin_dir

_names = itertools.count(1)


def _unavailable(reason: str) -> None:
    if os.environ.get("BACKPROP_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL tests are required (BACKPROP_REQUIRE_PG=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed: `pip install -e '.[test]'`")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _unavailable(f"no initdb/pg_ctl found; {HOW_TO_ENABLE}")
    assert bin_dir is not None
    # fsync off: a throw-away cluster needs no protection from power cuts, and it is faster.
    cluster = Cluster(bin_dir, fsync=False)
    try:
        cluster.start()
    except RuntimeError as err:
        cluster.stop()
        _unavailable(f"the throw-away cluster did not start: {err}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """The URL of a new, empty database in the session's cluster."""
    return pg_cluster.create_database(f"test_{os.getpid()}_{next(_names)}")
