"""The backward half of a worksheet: output deltas (equation 1), hidden deltas (equation 2),
gradients (equations 3, 4) and the update, every number the engine's."""

from __future__ import annotations

import numpy as np

from app.nn import engine
from app.teaching.sheet_format import Chain, Para, Section, fac, num
from app.teaching.worksheet_numbers import (LOSS_WORDS, Numbers, Values, a_val, activation_name, biases_decay,
                                            symbol)

def g_prime_chain(n: Numbers, v: Values, l: int, j: int) -> Chain | None:
    name, ll = activation_name(n.net, l), l + 1
    a, s = v(("a", l, j), n.a[l][j], factor=True), f"z_{{{j + 1}}}^{{({ll})}}"
    forms = {"sigmoid": (rf"\sigma({s}) \left(1 - \sigma({s})\right)", rf"{a} \cdot (1 - {a})"),
             "tanh": (rf"1 - \tanh^2({s})", rf"1 - {a}^2"),
             "relu": (rf"1 \text{{ if }} {s} > 0 \text{{, else }} 0", f"{s} = {v(('z', l, j), n.z[l][j])}")}
    if name not in forms:  # linear: g' = 1 needs no working; softmax is handled by the output delta
        return None
    return Chain([symbol(("gp", l, j)), *forms[name], v(("gp", l, j), n.gp[l][j])])


def output_section(n: Numbers, v: Values) -> Section:
    net, L = n.net, n.net.L
    ll, name = L + 1, net.output_activation
    short = engine.LOSSES[net.loss].output == name
    sec = Section(f"Backward pass, output layer {ll}", [Para(
        f"Equation 1: $\\delta_j^{{({ll})}} = \\frac{{\\partial C}}{{\\partial a_j^{{({ll})}}}} \\, "
        f"g'(z_j^{{({ll})}})$.")], page_break=True)
    if net.loss == "mse":
        sec.blocks.append(Para("The derivative of $\\tfrac{1}{2}(y - a)^2$ by $a$ is $a - y$ (one slide writes "
                               "$y - a$, dropping the sign)."))
    outs = range(net.layer_sizes[-1])
    for j in outs:
        a, y = v(("a", L, j), n.a[L][j], factor=True), num(n.y[j])
        s = f"a_{{{j + 1}}}^{{({ll})}}"
        forms = {"mse": (f"{s} - y_{{{j + 1}}}", f"{a} - {y}"),
                 "sse": (f"2 ({s} - y_{{{j + 1}}})", f"2 \\cdot ({a} - {y})"),
                 "bce": (rf"\frac{{{s} - y_{{{j + 1}}}}}{{{s} (1 - {s})}}", rf"\frac{{{a} - {y}}}{{{a} (1 - {a})}}"),
                 "cross_entropy": (rf"-\frac{{y_{{{j + 1}}}}}{{{s}}}", rf"-\frac{{{y}}}{{{a}}}")}
        grad = forms.get(net.loss)
        sec.blocks.append(Chain([symbol(("dCda", L, j)), *(grad or ()), v(("dCda", L, j), n.cost_grad[j])]))
        gp = g_prime_chain(n, v, L, j)
        if gp and not short:
            sec.blocks.append(gp)
        d = symbol(("delta", L, j))
        if short:
            sec.blocks.append(Chain([d, f"{s} - y_{{{j + 1}}}", f"{a} - {y}", v(("delta", L, j), n.delta[L][j])]))
        elif engine.ACTIVATIONS[name].elementwise:
            gpv = v(("gp", L, j), n.gp[L][j], factor=True) if gp else "1"
            sec.blocks.append(Chain([d, rf"{symbol(('dCda', L, j))} \, {symbol(('gp', L, j))}",
                                     rf"{v(('dCda', L, j), n.cost_grad[j], True)} \cdot {gpv}",
                                     v(("delta", L, j), n.delta[L][j])]))
        else:  # softmax under another loss: the Jacobian couples the outputs
            total = " + ".join(rf"{v(('dCda', L, k), n.cost_grad[k], True)} \cdot {v(('a', L, k), n.a[L][k], True)}"
                               for k in outs)
            sec.blocks.append(Chain([
                d, rf"{s} \left( \frac{{\partial C}}{{\partial {s}}} - \sum_k \frac{{\partial C}}{{\partial a_k^{{({ll})}}}} a_k^{{({ll})}} \right)",
                rf"{a} \cdot \left( {v(('dCda', L, j), n.cost_grad[j], True)} - ({total}) \right)",
                v(("delta", L, j), n.delta[L][j])]))
    if short:
        sec.blocks.append(Para(f"With {LOSS_WORDS[net.loss]} and a {name} output, the factors of "
                               "$\\partial C / \\partial a$ and $g'(z)$ cancel: $\\delta = a - y$."))
    return sec


