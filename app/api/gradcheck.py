"""Gradient check: does backprop agree with central differences of the cost?"""

from __future__ import annotations

from fastapi import APIRouter

from app import limits
from app.nn import gradcheck
from app.api.deps import NetworkDep
from app.api.errors import NOT_FOUND
from app.schemas import GradientCheckRequest, GradientCheckResult, to_array

router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND)


@router.post("/gradient-check")
def check_gradients(body: GradientCheckRequest, net: NetworkDep) -> GradientCheckResult:
    """For every weight and bias: backprop's gradient, the central-difference gradient and
    their relative error; changes nothing. Two forward passes per parameter, so the size is
    bounded (422 beyond it)."""
    x, y = to_array(body.inputs), to_array(body.targets)
    limits.check_gradient_check(net, len(x))
    return GradientCheckResult.of(gradcheck.gradient_check(net, x, y, body.epsilon))
