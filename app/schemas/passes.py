"""Forward, backward, step and train: requests and results.

A pass may ask for only the per-layer arrays (`fields`) and layers (`layers`) it needs: the
page's decision surface needs a of a 100 x 100 grid, not z, a and g' of every layer.
"""

from __future__ import annotations

from typing import Annotated, Literal

from typing_extensions import TypedDict

from pydantic import BaseModel, Field

from app.limits import MAX_EPOCHS, MAX_LAYERS, MAX_SAMPLES
from app.nn.datasets import logic_lists
from app.nn.engine import Gradients, InvalidInput, Net, Trace, g_prime
from app.schemas.common import Computed, Integral, Matrix, Rows, Seed, Strict, Values
from app.schemas.networks import LearningRate, NetworkPublic

_XOR = logic_lists("xor")
FORWARD_FIELDS = ("a", "z", "g_prime")
PASS_FIELDS = (*FORWARD_FIELDS, "delta")
FIELDS_DOC = "which arrays of each layer to return (layer 0, the input, has only a); default all of them"
LayerIndex = Annotated[int, Field(ge=0, le=MAX_LAYERS - 1), Integral]


class LayerChoice(Strict):
    layers: Annotated[list[LayerIndex], Field(max_length=MAX_LAYERS)] | None = Field(
        None, description="which layers to return, 0..L (0 = input); the others come back as {} so that "
                          "indices hold; default all")


class ForwardRequest(LayerChoice):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix | None = Field(None, description="m samples x n_L targets; gives the cost")
    fields: Annotated[list[Literal["a", "z", "g_prime"]], Field(max_length=3)] | None = Field(
        None, description=FIELDS_DOC)

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [_XOR, {
        "inputs": [[0, 0], [0.5, 0.5]], "fields": ["a"], "layers": [2]}]}}


class Batch(Strict):
    inputs: Matrix = Field(description="m samples x n_0 inputs")
    targets: Matrix = Field(description="m samples x n_L targets")


class BackwardRequest(Batch, LayerChoice):
    fields: Annotated[list[Literal["a", "z", "g_prime", "delta"]], Field(max_length=4)] | None = Field(
        None, description=FIELDS_DOC)

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [_XOR]}}


class StepRequest(BackwardRequest):
    learning_rate: LearningRate | None = Field(None, description="this step only; default the network's")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{**_XOR, "learning_rate": 0.5}]}}


class TrainRequest(Batch):
    epochs: Annotated[int, Field(ge=1, le=MAX_EPOCHS), Integral]
    batch_size: Annotated[int, Field(ge=1, le=MAX_SAMPLES), Integral] | None = Field(
        None, description="mini-batch size; full batch if omitted")
    learning_rate: LearningRate | None = None
    seed: Seed | None = Field(
        None, description="shuffle seed; default derived from the network's seed and steps")

    model_config = {**Strict.model_config, "json_schema_extra": {"examples": [{**_XOR, "epochs": 100}]}}


class Layer(TypedDict, total=False):
    """One layer for the m samples given, with the arrays asked for (`fields`), each m x n_l;
    an array not asked for is left out, never null."""

    a: Annotated[Rows, Field(description="g(z); for layer 0 the inputs")]
    z: Annotated[Rows, Field(description="weighted input W a + b (not for layer 0)")]
    g_prime: Annotated[Rows, Field(description="g'(z) per neuron (softmax: a(1-a))")]
    delta: Annotated[Rows, Field(description="dC_i/dz for each sample's own cost (/backward and /step)")]


def layers_of(net: Net, trace: Trace, grads: Gradients | None, choice: ForwardRequest | BackwardRequest) -> list[Layer]:
    """L+1 layers; those and the fields not asked for are left out (g' is only computed if asked)."""
    fields = set(choice.fields if choice.fields is not None else PASS_FIELDS)
    shown = set(range(net.L + 1)) if choice.layers is None else set(choice.layers)
    if shown and max(shown) > net.L:
        raise InvalidInput(f"layers asks for layer {max(shown)}; this network has layers 0..{net.L} (0 = input)")
    out: list[Layer] = []
    for l in range(net.L + 1):
        layer = Layer()
        if l in shown:
            if "a" in fields:
                layer["a"] = trace.a[l]
            if l > 0 and "z" in fields:
                layer["z"] = trace.z[l]
            if l > 0 and "g_prime" in fields:
                layer["g_prime"] = g_prime(net, trace, l)
            if l > 0 and grads is not None and "delta" in fields:
                layer["delta"] = grads.delta[l]
        out.append(layer)
    return out


class ForwardResult(Computed):
    layers: list[Layer] = Field(description="L+1 entries, layer 0 = input")
    cost: float | None = Field(None, description="batch cost incl. L2, when targets are given")
    sample_costs: Values | None = Field(None, description="each sample's own cost term")


class GradientsOut(Computed):
    weights: list[Rows] = Field(description="dC/dW of each layer, n_l x n_{l-1}: batch mean + L2")
    biases: list[Values] = Field(description="dC/db of each layer: batch mean")


class BackwardResult(ForwardResult):
    cost: float = Field(description="batch cost incl. L2")
    sample_costs: Values = Field(description="each sample's own cost term")
    cost_grad: Rows = Field(description="dC_i/da_j of the output layer, per sample (before the 1/m)")
    gradients: GradientsOut

    @classmethod
    def of(cls, net: Net, trace: Trace, grads: Gradients, choice: BackwardRequest, **more: BaseModel) -> "BackwardResult":
        """`more`: a StepResult's network."""
        return cls.model_construct(layers=layers_of(net, trace, grads, choice), cost=grads.cost,
                                   sample_costs=grads.sample_costs, cost_grad=grads.cost_grad,
                                   gradients=GradientsOut.model_construct(weights=grads.weights, biases=grads.biases),
                                   **more)


class StepResult(BackwardResult):
    network: NetworkPublic = Field(description="the network after the update")


class TrainResult(BaseModel):
    costs: list[float] = Field(description="full-batch cost after each epoch")
    network: NetworkPublic
    stopped: str | None = Field(None, description="why training stopped early, if it did")
