"""Health: the server answers and its store can be used (GET /api/health)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from app.api.deps import StoreDep

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


@router.get("/health", responses={503: {"description": "the store cannot be used: the detail says why "
                                                        "(e.g. the database file was deleted or replaced)"}})
def health(store: StoreDep) -> Health:
    store.check()  # StoreError: 503 with its reason (app.api.errors)
    return Health(status="ok")
