"""Gradient check: request and result."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from app.limits import MAX_CHECK_PARAMETER_SAMPLES, MAX_CHECK_PARAMETERS
from app.nn.datasets import logic_lists
from app.nn.gradcheck import GradCheck
from app.schemas.common import Matrix, Strict, to_list

Epsilon = Annotated[float, Field(gt=0, le=0.1, allow_inf_nan=False)]


class GradientCheckRequest(Strict):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix = Field(description="m samples x n_L targets")
    epsilon: Epsilon = Field(1e-5, description="the nudge of central differences (C(p+eps) - C(p-eps)) / (2 eps)")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [
        {**logic_lists("xor"), "epsilon": 1e-5}]}}


class ParamValues(BaseModel):
    """One number per parameter, shaped like the network's weights (n_l x n_{l-1}) and biases."""

    weights: list[list[list[float]]]
    biases: list[list[float]]


class GradientCheckResult(BaseModel):
    __doc__ = (f"Backprop's dC/dp beside central differences, for every weight and bias, over the "
               f"samples given (the batch mean, L2 included). At most {MAX_CHECK_PARAMETERS} parameters "
               f"and {MAX_CHECK_PARAMETER_SAMPLES} parameters x samples per call.")

    epsilon: float
    cost: float = Field(description="the batch cost C at the unchanged parameters, L2 included")
    backprop: ParamValues = Field(description="dC/dp from equations 1-4 (what /backward returns)")
    numerical: ParamValues = Field(description="(C(p + eps) - C(p - eps)) / (2 eps), every other parameter fixed")
    relative_error: ParamValues = Field(
        description="|backprop - numerical| / max(|backprop| + |numerical|, 1e-300): 0 when they agree exactly "
                    "(also when both are 0), 1 when one is 0 and the other not or their signs differ; "
                    "below about 1e-6 is agreement for smooth activations")
    max_relative_error: float = Field(description="the largest relative error over all weights and biases")

    @classmethod
    def of(cls, check: GradCheck) -> "GradientCheckResult":
        g = check.backprop
        return cls(
            epsilon=check.epsilon, cost=g.cost,
            backprop=ParamValues(weights=[to_list(w) for w in g.weights], biases=[to_list(b) for b in g.biases]),
            numerical=ParamValues(weights=[to_list(w) for w in check.numerical_weights],
                                  biases=[to_list(b) for b in check.numerical_biases]),
            relative_error=ParamValues(weights=[to_list(e) for e in check.error_weights],
                                       biases=[to_list(e) for e in check.error_biases]),
            max_relative_error=check.max_relative_error)
