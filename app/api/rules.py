"""GET /api/rules: the engine's tables and pairing rules, asked of the engine itself."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from fastapi import APIRouter

from app import limits
from app.nn import engine
from app.schemas.rules import Limits, OutputWidth, Pairing, Rules

router = APIRouter(prefix="/api", tags=["networks"])


def refusal(build: Callable[[], object]) -> str | None:
    """The engine's sentence if it refuses to build the network, else None."""
    try:
        build()
    except engine.InvalidInput as err:
        return str(err)
    return None


@lru_cache(maxsize=1)
def engine_rules() -> Rules:
    """Every output activation and loss put to engine.new_net, the one place that checks them,
    on a 1-input network of 1 to 3 outputs: what it accepts is the rule."""
    def build(output: str, loss: str, outputs: int) -> Callable[[], object]:
        return lambda: engine.new_net([1, outputs], output_activation=output, loss=loss)

    pairings = [Pairing(output_activation=out, loss=loss, allowed=reason is None, reason=reason)
                for out in engine.OUTPUT_ACTIVATIONS for loss in engine.LOSSES
                for reason in [refusal(build(out, loss, 3))]]
    widths = []
    for out in engine.OUTPUT_ACTIVATIONS:
        loss = next(p.loss for p in pairings if p.output_activation == out and p.allowed)
        least = next(n for n in (1, 2, 3) if refusal(build(out, loss, n)) is None)
        widths.append(OutputWidth(output_activation=out, at_least=least,
                                  reason=refusal(build(out, loss, least - 1)) if least > 1 else None))
    return Rules(hidden_activations=list(engine.HIDDEN_ACTIVATIONS), output_activations=list(engine.OUTPUT_ACTIVATIONS),
                 losses=list(engine.LOSSES), pairings=pairings, output_widths=widths,
                 limits=Limits(**{name: getattr(limits, name.upper()) for name in Limits.model_fields}))


@router.get("/rules")
def read_rules() -> Rules:
    """Which activations and losses exist, which output activation each loss needs, how many
    output neurons each output activation needs, and the size limits of a request."""
    return engine_rules()
