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
# Inputs and targets lie in [-MAX_ABS_DATA, MAX_ABS_DATA]: a squared error of such values, summed
# over the largest batch, stays far below float64's 1.8e308, and so does the page's decision-surface
# grid around them; a larger value is a typo or unscaled data (the page shows this limit).
MAX_ABS_DATA = 1e12


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    db: str = "data/backprop.sqlite"   # BACKPROP_DB: a file path, sqlite: URL or postgresql:// URL
    max_networks: int = 10_000         # BACKPROP_MAX_NETWORKS: LRU eviction beyond this
    cors_origins: tuple[str, ...] = field(default_factory=tuple)  # BACKPROP_CORS_ORIGINS, comma-separated
    max_body_bytes: int = 4_000_000    # BACKPROP_MAX_BODY_BYTES: larger bodies get 413 unread


def load_settings() -> Settings:
    origins = tuple(o.strip() for o in os.environ.get("BACKPROP_CORS_ORIGINS", "").split(",") if o.strip())
    return Settings(
        db=os.environ.get("BACKPROP_DB", "").strip() or Settings.db,
        max_networks=_int("BACKPROP_MAX_NETWORKS", Settings.max_networks),
        cors_origins=origins,
        max_body_bytes=_int("BACKPROP_MAX_BODY_BYTES", Settings.max_body_bytes),
    )


@lru_cache
def get_settings() -> Settings:
    return load_settings()
