"""The three passes of the lecture, plus training: forward, backward, step, train.

Each is a function (network_id, body, store, heavy) -> the JSON of its result, served as
POST /api/networks/{network_id}/<name> by app.api.endpoints (ENDPOINTS below)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app import limits
from app.nn import engine, training
from app.nn.engine import InvalidInput
from app.api.endpoints import Endpoint
from app.api.heavy import HeavyPool
from app.schemas import (BackwardRequest, BackwardResult, ForwardRequest, ForwardResult, NetworkPublic, StepRequest,
                         StepResult, TrainRequest, TrainResult, layers_of, to_array, to_json)
from app.schemas.passes import FORWARD_FIELDS, PASS_FIELDS
from app.store import Store


async def in_thread(work: Callable[[], BaseModel]) -> bytes:
    """Run a pass (store, numpy, serialisation) in one worker thread: one hop (docs/performance.md)."""
    return await run_in_threadpool(lambda: to_json(work()))


async def read_only_pass(store: Store, heavy: HeavyPool, network_id: str, m: int,
                         compute: Callable[[engine.Net], BaseModel]) -> bytes:
    """A pass that changes nothing. A small one runs right here on the event loop when the
    store can give the network without waiting (a cached copy, checked by one WAL read that
    no writer can block): the thread hop would cost more than the pass (docs/performance.md).
    A large one (limits.HEAVY_WORK) goes to the heavy dispatch thread, so that it never holds a
    thread quick requests need (app.api.heavy); the rest to a worker thread."""
    net = store.peek(network_id)
    if net is None:
        net = await run_in_threadpool(store.get, network_id)
    if limits.runs_inline(net, m):
        return to_json(compute(net))
    if limits.runs_heavy(net, m):
        return await heavy.run(lambda: to_json(compute(net)))
    return await in_thread(lambda: compute(net))


def check_answer(net: engine.Net, body: ForwardRequest | BackwardRequest, every: tuple[str, ...], extra: int) -> None:
    """The answer's size before computing it: the layers and fields asked for (all by
    default), m samples each, plus `extra` numbers (costs, gradients, the network)."""
    shown = range(net.L + 1) if body.layers is None else {l for l in body.layers if l <= net.L}
    limits.check_answer_size(len(body.inputs), sum(net.layer_sizes[l] for l in shown),
                             len(set(body.fields or every)), extra)


def forward_result(net: engine.Net, body: ForwardRequest) -> ForwardResult:
    limits.check_trace_size(net, len(body.inputs))
    check_answer(net, body, FORWARD_FIELDS, extra=len(body.inputs))
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
    check_answer(net, body, PASS_FIELDS, extra=2 * len(body.inputs) + net.parameter_count())
    trace = engine.forward(net, to_array(body.inputs))
    return BackwardResult.of(net, trace, engine.backward(net, trace, to_array(body.targets)), body)


async def forward(network_id: str, body: ForwardRequest, store: Store, heavy: HeavyPool) -> bytes:
    """a, z and g'(z) of every layer (or the `fields` and `layers` asked for); with targets, the cost too."""
    return await read_only_pass(store, heavy, network_id, len(body.inputs), lambda net: forward_result(net, body))


async def backward(network_id: str, body: BackwardRequest, store: Store, heavy: HeavyPool) -> bytes:
    """The forward body plus delta of every layer (or the `fields` and `layers` asked for), the cost,
    dC/da of the output and the gradients; changes nothing."""
    return await read_only_pass(store, heavy, network_id, len(body.inputs), lambda net: backward_result(net, body))


async def step(network_id: str, body: StepRequest, store: Store, heavy: HeavyPool) -> bytes:
    """One update; the passes shown are those computed before it. The update is stored only if
    the new weights, and the new network's activations and cost on this batch, are finite
    (the rule /train applies too); otherwise 422 saying what overflowed and what to try."""
    x, y = to_array(body.inputs), to_array(body.targets)

    def apply(net: engine.Net) -> tuple[engine.Net, StepResult]:  # backward's answer plus the new network
        limits.check_trace_size(net, len(x))
        check_answer(net, body, PASS_FIELDS, extra=2 * len(x) + 2 * net.parameter_count())
        trace, grads, new = training.step(net, x, y, body.learning_rate)
        return new, StepResult.of(net, trace, grads, body, network=NetworkPublic.of(network_id, new))

    return await in_thread(lambda: store.update(network_id, apply))


TRAIN_DOC = (f"Gradient descent for `epochs` epochs, bounded per call: samples x epochs at most "
             f"{limits.MAX_TRAIN_SAMPLE_EPOCHS:,}, weight updates (epochs x mini-batches) at most "
             f"{limits.MAX_TRAIN_UPDATES:,} and parameters x samples x epochs at most {limits.MAX_TRAIN_WORK:.0e}. "
             "Each update follows /step's rule; when one breaks it, training stops and stores the network after "
             "the last whole epoch (`epochs_done`, `updates`, `stopped` say so). L2 decays lambda/n per update, "
             "n = all rows (times the batch's rows under batch_reduction sum). `shuffle: false` takes the "
             "mini-batches in the order given; `test_inputs`/`test_targets` give `test_costs`, never trained on.")


async def train(network_id: str, body: TrainRequest, store: Store, heavy: HeavyPool) -> bytes:
    x, y = to_array(body.inputs), to_array(body.targets)
    if (body.test_inputs is None) != (body.test_targets is None):
        raise InvalidInput("send test_inputs and test_targets together, or neither")
    test = (to_array(body.test_inputs), to_array(body.test_targets)) if body.test_inputs is not None else None
    if test is not None and len(test[0]) != len(test[1]):
        raise InvalidInput(f"test_inputs has {len(test[0])} rows but test_targets has {len(test[1])}")
    held_out = len(test[0]) if test is not None else 0
    limits.check_train_call(len(x), body.epochs, body.batch_size, held_out)

    def apply(net: engine.Net) -> tuple[engine.Net, TrainResult]:
        limits.check_train_work(net, len(x), body.epochs, held_out)
        result = heavy.compute(training.train, net, x, y, body.epochs, body.batch_size, body.learning_rate, body.seed,
                               body.shuffle, test)
        return result.net, TrainResult(costs=result.costs, network=NetworkPublic.of(network_id, result.net),
                                       stopped=result.stopped, epochs_done=result.epochs_done,
                                       updates=result.updates, test_costs=result.test_costs)

    # heavy: a dispatch thread of its own, the computation in a child process (app.api.heavy)
    return await heavy.run(lambda: to_json(store.update(network_id, apply)))


# The order of /openapi.json; app.api.endpoints serves them.
ENDPOINTS = [Endpoint("forward", ForwardRequest, ForwardResult, forward),
             Endpoint("backward", BackwardRequest, BackwardResult, backward),
             Endpoint("step", StepRequest, StepResult, step),
             Endpoint("train", TrainRequest, TrainResult, train, TRAIN_DOC)]
