"""Forward, backward, step and train: requests and results."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import orjson
from pydantic import BaseModel, Field

from app.config import MAX_EPOCHS, MAX_SAMPLES
from app.nn.engine import Gradients, Net, Trace, g_prime
from app.schemas.common import Integral, Matrix, Seed, Strict, to_list
from app.schemas.networks import LearningRate, NetworkPublic

_XOR = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]}


class ForwardRequest(Strict):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix | None = Field(None, description="m samples x n_L targets; gives the cost")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [_XOR]}}


class BackwardRequest(Strict):
    inputs: Matrix
    targets: Matrix

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [_XOR]}}


class StepRequest(BackwardRequest):
    learning_rate: LearningRate | None = Field(None, description="this step only; default the network's")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{**_XOR, "learning_rate": 0.5}]}}


class TrainRequest(BackwardRequest):
    epochs: Annotated[int, Field(ge=1, le=MAX_EPOCHS), Integral]
    batch_size: Annotated[int, Field(ge=1, le=MAX_SAMPLES), Integral] | None = Field(
        None, description="mini-batch size; full batch if omitted")
    learning_rate: LearningRate | None = None
    seed: Seed | None = Field(
        None, description="shuffle seed; default derived from the network's seed and steps")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{**_XOR, "epochs": 100}]}}


class Layer(BaseModel):
    """One layer for the samples given: a (m x n_l); z, g'(z) and delta after the input."""

    a: list[list[float]]
    z: list[list[float]] | None = None
    g_prime: list[list[float]] | None = Field(None, description="g'(z) per neuron (softmax: a(1-a))")
    delta: list[list[float]] | None = Field(None, description="dC_i/dz for each sample's own cost")


class ForwardResult(BaseModel):
    layers: list[Layer]
    cost: float | None = Field(None, description="batch cost incl. L2, when targets are given")
    sample_costs: list[float] | None = Field(None, description="each sample's own cost term")


class GradientsOut(BaseModel):
    weights: list[list[list[float]]]
    biases: list[list[float]]


class BackwardResult(ForwardResult):
    cost: float
    cost_grad: list[list[float]] = Field(description="dC_i/da_j of the output layer, per sample (before the 1/m); "
                                         "entries beyond float64 are +-1.7976931348623157e308, listed in cost_grad_capped")
    cost_grad_capped: list[list[int]] = Field(description="[sample, neuron] of each cost_grad entry whose true value "
                                              "is beyond float64 (a saturated output); usually empty")
    gradients: GradientsOut


class StepResult(BackwardResult):
    network: NetworkPublic = Field(description="the network after the update")


class TrainResult(BaseModel):
    costs: list[float] = Field(description="cost over all samples after each epoch done (L2 over all n samples)")
    network: NetworkPublic = Field(description="the network stored: after `updates` updates")
    epochs_done: int = Field(description="whole epochs done and kept (= len(costs)); fewer than asked if stopped")
    updates: int = Field(description="weight updates applied and stored (epochs_done x mini-batches per epoch)")
    stopped: str | None = Field(None, description="why training stopped early, after how many epochs, what to try")


def layers_of(net: Net, trace: Trace, grads: Gradients | None = None) -> list[Layer]:
    # model_construct: these lists are float64 arrays' tolist(), valid by construction, and
    # validating them again cost 155 ms of a 10,000-point /forward (README, performance).
    out = [Layer.model_construct(a=to_list(trace.a[0]))]
    for l in range(1, net.L + 1):
        out.append(Layer.model_construct(a=to_list(trace.a[l]), z=to_list(trace.z[l]),
                                         g_prime=to_list(g_prime(net, trace, l)),
                                         delta=to_list(grads.delta[l]) if grads is not None else None))
    return out


def trace_json(net: Net, trace: Trace, grads: Gradients | None = None, cost: float | None = None,
               sample_costs: np.ndarray | None = None, **more: object) -> bytes:
    """The JSON of ForwardResult (no grads) or BackwardResult (grads; `more` adds e.g. the
    network of a StepResult), with the same keys in the same order, written by orjson
    straight from the float64 arrays: a 10,000-point /forward spent ~90 ms making and dumping
    Python floats, ~11 ms this way (README, performance). The engine refuses non-finite z, so
    every value here is finite (orjson, like pydantic, would write null otherwise)."""
    arr = np.ascontiguousarray  # orjson serialises C-contiguous arrays only; a no-op here
    layers = [{"a": arr(trace.a[0]), "z": None, "g_prime": None, "delta": None}]
    for l in range(1, net.L + 1):
        layers.append({"a": arr(trace.a[l]), "z": arr(trace.z[l]), "g_prime": arr(g_prime(net, trace, l)),
                       "delta": arr(grads.delta[l]) if grads is not None else None})
    body: dict = {"layers": layers, "cost": cost, "sample_costs": sample_costs}
    if grads is not None:
        body.update(cost=grads.cost, sample_costs=arr(grads.sample_costs), cost_grad=arr(grads.cost_grad),
                    cost_grad_capped=grads.cost_grad_capped,
                    gradients={"weights": [arr(w) for w in grads.weights], "biases": [arr(b) for b in grads.biases]})
    return orjson.dumps({**body, **more}, option=orjson.OPT_SERIALIZE_NUMPY)


def backward_fields(net: Net, trace: Trace, grads: Gradients) -> dict:
    return {"layers": layers_of(net, trace, grads), "cost": grads.cost,
            "sample_costs": to_list(grads.sample_costs), "cost_grad": to_list(grads.cost_grad),
            "cost_grad_capped": grads.cost_grad_capped,
            "gradients": GradientsOut(weights=[to_list(w) for w in grads.weights],
                                      biases=[to_list(b) for b in grads.biases])}
