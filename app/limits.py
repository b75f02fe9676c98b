"""Every limit on what one request may ask for, and every check of its work, written once.

Fixed numbers (they appear in /openapi.json through the schemas), chosen so that no request
needs more than a few seconds of CPU or a few hundred MB of memory. Each check raises
InvalidInput (a 422) with a sentence naming the numbers and what is allowed. Parameters are
counted one way: engine.parameter_count, weights plus biases.

Imports: app.nn only; the schemas and the routes import this module, app.nn never does.
"""

from __future__ import annotations

from app.nn.engine import InvalidInput, Net, parameter_count

# --- sizes a schema checks
MAX_LAYERS = 10            # input + up to 8 hidden + output
MAX_NEURONS = 1024         # per layer (784 inputs of MNIST fit)
MAX_SAMPLES = 10_000       # per request (a 100 x 100 decision-surface grid)
MAX_EPOCHS = 10_000        # per train call
MAX_PERCEPTRON_EPOCHS = 1000
# Inputs and targets lie in [-MAX_ABS_DATA, MAX_ABS_DATA]: a squared error of such values, summed
# over the largest batch, stays far below float64's 1.8e308, and so does the page's decision-surface
# grid around them; a larger value is a typo or unscaled data (the page shows this limit).
MAX_ABS_DATA = 1e12

# --- work, checked against the network before anything runs
MAX_PARAMETERS = 250_000              # weights + biases of one network
MAX_TRACE_VALUES = 1_000_000          # samples x neurons of all layers, per request (bounds memory)
MAX_TRAIN_SAMPLE_EPOCHS = 2_000_000   # samples x epochs per train call
MAX_TRAIN_UPDATES = 50_000            # weight updates (mini-batches x epochs) per train call
MAX_TRAIN_WORK = 4_000_000_000        # parameters x samples x epochs per train call
MAX_DIAGNOSE_WORK = 200_000_000       # parameters x samples of one diagnosis (up to 8 passes: ~1 s at most)
MAX_CHECK_PARAMETERS = 2_000          # weights + biases of a network gradient-checked in one call
MAX_CHECK_PARAMETER_SAMPLES = 50_000  # parameters x samples of one gradient check (about 1 s at most)
MAX_ANSWER_BYTES = 16_000_000         # one answer's JSON, estimated before computing (what a client can pin)
ANSWER_BYTES_PER_VALUE = 24           # the longest float64 in the JSON with its comma: -1.2345678901234567e-300,
INLINE_WORK = 20_000  # samples x weights up to which a read-only pass runs on the event loop (~0.1 ms)
# Samples x weights above which a read-only pass is heavy (tens of ms of numpy and JSON): the
# page's 30 x 30 decision surface of a 2-8-8-1 network is 79,000, a 1,000-sample pass through
# a 1-240-240-240-240-1 network 173 million.
HEAVY_WORK = 2_000_000
# A worksheet is written out by hand: every number of every layer on paper.
MAX_SHEET_LAYERS, MAX_SHEET_WIDTH, MAX_SHEET_PARAMETERS = 4, 5, 50
SHEET_LIMIT = (f"at most {MAX_SHEET_LAYERS} layers of at most {MAX_SHEET_WIDTH} neurons each and at most "
               f"{MAX_SHEET_PARAMETERS} weights and biases")


def check_network_size(layer_sizes: list[int]) -> None:
    n = parameter_count(layer_sizes)
    if n > MAX_PARAMETERS:
        raise InvalidInput(f"this network would have {n} parameters; the limit is {MAX_PARAMETERS}")


def check_trace_size(net: Net, m: int) -> None:
    """Every array of a trace is m x sum(layer_sizes): bound it, and so the memory of a request."""
    neurons = sum(net.layer_sizes)
    values = m * neurons
    if values > MAX_TRACE_VALUES:
        raise InvalidInput(f"{m} samples through {neurons} neurons make {values} values per array; "
                           f"one request allows {MAX_TRACE_VALUES}: send fewer samples")


