"""The store interface every backend implements, its errors, and the row format.

A network is stored as one row: its settings as JSON and its parameters as one float64
blob (exact, and far faster than JSON lists). A network whose parameters are still the
seeded initial ones stores no blob at all: they are made again from the seed when read,
so a network costs the store what it holds (a 50-byte create stored 2 MB before).

Updates never compute inside a transaction or under the database's write lock: `update`
reads the network with its version, computes, and writes back only if the version is
still the one it read (compare-and-set). See `Store.update` for the retries.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from typing import Callable, TypeVar

import numpy as np

from app.nn.engine import Net, init_params

T = TypeVar("T")

DAY = 86_400.0         # default protection from eviction: a network used this recently (s) stays
DISK_FULL = ("the disk holding the database is full: nothing new can be saved until space is freed "
             "(deleting networks you no longer need frees space)")
OPTIMISTIC_TRIES = 2   # compare-and-set attempts before the network is serialised across processes
LOCKED_TRIES = 50      # attempts under the cross-process lock (only writers that did not take it compete)


class NetworkNotFound(KeyError):
    """No network has this id (never created, deleted, or evicted)."""


class StoreError(RuntimeError):
    """The store cannot be opened or used. str(err) says why for the log (it may name paths
    or hosts); `public` is the sentence for the client; `retry_after` seconds, if known."""

    public = "the database is unavailable; try again shortly"

    def __init__(self, message: str, public: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        if public is not None:
            self.public = public
        self.retry_after = retry_after


class StoreFull(StoreError):
    """Every stored network was used recently: none may be evicted to make room for a new one."""


def full(max_networks: int, keep_recent: float, wait: float) -> StoreFull:
    """Refusal of a create when every stored network is protected from eviction; `wait`:
    seconds until the least recently used one may be evicted."""
    hours, wait = keep_recent / 3600, max(1, math.ceil(wait))
    later = f"{wait} seconds" if wait < 120 else f"{wait / 60:.0f} minutes" if wait < 7200 else f"{wait / 3600:.0f} hours"
    return StoreFull(f"store full: {max_networks} networks, all used in the last {hours:g} h",
                     public=f"no room for a new network: all {max_networks} networks on this server were used in "
                            f"the last {hours:g} hour{'' if hours == 1 else 's'}, and none may be removed before it has been unused that long. "
                            f"Try again in about {later}, or ask whoever runs the server to raise "
                            "BACKPROP_MAX_NETWORKS",
                     retry_after=wait)


def new_id() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits, URL-safe


def lock_key(net_id: str) -> int:
    """A signed 64-bit key for a network's cross-process lock."""
    return int.from_bytes(hashlib.blake2b(net_id.encode(), digest_size=8).digest(), "big", signed=True)


def encode(net: Net) -> tuple[str, bytes]:
    """Settings as JSON and all parameters (weights then biases, layer by layer) as bytes;
    no bytes when they are exactly the seeded initial ones (`init_params`)."""
    meta = {k: v for k, v in asdict(net).items() if k not in ("weights", "biases")}
    blob = _params_blob(net.weights + net.biases)
    if net.steps == 0 and _params_blob(_initial(meta)) == blob:
        return json.dumps({**meta, "params": "seeded"}), b""
    return json.dumps(meta), blob


def decode(meta: str, blob: bytes, shared: bool = False) -> Net:
    """shared: read-only views of the blob (for the cache: whoever changes a cached network
    in place gets an error, not a silent change seen by other requests); else own copies."""
    info = json.loads(meta)
    sizes: list[int] = info["layer_sizes"]
    if info.pop("params", None) == "seeded":
        blob = _params_blob(_initial(info))
    flat = np.frombuffer(blob, dtype="<f8")  # read-only, as np.frombuffer of bytes is
    own = (lambda v: v) if shared else np.copy
    weights, biases, at = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(own(flat[at:at + n_in * n_out].reshape(n_out, n_in)))
        at += n_in * n_out
    for n_out in sizes[1:]:
        biases.append(own(flat[at:at + n_out]))
        at += n_out
    return Net(weights=weights, biases=biases, **info)


def _initial(meta: dict) -> list[np.ndarray]:
    weights, biases = init_params(meta["layer_sizes"], meta["hidden_activation"], meta["seed"])
    return weights + biases


def _params_blob(params: list[np.ndarray]) -> bytes:
    return b"".join(np.ascontiguousarray(p, dtype="<f8").tobytes() for p in params)


class KeyedLocks:
    """One threading.Lock per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, list] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]


class Store(ABC):
    """The only way the app reaches stored networks."""

    def __init__(self) -> None:
        self._local_locks = KeyedLocks()

    @abstractmethod
    def create(self, net: Net) -> str:
        """Store a new network; return its id. Beyond the cap the least recently used
        network is evicted, but never one used within the protection time: StoreFull then."""

    @abstractmethod
    def get(self, net_id: str) -> Net:
        """The network, or NetworkNotFound."""

    def peek(self, net_id: str) -> Net | None:
        """The network if it can be had without waiting on a lock or the network, else None
        (then call get in a worker thread). For tiny requests answered on the event loop."""
        return None

    @abstractmethod
    def read(self, net_id: str) -> tuple[int, Net]:
        """(version, network with its own arrays), or NetworkNotFound. Holds no lock."""

    @abstractmethod
    def write_if(self, net_id: str, version: int, net: Net) -> bool:
        """Store `net` if the stored version is still `version` (then it becomes version + 1)
        and return True once committed; False if another write came first; NetworkNotFound."""

    @abstractmethod
    def serialised(self, net_id: str) -> AbstractContextManager[None]:
        """A lock on one network shared by every process using the store (for writers that
        lost the compare-and-set race: they queue instead of recomputing again and again)."""

    def update(self, net_id: str, fn: Callable[[Net], tuple[Net, T]]) -> T:
        """Read the network, call fn outside any transaction, store the Net it returns if no
        other write came in between, and return fn's result; else call fn again on the newer
        network. Calls on one network in one process queue here; across processes they
        race by compare-and-set, and a writer that lost OPTIMISTIC_TRIES times takes the
        network's cross-process lock. So no step is lost and calls on other networks never
        wait. If fn raises, nothing is written."""
        with self._local_locks.hold(net_id):
            for _ in range(OPTIMISTIC_TRIES):
                if (done := self._attempt(net_id, fn)) is not None:
                    return done[0]
            with self.serialised(net_id):
                for _ in range(LOCKED_TRIES):
                    if (done := self._attempt(net_id, fn)) is not None:
                        return done[0]
        raise StoreError(f"network {net_id} kept changing during {LOCKED_TRIES} attempts",
                         public="this network is being changed by too many calls at once; try again", retry_after=1)

    def _attempt(self, net_id: str, fn: Callable[[Net], tuple[Net, T]]) -> tuple[T] | None:
        version, net = self.read(net_id)
        new, result = fn(net)
        return (result,) if self.write_if(net_id, version, new) else None

    @abstractmethod
    def delete(self, net_id: str) -> None:
        """Remove the network, or NetworkNotFound."""

    @abstractmethod
    def count(self) -> int: ...

    def check(self) -> None:
        """Raise StoreError if the store cannot be written now (for /api/health)."""

    def close(self) -> None:  # noqa: B027 - optional for implementations
        pass
