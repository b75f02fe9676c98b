"""Why training stalls: plain-language findings about one network on one batch, numpy only.

Every number comes from engine.forward / engine.backward / engine.step on the samples given,
and the trial step runs on a copy: the network passed in is never changed. Layers are
numbered as the engine numbers them (0 = input, L = output; the page adds 1).

Kinds (a healthy network gets none):
- dead_relu: a hidden ReLU with z <= 0 for every sample: a = 0 and g'(z) = 0, so no
  gradient reaches its weights and it never learns again.
- saturated: a sigmoid/tanh neuron with g'(z) below SATURATION of its largest value for at
  least SATURATED_SHARE of the samples, while the network does not yet fit the data (output
  neurons only when the loss does not cancel g', i.e. not sigmoid + bce).
- learning_rate_too_high: one full-batch step at the network's learning rate (on a copy)
  makes the cost worse or non-finite.
- vanishing_gradient: the RMS of dC/dW of the first layer is below VANISHING_RATIO of the
  last layer's, while the network does not fit and no neuron is saturated (that would be
  the more specific cause).
- needs_capacity: given the recent costs, the cost has stopped falling (less than PLATEAU
  relative drop over the second half of them), the network does not fit, and none of the
  above explains it: the network is too small for the problem (the spiral, say).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from app.nn import engine, training

Array = np.ndarray
SATURATION = 0.01        # g'(z) below 1% of its maximum: sigmoid < 0.0025 (|z| > 5.99), tanh < 0.01 (|z| > 2.99)
SATURATED_SHARE = 0.9    # ... for at least 90% of the samples
VANISHING_RATIO = 0.01   # two orders of magnitude between the first and the last layer's gradient RMS
FIT_SHARE = 0.05         # the network fits when at most 5% of the samples are wrong (see wrong_share)
PLATEAU = 0.01           # less than 1% relative drop over the second half of the costs given
MIN_PLATEAU_COSTS = 10   # fewer costs than this say nothing about a plateau
LR_TRIALS = 6            # learning rates tried below a bad one: alpha/4, alpha/16, ... alpha/4^6
G_PRIME_MAX = {"sigmoid": 0.25, "tanh": 1.0}


@dataclass(frozen=True)
class Finding:
    """One reason for a stall: which neurons, the numbers behind it, and what to do."""

    kind: str
    layer: int | None          # engine numbering (0 = input); None for the whole network
    neurons: list[int]         # indices j within the layer (empty for the whole network)
    evidence: dict[str, float | int | bool | list[float]] = field(default_factory=dict)
    suggestion: str = ""


def wrong_share(net: engine.Net, a: Array, y: Array) -> float:
    """Share of samples whose output is wrong: for sigmoid/softmax outputs some |a_k - y_k| >= 0.5
    (the wrong side of the decision), for a linear output some |a_k - y_k| >= 10% of the targets' range."""
    if net.output_activation == "linear":
        spread = float(y.max() - y.min())
        tol = 0.1 * spread if spread > 0 else 0.1
    else:
        tol = 0.5
    return float((np.abs(a - y).max(axis=1) >= tol).mean())


def _rms(g: Array) -> float:
    """sqrt(mean(g^2)), scaled by max |g| so that the squares never overflow (rms <= max |g|)."""
    top = float(np.abs(g).max()) if g.size else 0.0
    return top * float(np.sqrt(((g / top) ** 2).mean())) if top > 0 else 0.0


def dead_relus(net: engine.Net, trace: engine.Trace) -> list[Finding]:
    out = []
    if net.hidden_activation != "relu":
        return out
    for l in range(1, net.L):
        z = trace.z[l]
        dead = np.flatnonzero((z <= 0).all(axis=0))
        if dead.size:
            out.append(Finding(
                "dead_relu", l, dead.tolist(),
                {"max_z": z[:, dead].max(axis=0).tolist(), "samples": int(z.shape[0])},
                f"{_count(dead.size, 'neuron')} of layer {l + 1} {'outputs' if dead.size == 1 else 'output'} 0 for "
                "every sample (z <= 0), so no gradient reaches their weights and they never learn again: create the "
                "network again with "
                "another seed or a smaller learning rate, or use tanh hidden units."))
    return out


def saturated(net: engine.Net, trace: engine.Trace) -> list[Finding]:
    out = []
    cancels = engine.LOSSES[net.loss].output == net.output_activation  # delta[L] = a - y: no g' in it
    for l in range(1, net.L + 1):
        name = net.output_activation if l == net.L else net.hidden_activation
        if name not in G_PRIME_MAX or (l == net.L and cancels):
            continue
        g = engine.g_prime(net, trace, l)
        share = (g < SATURATION * G_PRIME_MAX[name]).mean(axis=0)
        stuck = np.flatnonzero(share >= SATURATED_SHARE)
        if stuck.size:
            out.append(Finding(
                "saturated", l, stuck.tolist(),
                {"saturated_share": share[stuck].tolist(), "max_g_prime": g[:, stuck].max(axis=0).tolist(),
                 "threshold": SATURATION * G_PRIME_MAX[name]},
                f"{_count(stuck.size, 'neuron')} of layer {l + 1} {'sits' if stuck.size == 1 else 'sit'} on the flat "
                f"ends of {name} "
                f"(g'(z) below {SATURATION * G_PRIME_MAX[name]:g} for nearly every sample), so almost no error "
                "passes through them: scale the inputs to about [-1, 1], start from smaller weights "
                "(another seed), or lower the learning rate."))
    return out