def check_answer_size(m: int, neurons: int, arrays: int, extra: int) -> None:
    """An answer of `arrays` arrays of m x `neurons` (the layers and fields asked for) plus
    `extra` other numbers: refused before computing if its JSON could pass MAX_ANSWER_BYTES
    (a client that never reads its answers would pin them in the server's memory)."""
    size = (m * neurons * arrays + extra) * ANSWER_BYTES_PER_VALUE
    if size > MAX_ANSWER_BYTES:
        fit = max(0, (MAX_ANSWER_BYTES // ANSWER_BYTES_PER_VALUE - extra) // max(1, neurons * arrays))
        raise InvalidInput(f"the answer could be {size / 1e6:.0f} MB ({m} samples x {neurons} neurons x {arrays} "
                           f"arrays + {extra} other numbers, up to {ANSWER_BYTES_PER_VALUE} bytes each); one answer "
                           f"may be at most {MAX_ANSWER_BYTES / 1e6:.0f} MB: send at most {fit} samples per call, "
                           "or ask for fewer fields or layers")


def check_train_call(samples: int, epochs: int, batch_size: int | None, held_out: int = 0) -> None:
    """What a train call may ask for whatever the network: samples x epochs (held-out test
    samples count too: one forward pass each per epoch) and updates."""
    work = (samples + held_out) * epochs
    if work > MAX_TRAIN_SAMPLE_EPOCHS:
        raise InvalidInput(f"samples x epochs is {work}; one train call allows {MAX_TRAIN_SAMPLE_EPOCHS}: "
                           "use fewer epochs per call")
    batch = min(batch_size or samples, samples)
    updates = epochs * -(-samples // batch)
    if updates > MAX_TRAIN_UPDATES:
        raise InvalidInput(f"epochs x mini-batches is {updates}; one train call allows {MAX_TRAIN_UPDATES}: "
                           "use fewer epochs or larger batches per call")


def check_train_work(net: Net, samples: int, epochs: int, held_out: int = 0) -> None:
    """A train call on this network: its traces and parameters x samples x epochs."""
    check_trace_size(net, samples)
    check_trace_size(net, held_out)
    work = net.parameter_count() * (samples + held_out) * epochs
    if work > MAX_TRAIN_WORK:
        raise InvalidInput(f"parameters x samples x epochs is {work:.3g}; one train call allows "
                           f"{MAX_TRAIN_WORK:.3g}: use fewer epochs per call")


def check_diagnose(net: Net, samples: int) -> None:
    """A diagnosis runs up to 2 + LR_TRIALS (8) passes over the samples: bound parameters x samples."""
    check_trace_size(net, samples)
    work = net.parameter_count() * samples
    if work > MAX_DIAGNOSE_WORK:
        raise InvalidInput(f"a diagnosis makes up to 8 passes: parameters x samples is {work:.3g} and one "
                           f"allows {MAX_DIAGNOSE_WORK:.3g}; send fewer samples")


def check_gradient_check(net: Net, samples: int) -> None:
    """Two forward passes per parameter: the work grows with parameters x parameters x samples."""
    n = net.parameter_count()
    if n > MAX_CHECK_PARAMETERS:
        raise InvalidInput(f"gradient check needs two forward passes per parameter: this network has {n} "
                           f"parameters and one check allows {MAX_CHECK_PARAMETERS}; use a smaller network")
    if n * samples > MAX_CHECK_PARAMETER_SAMPLES:
        raise InvalidInput(f"gradient check needs two forward passes per parameter: parameters x samples is "
                           f"{n} x {samples} = {n * samples} and one check allows {MAX_CHECK_PARAMETER_SAMPLES}; "
                           "send fewer samples")


def check_worksheet(net: Net) -> None:
    """A worked-solution sheet only for networks small enough to work through by hand."""
    sizes, n = net.layer_sizes, net.parameter_count()
    if len(sizes) > MAX_SHEET_LAYERS or max(sizes) > MAX_SHEET_WIDTH or n > MAX_SHEET_PARAMETERS:
        raise InvalidInput(f"a worksheet is written by hand, so it is only made for networks of {SHEET_LIMIT}; "
                           f"this one is {'-'.join(map(str, sizes))} with {n} parameters")


def pass_work(net: Net, m: int) -> int:
    """The work of a read-only pass: samples x weights."""
    return m * sum(w.size for w in net.weights)


def runs_inline(net: Net, m: int) -> bool:
    """A read-only pass small enough for the event loop: the thread hop would cost more."""
    return pass_work(net, m) <= INLINE_WORK


def runs_heavy(net: Net, m: int) -> bool:
    """A read-only pass large enough for the heavy pool's dispatch thread (app.api.heavy)."""
    return pass_work(net, m) > HEAVY_WORK
