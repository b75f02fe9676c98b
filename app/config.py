"""Settings, read from the environment in one place, and the fixed request limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

# Request limits: fixed (they appear in /openapi.json), chosen so that no request needs
# more than a few seconds of CPU or a few hundred MB of memory.
MAX_LAYERS = 10            # input + up to 8 hidden + output
MAX_NEURONS = 1024         # per layer (784 inputs of MNIST fit)
MAX_PARAMETERS = 250_000   # weights + biases of one network
MAX_SAMPLES = 10_000       # per request (a 100 x 100 decision-surface grid)
MAX_EPOCHS = 10_000        # per train call
MAX_TRAIN_SAMPLE_EPOCHS = 2_000_000   # samples x epochs per train call
MAX_TRAIN_WORK = 4_000_000_000        # parameters x samples x epochs per train call
MAX_TRAIN_UPDATES = 50_000            # weight updates (mini-batches x epochs) per train call
MAX_TRACE_VALUES = 1_000_000          # samples x neurons of all layers, per request (bounds memory)
MAX_ANSWER_BYTES = 16_000_000         # one answer's JSON, estimated before computing (bounds what a client pins)
ANSWER_BYTES_PER_VALUE = 24           # the longest float64 in the JSON with its comma: -1.2345678901234567e-300,


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from None


def _list(name: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in os.environ.get(name, "").split(",") if o.strip())


@dataclass(frozen=True)
class Settings:
    db: str = "data/backprop.sqlite"   # BACKPROP_DB: a file path, sqlite: URL or postgresql:// URL
    max_networks: int = 10_000         # BACKPROP_MAX_NETWORKS: LRU eviction beyond this
    cors_origins: tuple[str, ...] = field(default_factory=tuple)  # BACKPROP_CORS_ORIGINS, comma-separated
    max_body_bytes: int = 4_000_000    # BACKPROP_MAX_BODY_BYTES: larger bodies get 413 unread
    keep_recent_hours: float = 24.0    # BACKPROP_KEEP_RECENT_HOURS: a network used this recently is never evicted
    heavy_processes: int = 1           # BACKPROP_HEAVY_PROCESSES: child processes per worker for training
    heavy_nice: int = 10               # BACKPROP_HEAVY_NICE: their CPU priority below the server's (0: the same)
    create_rate: int = 60              # BACKPROP_CREATE_RATE: networks one client may create per minute
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)  # BACKPROP_TRUSTED_PROXIES: X-Forwarded-For from these
    max_header_bytes: int = 16_384     # BACKPROP_MAX_HEADER_BYTES: larger request headers get 431 (app.serve)
    request_timeout: float = 30.0      # BACKPROP_REQUEST_TIMEOUT: seconds for a request to arrive (app.serve)


def load_settings() -> Settings:
    origins = _list("BACKPROP_CORS_ORIGINS")
    return Settings(
        db=os.environ.get("BACKPROP_DB", "").strip() or Settings.db,
        max_networks=_int("BACKPROP_MAX_NETWORKS", Settings.max_networks),
        cors_origins=origins,
        max_body_bytes=_int("BACKPROP_MAX_BODY_BYTES", Settings.max_body_bytes),
        keep_recent_hours=float(_int("BACKPROP_KEEP_RECENT_HOURS", int(Settings.keep_recent_hours))),
        heavy_processes=_int("BACKPROP_HEAVY_PROCESSES", Settings.heavy_processes),
        heavy_nice=_int("BACKPROP_HEAVY_NICE", Settings.heavy_nice),
        create_rate=_int("BACKPROP_CREATE_RATE", Settings.create_rate),
        trusted_proxies=_list("BACKPROP_TRUSTED_PROXIES"),
        max_header_bytes=_int("BACKPROP_MAX_HEADER_BYTES", Settings.max_header_bytes),
        request_timeout=float(_int("BACKPROP_REQUEST_TIMEOUT", int(Settings.request_timeout))),
    )


@lru_cache
def get_settings() -> Settings:
    return load_settings()
