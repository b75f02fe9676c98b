"""The worked solution of one sample through a network, as a sheet to print or hand out.

Every number comes from the engine (forward, backward, g_prime) and training.step (the update); this module
only writes them into the lecture's formulas. Layers are the lecture's (1 = input): the
engine's layer l is layer l+1 here, and engine weights[l-1] is W^(l+1). The exercise variant
leaves chosen quantities blank, everywhere they appear, and adds the answer key; the seed
decides which, so each student can have a version of their own.
"""

from __future__ import annotations

import numpy as np

from app.nn.engine import Net
from app.teaching.sheet_format import Chain, Display, Para, Section, Sheet, column, fac, matrix, num
from app.teaching.worksheet_backward import hidden_section, output_section, update_section
from app.teaching.worksheet_numbers import (G, G_WORDS, GROUPS, LOSS_WORDS, Key, Numbers, Values, a_val,
                                            activation_name, biases_decay, compute, symbol)

__all__ = ["worksheet"]


def overview(n: Numbers) -> Section:
    net, sizes = n.net, n.net.layer_sizes
    L = net.L + 1
    hidden = "layer 2" if L == 3 else f"layers 2 to {L - 1}"
    covers = "weights and biases" if biases_decay(net) else "weights only"
    reg = f", L2 regularisation $\\lambda = {num(net.l2)}$ ({covers})" if net.l2 else ""
    sec = Section("The network and its symbols", [
        Para(f"A {'-'.join(map(str, sizes))} network: layer 1 is the input ({sizes[0]} numbers), layer {L} "
             f"the output ({sizes[-1]} neuron{'s' if sizes[-1] > 1 else ''}, activation {G_WORDS[net.output_activation]})"
             + (f", {hidden} hidden (activation {G_WORDS[net.hidden_activation]})" if L > 2 else "")
             + f". Cost: {LOSS_WORDS.get(net.loss, net.loss)}{reg}. Learning rate $\\alpha = {num(net.learning_rate)}$."
             " One sample, so m = 1."),
        Para("$a^{(l)}$: the activations of layer l, with $a^{(1)} = x$. $z_j^{(l)} = \\sum_k w_{jk}^{(l)} "
             "a_k^{(l-1)} + b_j^{(l)}$: the weighted input of neuron j of layer l. $w_{jk}^{(l)}$: the weight from "
             "neuron k of layer l-1 to neuron j of layer l (row j, column k of $W^{(l)}$); $b_j^{(l)}$: its bias. "
             "$g$: the activation, $g'$ its derivative. $\\delta_j^{(l)} = \\partial C / \\partial z_j^{(l)}$: the "
             "error of neuron j of layer l. $\\alpha$: the learning rate. Numbers are rounded to 5 significant "
             "digits; every result was computed from the unrounded values."),
        Display(f"x = a^{{(1)}} = {column([num(v) for v in n.x])}, \\quad y = {column([num(v) for v in n.y])}"),
    ])
    for l in range(1, net.L + 1):
        w, b = net.weights[l - 1], net.biases[l - 1]
        sec.blocks.append(Display(f"W^{{({l + 1})}} = {matrix([[num(x) for x in row] for row in w])}, \\quad "
                                  f"b^{{({l + 1})}} = {column([num(x) for x in b])}"))
    return sec


def forward_section(n: Numbers, v: Values, l: int) -> Section:
    net, name = n.net, activation_name(n.net, l)
    w, b = net.weights[l - 1], net.biases[l - 1]
    ll, g = l + 1, G[name]
    n_out, n_in = w.shape
    prev = [a_val(n, v, l - 1, k, factor=False) for k in range(n_in)]
    zs = [v(("z", l, j), n.z[l][j]) for j in range(n_out)]
    sec = Section(f"Forward pass, layer {ll}", [
        Para(f"$z^{{({ll})}} = W^{{({ll})}} a^{{({l})}} + b^{{({ll})}}$, then $a^{{({ll})}} = {g}(z^{{({ll})}})$."),
        Display(f"z^{{({ll})}} = W^{{({ll})}} a^{{({l})}} + b^{{({ll})}} = "
                f"{matrix([[num(x) for x in row] for row in w])} {column(prev)} + {column([num(x) for x in b])} "
                f"= {column(zs)}")], page_break=True)
    for j in range(n_out):
        sec.blocks.append(Chain([
            symbol(("z", l, j)),
            " + ".join(f"w_{{{j + 1}{k + 1}}}^{{({ll})}} a_{{{k + 1}}}^{{({l})}}" for k in range(n_in))
            + f" + b_{{{j + 1}}}^{{({ll})}}",
            " + ".join(rf"{fac(w[j, k])} \cdot {a_val(n, v, l - 1, k)}" for k in range(n_in)) + f" + {fac(b[j])}",
            v(("z", l, j), n.z[l][j])]))
    exps = " + ".join(f"e^{{{v(('z', l, k), n.z[l][k], True)}}}" for k in range(n_out))  # softmax's sum
    for j in range(n_out):
        zj, s = v(("z", l, j), n.z[l][j], factor=True), f"z_{{{j + 1}}}^{{({ll})}}"
        forms = {
            "sigmoid": (rf"\sigma({s}) = \frac{{1}}{{1 + e^{{-{s}}}}}", rf"\frac{{1}}{{1 + e^{{-{zj}}}}}"),
            "tanh": (rf"\tanh({s})", rf"\tanh({zj})"),
            "relu": (rf"\max(0, {s})", rf"\max(0, {zj})"),
            "linear": (s, zj),
            "softmax": (rf"\frac{{e^{{{s}}}}}{{\sum_k e^{{z_k^{{({ll})}}}}}}", rf"\frac{{e^{{{zj}}}}}{{{exps}}}"),
        }
        formula, numbers = forms[name]
        sec.blocks.append(Chain([symbol(("a", l, j)), formula, numbers, v(("a", l, j), n.a[l][j])]))
    return sec


