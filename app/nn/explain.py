"""The numbers a derivation shows (the page's inspector), from the engine's passes, so that the
page typesets them and computes none: for one neuron (with its bias) or one weight, on a batch
and a shown sample, the per-sample terms of its gradient and their reduction (the network's
batch_reduction), the L2 term (l2, l2_biases), the update, the chain rule's factors of a hidden
weight and softmax's sum_k g_k a_k; for the batch, the mean |delta| of each layer and the
vanishing-gradient warning. Layers and indices as in the engine (0 = input; w_jk of weights[l-1]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from app.nn.engine import (BIG, Array, Gradients, InvalidInput, Net, Params, Trace, backward, forward, g_prime,
                           softmax_dot)
from app.nn.training import descend, params_of

VANISHING_RATIO = 1e-2  # warn when a hidden layer's mean |delta| is 2 orders of magnitude below the output's


@dataclass(frozen=True)
class Vanishing:
    """The hidden layer whose mean |delta| is smallest against the output layer's, when below VANISHING_RATIO."""
    layer: int
    ratio: float   # mean |delta[layer]| / mean |delta[L]|
    mean: float    # mean |delta[layer]| over the batch's samples and the layer's neurons
    output: float  # mean |delta[L]|
    times: float   # 1 / ratio (BIG when ratio is 0)
    orders: int    # whole orders of magnitude between them (floor(-log10 ratio); 324 when ratio is 0)


@dataclass(frozen=True)
class Update:
    """p <- p - alpha dC/dp for this parameter: old, alpha, alpha dC/dp, new (training.descend's result)."""
    old: float
    learning_rate: float
    change: float
    new: float


@dataclass(frozen=True)
class Parameter:
    """dC/dp of one weight w_jk (delta_j a_k per sample) or bias b_j (delta_j per sample)."""
    terms: Array         # (m,) each sample's dC_i/dp
    reduction: str       # "mean" or "sum" (the network's batch_reduction)
    reduced: float       # the engine's gradient without L2: mean or sum of the terms
    regularised: bool    # l2 > 0 and (a weight, or l2_biases)
    l2_term: float       # the L2 decay added to it (0 when not regularised)
    gradient: float      # reduced + l2_term: what backprop returns
    update: Update


@dataclass(frozen=True)
class Chain:
    """dC_s/dw_jk of a hidden weight for the shown sample s, through each neuron i of layer l+1:
    factors (n_{l+1}, 5) dC/da_i, da_i/dz_i, w_ij, g'(z_j), a_k when the output is elementwise and
    layer l+1 is the output; (n_{l+1}, 4) delta_i, w_ij, g'(z_j), a_k otherwise."""
    factors: Array
    products: Array  # (n_{l+1},) each row's product
    total: float     # their sum: delta_j a_k of the shown sample


@dataclass(frozen=True)
class Explanation:
    mean_abs_delta: Array          # (L,) layers 1..L
    vanishing: Vanishing | None
    parameter: Parameter | None    # the weight asked for, or the neuron's bias
    chain: Chain | None            # a hidden weight (layer < L)
    softmax_dot: float | None      # sum_k g_k a_k of the shown sample, for an output neuron of a softmax output


def _capped(values: Array) -> Array:
    """A product of finite numbers may leave float64: shown as +-BIG, as the engine shows dC/da."""
    return np.clip(values, -BIG, BIG)


def vanishing(mean_abs: Array) -> Vanishing | None:
    """The warning from the mean |delta| of layers 1..L, or None (no hidden layer, output 0, ratio above)."""
    if len(mean_abs) < 2 or not mean_abs[-1] > 0:
        return None
    ratios = mean_abs[:-1] / mean_abs[-1]
    worst = int(np.argmin(ratios))
    ratio = float(ratios[worst])
    if ratio > VANISHING_RATIO:
        return None
    return Vanishing(worst + 1, ratio, float(mean_abs[worst]), float(mean_abs[-1]),
                     min(1.0 / ratio, BIG) if ratio > 0 else BIG, math.floor(-math.log10(ratio)) if ratio > 0 else 324)


