"""Routers; app.main includes each of ROUTERS, in this order (the passes are served apart,
by app.api.endpoints: app.api.passes.ENDPOINTS). /docs groups them by tag (app.main.TAGS)."""

from app.api import (datasets, diagnose, explain, gradcheck, health, networks, pages, perceptron, presets,
                     quizzes, rules, worksheets)

ROUTERS = [health.router, networks.router, gradcheck.router, explain.router, diagnose.router,
           datasets.router, pages.router, quizzes.router, perceptron.router, presets.router, rules.router,
           worksheets.router]
