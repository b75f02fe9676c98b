"""Explain: the numbers of one derivation (app/nn/explain.py), request and result."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.limits import MAX_NEURONS, MAX_SAMPLES
from app.nn import explain as ex
from app.nn.datasets import logic_lists
from app.schemas.common import Integral, Matrix, Strict
from app.schemas.networks import Biases, Weights

Index = Annotated[int, Field(ge=0, le=max(MAX_NEURONS, MAX_SAMPLES)), Integral]


class ExplainRequest(Strict):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix = Field(description="m samples x n_L targets")
    shown: Index = Field(0, description="the sample (row 0..m-1) whose chain rule and softmax sum are shown")
    layer: Index | None = Field(None, description="the layer 0..L of the neuron or weight; none: the batch's numbers "
                                                  "only (mean |delta| per layer, the vanishing-gradient warning)")
    neuron: Index | None = Field(None, description="neuron j of `layer`: its bias, or with `from` the weight w_jk")
    source: Index | None = Field(None, alias="from", description="neuron k of layer-1: the weight w_jk of "
                                                                 "weights[layer-1] (row neuron, column from)")
    weights: Weights | None = Field(None, description="the parameters the pass used (after a Step, those before "
                                                      "it), with biases; default the stored ones")
    biases: Biases | None = None

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, json_schema_extra={"examples": [
        {**logic_lists("xor"), "shown": 0, "layer": 1, "neuron": 0, "from": 1}]})


class VanishingOut(BaseModel):
    layer: int = Field(description="the hidden layer (0 = input; the page shows layer + 1) with the smallest ratio")
    ratio: float = Field(description="its mean |delta| / the output layer's; at most 0.01 (2 orders of magnitude)")
    mean: float = Field(description="its mean |delta| over the batch's samples and its neurons")
    output: float = Field(description="the output layer's mean |delta|")
    times: float = Field(description="1 / ratio; 1.7976931348623157e308 when ratio is 0")
    orders: int = Field(description="floor(-log10 ratio): whole orders of magnitude below the output (324 if 0)")


class UpdateOut(BaseModel):
    old: float = Field(description="p before the update")
    learning_rate: float = Field(description="alpha, the network's")
    change: float = Field(description="alpha dC/dp")
    new: float = Field(description="p - alpha dC/dp, what /step stores")


class ParameterOut(BaseModel):
    terms: list[float] = Field(description="each sample's dC_i/dp: delta_j a_k (weight) or delta_j (bias)")
    reduction: str = Field(description="mean or sum: the network's batch_reduction")
    reduced: float = Field(description="the terms' mean or sum: the gradient without L2")
    regularised: bool = Field(description="L2 covers this parameter: l2 > 0, and a weight or l2_biases")
    l2_term: float = Field(description="the L2 decay added (lambda/m p for mean, lambda p for sum; 0 if not)")
    gradient: float = Field(description="reduced + l2_term: backprop's dC/dp, as /backward returns it")
    update: UpdateOut


class ChainOut(BaseModel):
    factors: list[list[float]] = Field(description="per neuron i of layer+1: dC/da_i, da_i/dz_i, w_ij, g'(z_j), a_k "
                                                   "(layer+1 the output, elementwise) or delta_i, w_ij, g'(z_j), a_k")
    products: list[float] = Field(description="each row's product")
    total: float = Field(description="their sum: delta_j a_k of the shown sample")


class ExplainResult(BaseModel):
    mean_abs_delta: list[float] = Field(description="mean |delta| of layers 1..L over the batch (entry l-1: layer l)")
    vanishing: VanishingOut | None = Field(description="null unless a hidden layer's mean |delta| is 2 orders of "
                                                       "magnitude below the output's")
    parameter: ParameterOut | None = Field(description="the weight, or the neuron's bias; null without a layer >= 1")
    chain: ChainOut | None = Field(description="the chain rule of a hidden weight for the shown sample; else null")
    softmax_dot: float | None = Field(description="sum_k g_k a_k (g = dC/da) of the shown sample, for an output "
                                                  "neuron of a softmax output; else null")

    @classmethod
    def of(cls, e: ex.Explanation) -> "ExplainResult":
        p, c, v = e.parameter, e.chain, e.vanishing
        return cls(
            mean_abs_delta=e.mean_abs_delta.tolist(),
            vanishing=VanishingOut(**v.__dict__) if v else None,
            parameter=ParameterOut(terms=p.terms.tolist(), reduction=p.reduction, reduced=p.reduced,
                                   regularised=p.regularised, l2_term=p.l2_term, gradient=p.gradient,
                                   update=UpdateOut(**p.update.__dict__)) if p else None,
            chain=ChainOut(factors=c.factors.tolist(), products=c.products.tolist(), total=c.total) if c else None,
            softmax_dot=e.softmax_dot)
