"""Routers; app.main includes each of ROUTERS."""

from app.api import datasets, health, networks, pages, passes

ROUTERS = [health.router, networks.router, passes.router, datasets.router, pages.router]
