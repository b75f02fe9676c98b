"""Create the app: routers, static files, templates, the store."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.api import ROUTERS, endpoints, errors, passes
from app.api.heavy import HeavyPool
from app.api.pages import ROOT
from app.config import Settings, get_settings
from app.api.middleware import install_middleware
from app.store import StoreError, open_store

STARTUP_FAILURE = 3  # uvicorn's code for "failed before serving": its supervisor then stops, no restart loop

DESCRIPTION = """Backprop Lab's engine: a numpy multilayer perceptron in the lecture's notation.
Layers are numbered 0..L here (0 = input); the page numbers them 1..L+1 as the lecture does."""
# The order of the groups in /docs (routers are included hottest first: app.api.ROUTERS).
TAGS = [{"name": "health", "description": "is the server up"},
        {"name": "networks", "description": "create, read, change, delete, import a network"},
        {"name": "passes", "description": "forward, backward, step, train, gradient check"},
        {"name": "datasets", "description": "built-in data, seeded"},
        {"name": "quizzes", "description": "exam practice with worked solutions"},
        {"name": "perceptron", "description": "the 1958 perceptron on AND, OR, XOR"},
        {"name": "presets", "description": "ready-made networks as save files"},
        {"name": "worksheets", "description": "the worked solution of one sample, to print or hand out"}]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "store"):  # tests may have put one there already
            try:
                app.state.store = open_store(settings.db, settings.max_networks, settings.keep_recent_hours * 3600)
            except StoreError as err:  # one clear line, not a traceback from every worker
                logging.getLogger("uvicorn.error").error("cannot start: %s", err)
                os._exit(STARTUP_FAILURE)
        app.state.heavy = HeavyPool(settings.heavy_processes, settings.heavy_nice)
        app.state.heavy.warm_up()
        yield
        app.state.heavy.close()
        del app.state.heavy  # the app may be started again (tests): its next start makes a new pool
        app.state.store.close()

    on = settings.telemetry
    app = FastAPI(title="Backprop Lab", version="1.0.0", description=DESCRIPTION, lifespan=lifespan,
                  openapi_tags=TAGS, docs_url=None, redoc_url=None,  # /docs: static/vendor (app.api.pages)
                  telemetry={"tracing": on, "metrics": on, "logs": on})
    errors.install(app)
    endpoints.install(app, passes.ENDPOINTS)  # first: inside every middleware installed next
    install_middleware(app, settings)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    return app


app = create_app()
