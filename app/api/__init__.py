"""Routers; app.main includes each of ROUTERS, in this order.

The passes come first: FastAPI tries the included routers in order (a few us each), and
/forward is the hottest request (docs/performance.md). /docs groups them by tag
(app.main.TAGS), so this order does not show."""

from app.api import datasets, gradcheck, health, networks, pages, passes, perceptron, presets, quizzes, rules

ROUTERS = [passes.router, health.router, networks.router, gradcheck.router, datasets.router, pages.router,
           quizzes.router, perceptron.router, presets.router, rules.router]
