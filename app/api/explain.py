"""Explain: the numbers of one derivation, so that the page typesets them and computes none."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter

from app import limits
from app.api.deps import NetworkDep
from app.api.errors import NOT_FOUND
from app.nn import engine, explain as ex
from app.nn.engine import InvalidInput
from app.schemas import to_array
from app.schemas.explain import ExplainRequest, ExplainResult

router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND)


@router.post("/explain")
def explain(body: ExplainRequest, net: NetworkDep) -> ExplainResult:
    """For one neuron (its bias) or, with `from`, one weight, on the batch given: each sample's term
    of dC/dp and their mean or sum (batch_reduction), the L2 term, dC/dp, the update p - alpha dC/dp;
    for a hidden weight the chain rule's factors and products for the `shown` sample; for a softmax
    output neuron sum_k g_k a_k. Always the mean |delta| of each layer and the vanishing-gradient
    warning. `weights` and `biases` replace the stored parameters (the ones a Step started from);
    changes nothing. 422 with a sentence for a bad batch or reference."""
    if (body.weights is None) != (body.biases is None):
        raise InvalidInput("send weights and biases together, or neither")
    if body.weights is not None and body.biases is not None:
        net = replace(net, weights=[to_array(w) for w in body.weights], biases=[to_array(b) for b in body.biases])
        engine.check_params(net)
    x, y = to_array(body.inputs), to_array(body.targets)
    limits.check_trace_size(net, len(x))
    return ExplainResult.of(ex.explain(net, x, y, body.shown, body.layer, body.neuron, body.source))
