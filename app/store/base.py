"""The store interface every backend implements, its errors, and the row format.

A network is stored as one row: its settings as JSON and its parameters as one float64
blob (exact, and far faster than JSON lists).
"""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from dataclasses import asdict
from typing import Callable, TypeVar

import numpy as np

from app.nn.engine import Net

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


def decode(meta: str, blob: bytes, shared: bool = False) -> Net:
    """shared: read-only views of the blob (for the cache: whoever changes a cached network
    in place gets an error, not a silent change seen by other requests); else own copies."""
    info = json.loads(meta)
    sizes: list[int] = info["layer_sizes"]
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


class Store(ABC):
    """The only way the app reaches stored networks."""

    @abstractmethod
    def create(self, net: Net) -> str:
        """Store a new network, evicting the least recently used beyond the cap; return its id."""

    @abstractmethod
    def get(self, net_id: str) -> Net:
        """The network, or NetworkNotFound."""

    def peek(self, net_id: str) -> Net | None:
        """The network if it can be had without waiting on a lock or the network, else None
        (then call get in a worker thread). For tiny requests answered on the event loop."""
        return None

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
