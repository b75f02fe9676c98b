"""Settings, read from the environment in one place (the fixed request limits are app.limits).

Each field is the variable BACKPROP_<NAME> (BACKPROP_DB, BACKPROP_MAX_NETWORKS, ...); an empty
variable means the default. A value that does not fit stops the server at start with one line
naming the variable (create_app reads the settings before serving anything). To add a
setting, add a field with its default, its bounds and a comment.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PREFIX = "BACKPROP_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    db: str = "data/backprop.sqlite"  # a file path, sqlite: URL or postgresql:// URL
    max_networks: Annotated[int, Field(ge=1)] = 10_000  # LRU eviction beyond this
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()  # comma-separated origins; none: CORS off
    max_body_bytes: Annotated[int, Field(ge=1)] = 4_000_000  # larger bodies get 413 unread
    keep_recent_hours: Annotated[float, Field(ge=0)] = 24.0  # a network used this recently is never evicted
    heavy_processes: Annotated[int, Field(ge=0, le=64)] = 1  # child processes per worker for /train (0: in-process)
    heavy_nice: Annotated[int, Field(ge=0, le=19)] = 10  # their CPU priority below the server's (0: the same)
    create_rate: Annotated[int, Field(ge=1)] = 60  # networks one client may create per minute (429 above)
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()  # comma-separated: X-Forwarded-For only from these
    max_header_bytes: Annotated[int, Field(ge=1024)] = 16_384  # larger request headers get 431 (app.serve)
    request_timeout: Annotated[float, Field(gt=0)] = 30.0  # seconds for a request to arrive, else 408 (app.serve)
    # FastAPI's OpenTelemetry spans, metrics and logs, to the globally configured providers. Off
    # by default: with nothing configured it still costs a check per request (~10 us, issue 13).
    telemetry: bool = False

    @field_validator("db")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip() or cls.model_fields["db"].default

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for proxy in value:
            ipaddress.ip_network(proxy, strict=False)  # a ValueError names the bad one
        return value


def describe(err: ValidationError) -> str:
    """One line per bad variable: its name, what is wrong, and the value given."""
    return "; ".join(f"{PREFIX}{str(e['loc'][0]).upper()} {e['msg'].removeprefix('Input ')}, not {e['input']!r}"
                     for e in err.errors())


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as err:
        raise SystemExit(f"invalid setting: {describe(err)}") from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