def cost_after_step(net: engine.Net, x: Array, y: Array, alpha: float) -> float | None:
    """The cost after one full-batch step at alpha, on a copy; None if the step diverges."""
    try:
        _, _, trial = training.step(net, x, y, alpha)
        c = engine.cost(trial, engine.forward(trial, x), y)
    except engine.InvalidInput:  # DivergedError, or z overflowing after the step
        return None
    return c if np.isfinite(c) else None


def learning_rate(net: engine.Net, x: Array, y: Array, before: float) -> list[Finding]:
    alpha = net.learning_rate
    after = cost_after_step(net, x, y, alpha)
    if after is not None and after <= before:
        return []
    evidence: dict = {"learning_rate": alpha, "cost_before": before, "diverged": after is None}
    if after is not None:
        evidence["cost_after"] = after
    suggestion = ""
    for k in range(1, LR_TRIALS + 1):
        smaller = alpha / 4 ** k
        c = cost_after_step(net, x, y, smaller)
        if c is not None and c < before:
            evidence.update(suggested_learning_rate=smaller, cost_after_suggested=c)
            suggestion = f"lower the learning rate to {smaller:.3g} (a step at that rate lowers the cost to {c:.4g})."
            break
    worse = "makes the weights overflow" if after is None else f"raises the cost from {before:.4g} to {after:.4g}"
    return [Finding("learning_rate_too_high", None, [], evidence,
                    f"One step at learning rate {alpha:g} {worse}: "
                    + (suggestion or "lower the learning rate a lot, or start again from new weights."))]


def vanishing(net: engine.Net, grads: engine.Gradients) -> list[Finding]:
    if net.L < 2:
        return []
    rms = [_rms(g) for g in grads.weights]  # rms[l - 1]: dC/dW of layer l
    if rms[-1] == 0 or rms[0] >= VANISHING_RATIO * rms[-1]:
        return []
    ratio = rms[0] / rms[-1]
    how = f"{1 / ratio:.3g} times smaller than the last layer's" if ratio > 0 else \
        "exactly 0 while the last layer's are not (inputs of 0 carry no gradient either)"
    return [Finding(
        "vanishing_gradient", 1, list(range(net.layer_sizes[1])), {"gradient_rms": rms, "ratio": ratio},
        f"The first layer's gradients are {how}, so the first layers barely learn: use relu or tanh hidden "
        "units, fewer hidden layers, or inputs scaled to about [-1, 1].")]


def relative_drop(costs: Sequence[float]) -> float | None:
    """(c_mid - c_last) / c_mid over the second half of the costs; None for fewer than MIN_PLATEAU_COSTS."""
    if len(costs) < MIN_PLATEAU_COSTS:
        return None
    mid, last = float(costs[len(costs) // 2]), float(costs[-1])
    return (mid - last) / mid if mid > 0 else 0.0


def needs_capacity(net: engine.Net, costs: Sequence[float], wrong: float) -> list[Finding]:
    drop = relative_drop(costs)
    if drop is None or drop >= PLATEAU:
        return []
    last = float(costs[-1])
    return [Finding(
        "needs_capacity", None, [],
        {"cost": last, "relative_drop": drop, "costs_seen": len(costs), "wrong_share": wrong,
         "parameters": net.parameter_count()},
        f"The cost has stopped falling (down {100 * max(drop, 0.0):.2g}% over the last {len(costs) - len(costs) // 2} "
        f"epochs) while {100 * wrong:.0f}% of the samples are still wrong: the network is too small for this "
        "problem; add hidden neurons or a hidden layer, or give it feature inputs (x1², x2², sin x1, ...).")]


@dataclass(frozen=True)
class Diagnosis:
    findings: list[Finding]
    plateau: bool  # the costs given stopped falling (less than PLATEAU over their second half)


def diagnose(net: engine.Net, x: Array, y: Array, costs: Sequence[float] | None = None) -> Diagnosis:
    """Findings for `net` on inputs x (m, n_0) and targets y (m, n_L), most basic first.

    costs: the recent per-epoch costs (oldest first), for the plateau check; optional.
    Raises engine.InvalidInput for inputs or targets that do not fit the network, or when its
    own cost overflows on them. The network is not changed."""
    net = replace(net, weights=[w.copy() for w in net.weights], biases=[b.copy() for b in net.biases])
    trace = engine.forward(net, x)
    grads = engine.backward(net, trace, y)
    wrong = wrong_share(net, trace.a[-1], y)
    fits = wrong <= FIT_SHARE
    findings = dead_relus(net, trace)
    if not fits:
        stuck = saturated(net, trace)
        findings += stuck or vanishing(net, grads)  # saturation is the more specific cause of both
    findings += learning_rate(net, x, y, grads.cost)
    if not findings and not fits and costs:
        findings += needs_capacity(net, costs, wrong)
    drop = relative_drop(costs or [])
    return Diagnosis(findings, drop is not None and drop < PLATEAU)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
