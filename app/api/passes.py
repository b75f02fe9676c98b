"""The three passes of the lecture, plus training: forward, backward, step, train."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app import limits
from app.nn import engine, training
from app.api.body import ModelResponse, documented, read_json
from app.api.deps import NetworkId, StoreDep
from app.api.errors import NOT_FOUND
from app.schemas import (BackwardRequest, BackwardResult, ForwardRequest, ForwardResult, NetworkPublic, StepRequest,
                         StepResult, TrainRequest, TrainResult, layers_of, to_array, to_json)
from app.store import Store

router = APIRouter(prefix="/api/networks/{network_id}", tags=["passes"], responses=NOT_FOUND,
                   default_response_class=ModelResponse)


async def in_thread(work: Callable[[], BaseModel]) -> Response:
    """Run a pass (store, numpy, serialisation) in one worker thread and answer its JSON.
    Sync routes cost a thread hop for each sync dependency, the route and the response
    check (docs/performance.md); here it is one. The declared response_model documents the
    body in /openapi.json."""
    return ModelResponse(await run_in_threadpool(lambda: to_json(work())))


async def read_only_pass(store: Store, network_id: str, m: int, compute: Callable[[engine.Net], BaseModel]) -> Response:
    """A pass that changes nothing. A small one runs right here on the event loop when the
    store can give the network without waiting (a cached copy, checked by one WAL read that
    no writer can block): the thread hop would cost more than the pass (docs/performance.md).
    Anything larger, or a read that might wait, goes to a worker thread."""
    net = store.peek(network_id)
    if net is not None and limits.runs_inline(net, m):
        return ModelResponse(compute(net))
    return await in_thread(lambda: compute(store.get(network_id)))


def forward_result(net: engine.Net, body: ForwardRequest) -> ForwardResult:
    limits.check_trace_size(net, len(body.inputs))
    trace = engine.forward(net, to_array(body.inputs))
    layers = layers_of(net, trace, None, body)
    if body.targets is None:
        return ForwardResult.model_construct(layers=layers)
    y = to_array(body.targets)
    engine.check_batch(net, trace.a[0], y)
    return ForwardResult.model_construct(layers=layers, cost=engine.cost(net, trace, y),
                                         sample_costs=engine.sample_costs(net, trace, y))


def backward_result(net: engine.Net, body: BackwardRequest) -> BackwardResult:
    limits.check_trace_size(net, len(body.inputs))
    trace = engine.forward(net, to_array(body.inputs))
    return BackwardResult.of(net, trace, engine.backward(net, trace, to_array(body.targets)), body)


@router.post("/forward", response_model=ForwardResult, openapi_extra=documented(ForwardRequest))
async def forward(network_id: NetworkId, request: Request, store: StoreDep) -> Response:
    """a, z and g'(z) of every layer (or the `fields` and `layers` asked for); with targets, the cost too."""
    body = await read_json(request, ForwardRequest)
    return await read_only_pass(store, network_id, len(body.inputs), lambda net: forward_result(net, body))


@router.post("/backward", response_model=BackwardResult, openapi_extra=documented(BackwardRequest))
async def backward(network_id: NetworkId, request: Request, store: StoreDep) -> Response:
    """The forward body plus delta of every layer (or the `fields` and `layers` asked for), the cost,
    dC/da of the output and the gradients; changes nothing."""
    body = await read_json(request, BackwardRequest)
    return await read_only_pass(store, network_id, len(body.inputs), lambda net: backward_result(net, body))


@router.post("/step", response_model=StepResult, openapi_extra=documented(StepRequest))
async def step(network_id: NetworkId, request: Request, store: StoreDep) -> Response:
    """One update; the passes shown are those computed before it."""
    body = await read_json(request, StepRequest)
    x, y = to_array(body.inputs), to_array(body.targets)

    def apply(net: engine.Net) -> tuple[engine.Net, StepResult]:
        limits.check_trace_size(net, len(x))
        trace, grads, new = engine.step(net, x, y, body.learning_rate)
        return new, StepResult.of(net, trace, grads, body, network=NetworkPublic.of(network_id, new))

    return await in_thread(lambda: store.update(network_id, apply))


TRAIN_DOC = (f"Gradient descent for `epochs` epochs, bounded per call: samples x epochs at most "
             f"{limits.MAX_TRAIN_SAMPLE_EPOCHS:,}, weight updates (epochs x mini-batches) at most "
             f"{limits.MAX_TRAIN_UPDATES:,} and parameters x samples x epochs at most {limits.MAX_TRAIN_WORK:.0e}.")


@router.post("/train", response_model=TrainResult, openapi_extra=documented(TrainRequest), description=TRAIN_DOC)
async def train(network_id: NetworkId, request: Request, store: StoreDep) -> Response:
    body = await read_json(request, TrainRequest)
    x, y = to_array(body.inputs), to_array(body.targets)
    limits.check_train_call(len(x), body.epochs, body.batch_size)

    def apply(net: engine.Net) -> tuple[engine.Net, TrainResult]:
        limits.check_train_work(net, len(x), body.epochs)
        result = training.train(net, x, y, body.epochs, body.batch_size, body.learning_rate, body.seed)
        return result.net, TrainResult(costs=result.costs, network=NetworkPublic.of(network_id, result.net),
                                       stopped=result.stopped)

    return await in_thread(lambda: store.update(network_id, apply))
