"""The single perceptron of 1958, trained by its own rule on AND, OR and XOR."""

from __future__ import annotations

from fastapi import APIRouter

from app.nn import perceptron
from app.schemas import PerceptronRequest, PerceptronResult

router = APIRouter(prefix="/api/perceptron", tags=["perceptron"])


@router.post("")
def run_perceptron(body: PerceptronRequest) -> PerceptronResult:
    """Every epoch's weights, decision line and mistakes; stops early once an epoch has none."""
    run = perceptron.train(body.dataset, body.epochs, body.learning_rate, body.seed)
    return PerceptronResult.of(run)
