"""What the engine accepts: its tables, the pairing rules and the request limits."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Pairing(BaseModel):
    output_activation: str
    loss: str
    allowed: bool
    reason: str | None = Field(description="the engine's sentence when refused (what the API answers with 422)")


class OutputWidth(BaseModel):
    output_activation: str
    at_least: int = Field(description="the fewest output neurons the engine accepts with this activation")
    reason: str | None = Field(description="the engine's sentence for one neuron fewer, if it has a minimum above 1")


class Limits(BaseModel):
    max_layers: int = Field(description="layers including input and output")
    max_neurons: int = Field(description="neurons per layer")
    max_parameters: int = Field(description="weights + biases of one network")
    max_samples: int = Field(description="samples per request")
    max_epochs: int = Field(description="epochs per train call")
    max_trace_values: int = Field(description="samples x neurons of all layers, per request")
    max_train_sample_epochs: int = Field(description="samples x epochs per train call")
    max_train_updates: int = Field(description="weight updates (epochs x mini-batches) per train call")
    max_train_work: int = Field(description="parameters x samples x epochs per train call")


class Rules(BaseModel):
    """The engine's own tables and rules, read from it, so that a client can refuse exactly what
    POST /api/networks refuses (and say the same sentence) without a copy of its own."""

    hidden_activations: list[str]
    output_activations: list[str]
    losses: list[str]
    pairings: list[Pairing] = Field(description="every output activation with every loss")
    output_widths: list[OutputWidth] = Field(description="one entry per output activation")
    limits: Limits