def check_reference(net: Net, m: int, shown: int, layer: int | None, neuron: int | None, source: int | None) -> None:
    """InvalidInput (a sentence) unless shown, layer, neuron and source name a sample, neuron or weight."""
    if not 0 <= shown < m:
        raise InvalidInput(f"shown must be a sample of the batch, 0..{m - 1}, not {shown}")
    if layer is None:
        if neuron is not None or source is not None:
            raise InvalidInput("neuron and from need a layer")
        return
    if not 0 <= layer <= net.L:
        raise InvalidInput(f"layer must be 0..{net.L} (0 = input), not {layer}")
    if neuron is None or not 0 <= neuron < net.layer_sizes[layer]:
        raise InvalidInput(f"neuron must be 0..{net.layer_sizes[layer] - 1} in layer {layer}, not {neuron}")
    if source is not None and (layer == 0 or not 0 <= source < net.layer_sizes[layer - 1]):
        raise InvalidInput(f"from must be a neuron of layer {layer - 1}, 0..{net.layer_sizes[layer - 1] - 1}, "
                           f"not {source}" if layer else "layer 0 (the input) has no weights: from needs a layer >= 1")


def _pick(p: Params, l: int, j: int, k: int | None) -> float:
    return float(p.biases[l - 1][j] if k is None else p.weights[l - 1][j, k])


def explain(net: Net, x: Array, y: Array, shown: int = 0, layer: int | None = None, neuron: int | None = None,
            source: int | None = None, learning_rate: float | None = None) -> Explanation:
    """The derivation's numbers (module docstring) for neuron `neuron` of `layer` (its bias), or with
    `source` the weight w_{neuron,source} of weights[layer-1]; without a layer, the batch's only.
    InvalidInput for a bad batch or reference; DivergedError (engine) for an overflow."""
    check_reference(net, x.shape[0], shown, layer, neuron, source)
    trace = forward(net, x)
    grads = backward(net, trace, y)
    mean_abs = np.array([float((np.abs(d) / d.size).sum()) for d in grads.delta[1:]])  # no overflow on the way
    out = Explanation(mean_abs, vanishing(mean_abs), None, None, None)
    if layer is None or layer == 0 or neuron is None:
        return out
    l, j, k, s, L = layer, neuron, source, shown, net.L
    dot = None
    if l == L and not net.activation(L).elementwise:
        dot = float(softmax_dot(grads.cost_grad[s:s + 1], trace.a[L][s:s + 1])[0, 0])
    return replace(out, parameter=_parameter(net, trace, y, grads, l, j, k, learning_rate),
                   chain=_chain(net, trace, grads, s, l, j, k) if k is not None and l < L else None, softmax_dot=dot)


def _parameter(net: Net, trace: Trace, y: Array, grads: Gradients, l: int, j: int, k: int | None,
               learning_rate: float | None) -> Parameter:
    delta = grads.delta[l][:, j]
    with np.errstate(over="ignore", invalid="ignore"):
        terms = _capped(delta if k is None else delta * trace.a[l - 1][:, k])  # equation 3 or 4, one sample each
    # The reduction without L2 is the engine's own gradient of the same network with l2 = 0.
    plain = backward(replace(net, l2=0.0), trace, y).params if net.l2 else grads.params
    reduced, gradient = _pick(plain, l, j, k), _pick(grads.params, l, j, k)
    regularised = net.l2 > 0 and (k is not None or net.l2_biases)
    alpha = net.learning_rate if learning_rate is None else learning_rate
    new = Params(net.layer_sizes)
    with np.errstate(over="ignore", invalid="ignore"):
        descend(params_of(net), grads.params, alpha, new)
    update = Update(_pick(params_of(net), l, j, k), alpha, alpha * gradient, _pick(new, l, j, k))
    l2_term = float(_capped(np.float64(gradient) - reduced)) if regularised else 0.0
    return Parameter(terms, net.batch_reduction, reduced, regularised, l2_term, gradient, update)


def _chain(net: Net, trace: Trace, grads: Gradients, s: int, l: int, j: int, k: int) -> Chain:
    """The factors of dC_s/dw_jk through each neuron of layer l+1 (Chain's docstring), l < L."""
    L, n_next = net.L, net.layer_sizes[l + 1]
    if l + 1 == L and net.activation(L).elementwise:
        head = [grads.cost_grad[s], g_prime(net, trace, L)[s]]
    else:
        head = [grads.delta[l + 1][s]]
    tail = [np.full(n_next, g_prime(net, trace, l)[s, j]), np.full(n_next, trace.a[l - 1][s, k])]
    factors = np.column_stack([*head, net.weights[l][:, j], *tail])
    with np.errstate(over="ignore", invalid="ignore"):
        # a zero factor makes the product 0 even where the others' product overflowed (inf * 0)
        products = np.where((factors == 0).any(axis=1), 0.0, _capped(factors.prod(axis=1)))
        return Chain(factors, products, float(_capped(products.sum())))
