"""Settings, read from the environment in one place (the fixed request limits are app.limits)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache


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
