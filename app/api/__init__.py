"""Routers; app.main includes each of ROUTERS."""

from app.api import datasets, diagnose, gradcheck, health, networks, pages, passes, perceptron, presets, quizzes

ROUTERS = [health.router, networks.router, passes.router, gradcheck.router, diagnose.router, datasets.router,
           pages.router, quizzes.router, perceptron.router, presets.router]
