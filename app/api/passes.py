"""The three passes of the lecture, plus training: forward, backward, step, train."""

from __future__ import annotations

from fastapi import APIRouter

from app import engine
from app.api.deps import NetworkDep, NetworkId, StoreDep
from app.api.errors import NOT_FOUND
from app.config import MAX_TRAIN_SAMPLE_EPOCHS, MAX_TRAIN_WORK
from app.schemas import (BackwardRequest, BackwardResult, ForwardRequest, ForwardResult, NetworkPublic, StepRequest,
                         StepResult, TrainRequest, TrainResult, backward_fields, layers_of, to_array, to_list)

router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND)


@router.post("/forward")
def forward(body: ForwardRequest, net: NetworkDep) -> ForwardResult:
    """a and z of every layer; with targets, the cost too."""
    trace = engine.forward(net, to_array(body.inputs))
    if body.targets is None:
        return ForwardResult(layers=layers_of(net, trace))
    y = to_array(body.targets)
    engine.check_batch(net, trace.a[0], y)
    return ForwardResult(layers=layers_of(net, trace), cost=engine.cost(net, trace, y),
                         sample_costs=to_list(engine.sample_costs(net, trace, y)))


@router.post("/backward")
def backward(body: BackwardRequest, net: NetworkDep) -> BackwardResult:
    """The forward body plus delta of every layer and the gradients; changes nothing."""
    trace = engine.forward(net, to_array(body.inputs))
    grads = engine.backward(net, trace, to_array(body.targets))
    return BackwardResult(**backward_fields(net, trace, grads))


@router.post("/step")
def step(network_id: NetworkId, body: StepRequest, store: StoreDep) -> StepResult:
    """One update; the passes shown are those computed before it."""
    x, y = to_array(body.inputs), to_array(body.targets)

    def apply(net: engine.Net) -> tuple[engine.Net, StepResult]:
        trace, grads, new = engine.step(net, x, y, body.learning_rate)
        return new, StepResult(**backward_fields(net, trace, grads), network=NetworkPublic.of(network_id, new))

    return store.update(network_id, apply)


@router.post("/train")
def train(network_id: NetworkId, body: TrainRequest, store: StoreDep) -> TrainResult:
    """Gradient descent for `epochs` epochs, bounded: samples x epochs at most
    2,000,000 and parameters x samples x epochs at most 4e9 per call."""
    x, y = to_array(body.inputs), to_array(body.targets)
    work = len(x) * body.epochs
    if work > MAX_TRAIN_SAMPLE_EPOCHS:
        raise ValueError(f"samples x epochs is {work}; one train call allows {MAX_TRAIN_SAMPLE_EPOCHS}: "
                         "use fewer epochs per call")

    def apply(net: engine.Net) -> tuple[engine.Net, TrainResult]:
        params = sum(w.size + b.size for w, b in zip(net.weights, net.biases))
        if params * work > MAX_TRAIN_WORK:
            raise ValueError(f"parameters x samples x epochs is {params * work:.3g}; one train call allows "
                             f"{MAX_TRAIN_WORK:.3g}: use fewer epochs per call")
        result = engine.train(net, x, y, body.epochs, body.batch_size, body.learning_rate, body.seed)
        return result.net, TrainResult(costs=result.costs, network=NetworkPublic.of(network_id, result.net),
                                       stopped=result.stopped)

    return store.update(network_id, apply)
