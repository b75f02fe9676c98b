"""Routers; app.main includes each of ROUTERS."""

from app.api import datasets, gradcheck, health, networks, pages, passes, perceptron, presets, quizzes, worksheets

ROUTERS = [health.router, networks.router, passes.router, gradcheck.router, datasets.router, pages.router,
           quizzes.router, perceptron.router, presets.router,
           worksheets.router]