def hidden_section(n: Numbers, v: Values, l: int) -> Section:
    net, ll = n.net, l + 1
    w_next = net.weights[l]
    sec = Section(f"Backward pass, hidden layer {ll}", [Para(
        f"Equation 2 moves the error back: $\\delta_j^{{({ll})}} = \\left( \\sum_k w_{{kj}}^{{({ll + 1})}} "
        f"\\delta_k^{{({ll + 1})}} \\right) g'(z_j^{{({ll})}})$, or $\\delta^{{({ll})}} = (W^{{({ll + 1})}})^T "
        f"\\delta^{{({ll + 1})}} \\odot g'(z^{{({ll})}})$. The weights $w_{{kj}}$ are column j of $W^{{({ll + 1})}}$: "
        "the edges leaving neuron j.")], page_break=True)
    for j in range(net.layer_sizes[l]):
        gp = g_prime_chain(n, v, l, j)
        if gp:
            sec.blocks.append(gp)
        ks = range(w_next.shape[0])
        gp_sym = symbol(("gp", l, j)) if gp else "1"
        gp_num = v(("gp", l, j), n.gp[l][j], factor=True) if gp else "1"
        sec.blocks.append(Chain([
            symbol(("delta", l, j)),
            r"\left(" + " + ".join(f"w_{{{k + 1}{j + 1}}}^{{({ll + 1})}} \\delta_{{{k + 1}}}^{{({ll + 1})}}"
                                   for k in ks) + rf"\right) {gp_sym}",
            r"\left(" + " + ".join(rf"{fac(w_next[k, j])} \cdot {v(('delta', l + 1, k), n.delta[l + 1][k], True)}"
                                   for k in ks) + rf"\right) \cdot {gp_num}",
            v(("delta", l, j), n.delta[l][j])]))
    return sec


def update_section(n: Numbers, v: Values, l: int) -> Section:
    net, ll = n.net, l + 1
    w, b = net.weights[l - 1], net.biases[l - 1]
    alpha, lam = num(net.learning_rate), net.l2
    reg = rf" + \lambda w_{{jk}}^{{({ll})}}" if lam else ""
    sec = Section(f"Gradients and update, layer {ll}", [Para(
        f"Equations 3 and 4: $\\partial C / \\partial b_j^{{({ll})}} = \\delta_j^{{({ll})}}$ and "
        f"$\\partial C / \\partial w_{{jk}}^{{({ll})}} = \\delta_j^{{({ll})}} a_k^{{({l})}}{reg}$; then every parameter "
        "takes a step against its gradient, $w \\leftarrow w - \\alpha \\, \\partial C / \\partial w$.")],
        page_break=True)
    for j, k in np.ndindex(*w.shape):
        extra = (rf" + \lambda w_{{{j + 1}{k + 1}}}^{{({ll})}}", rf" + {num(lam)} \cdot {fac(w[j, k])}") if lam else ("", "")
        sec.blocks.append(Chain([
            symbol(("dw", l, j, k)), rf"\delta_{{{j + 1}}}^{{({ll})}} a_{{{k + 1}}}^{{({l})}}" + extra[0],
            rf"{v(('delta', l, j), n.delta[l][j], True)} \cdot {a_val(n, v, l - 1, k)}" + extra[1],
            v(("dw", l, j, k), n.dw[l - 1][j, k])]))
    for j in range(w.shape[0]):
        bias_reg = (rf" + \lambda b_{{{j + 1}}}^{{({ll})}}", rf"{v(('delta', l, j), n.delta[l][j], True)} + "
                    rf"{num(lam)} \cdot {fac(b[j])}") if lam and biases_decay(net) else None
        sec.blocks.append(Chain([symbol(("db", l, j)), f"\\delta_{{{j + 1}}}^{{({ll})}}" + (bias_reg[0] if bias_reg else ""),
                                 *([bias_reg[1]] if bias_reg else []), v(("db", l, j), n.db[l - 1][j])]))
    for j, k in np.ndindex(*w.shape):
        sec.blocks.append(Chain([
            symbol(("w", l, j, k)), rf"w_{{{j + 1}{k + 1}}}^{{({ll})}} - \alpha {symbol(('dw', l, j, k))}",
            rf"{fac(w[j, k])} - {alpha} \cdot {v(('dw', l, j, k), n.dw[l - 1][j, k], True)}",
            v(("w", l, j, k), n.new.weights[l - 1][j, k])]))
    for j in range(w.shape[0]):
        sec.blocks.append(Chain([
            symbol(("b", l, j)), rf"b_{{{j + 1}}}^{{({ll})}} - \alpha {symbol(('db', l, j))}",
            rf"{fac(b[j])} - {alpha} \cdot {v(('db', l, j), n.db[l - 1][j], True)}",
            v(("b", l, j), n.new.biases[l - 1][j])]))
    return sec