def cost_section(n: Numbers, v: Values) -> Section:
    L, ll = n.net.L, n.net.L + 1
    out = range(n.net.layer_sizes[-1])
    a = [v(("a", L, j), n.a[L][j], factor=True) for j in out]
    y = [num(t) for t in n.y]
    forms = {
        "mse": (rf"\tfrac{{1}}{{2}} \sum_j (y_j - a_j^{{({ll})}})^2",
                r"\tfrac{1}{2} \left[" + " + ".join(f"({y[j]} - {a[j]})^2" for j in out) + r"\right]"),
        "bce": (rf"-\sum_j \left[ y_j \ln a_j^{{({ll})}} + (1 - y_j) \ln(1 - a_j^{{({ll})}}) \right]",
                r"-\left[" + " + ".join(rf"{y[j]} \ln {a[j]} + (1 - {y[j]}) \ln(1 - {a[j]})" for j in out) + r"\right]"),
        "sse": (rf"\sum_j (y_j - a_j^{{({ll})}})^2", " + ".join(f"({y[j]} - {a[j]})^2" for j in out)),
        "cross_entropy": (rf"-\sum_j y_j \ln a_j^{{({ll})}}",
                          r"-\left[" + " + ".join(rf"{y[j]} \ln {a[j]}" for j in out) + r"\right]"),
    }
    sec = Section("The cost", [Para("Logarithms are natural (ln); one slide used log base 10, which gives "
                                     "numbers 2.303 times smaller.")] if n.net.loss in ("bce", "cross_entropy") else [],
                  page_break=True)
    data = forms.get(n.net.loss, (f"C(a^{{({ll})}}, y)", None))
    if not n.net.l2:
        sec.blocks.append(Chain(["C", data[0], *([data[1]] if data[1] else []), v(("C", 0, 0), n.cost)]))
        return sec
    sec.blocks.append(Chain(["C_0", data[0], *([data[1]] if data[1] else []), num(n.data_cost)]))
    sec.blocks.append(Chain([
        "C", r"C_0 + \frac{\lambda}{2m} \sum_l \left( \sum_j \sum_k (w_{jk}^{(l)})^2"
        + (r" + \sum_j (b_j^{(l)})^2" if biases_decay(n.net) else "") + r" \right)",
        rf"{num(n.data_cost)} + {num(n.cost - n.data_cost)}", v(("C", 0, 0), n.cost)]))
    return sec

def sections(n: Numbers, v: Values) -> list[Section]:
    L = n.net.L
    return [overview(n), *(forward_section(n, v, l) for l in range(1, L + 1)), cost_section(n, v),
            output_section(n, v), *(hidden_section(n, v, l) for l in range(L - 1, 0, -1)),
            *(update_section(n, v, l) for l in range(1, L + 1))]


def choose_blanks(keys: list[Key], seed: int) -> set[Key]:
    """About one quantity in five (5 to 12), at least one from each stage of the algorithm."""
    rng = np.random.default_rng(seed)
    wanted = min(len(keys), max(5, min(12, len(keys) // 5)))
    chosen: list[Key] = []
    for group in dict.fromkeys(GROUPS.values()):
        pool = [k for k in keys if GROUPS[k[0]] == group]
        if pool:
            chosen.append(pool[int(rng.integers(len(pool)))])
    rest = [k for k in keys if k not in chosen]
    extra = rng.choice(len(rest), size=max(0, min(len(rest), wanted - len(chosen))), replace=False)
    return set(chosen) | {rest[int(i)] for i in extra}


def worksheet(net: Net, x: list[float], y: list[float], blanks: bool = False, seed: int = 0) -> Sheet:
    """The worked solution of (x, y) through net; with blanks, an exercise and its answer key.
    Raises InvalidInput for numbers the engine refuses. Sized for hand work: the route checks
    app.limits.check_worksheet first."""
    n = compute(net, x, y)
    title = f"Backpropagation worked solution: one sample through a {'-'.join(map(str, net.layer_sizes))} network"
    if not blanks:
        return Sheet(title, [("Worked solution", sections(n, Values()))])
    probe = Values()
    sections(n, probe)  # which quantities the sheet shows, in order
    v = Values(blanks=choose_blanks(probe.seen, seed))
    body = sections(n, v)
    key = Section("Answers", [Chain([f"({i})\\; {symbol(k)}", num(value)]) for i, k, value in v.answers])
    return Sheet(f"{title} (exercise, version {seed})",
                 [("Exercise: fill in the numbered blanks", body), ("Answer key", [key])])
