"""The question kinds of app.teaching.quiz: one generator per exam task of the lecture.

Each generator draws small numbers (weights and inputs with one decimal, given activations
with two, given deltas with four), builds the prompt, the expected answer from exactly those
numbers, the worked solution and the common slips. Layer numbers in text are the lecture's
(1 = input); refs are the API's (0 = input).
"""

from __future__ import annotations

import numpy as np

from app.nn import engine
from app.nn.engine import sigmoid
from app.teaching.questions import Given, Kind, Question, Step, Tolerance, as_value, f, fm, fv, p

Rng = np.random.Generator


def tenths(rng: Rng, lo: float, hi: float, size: int | tuple[int, ...], nonzero: bool = False) -> np.ndarray:
    vals = rng.integers(round(lo * 10), round(hi * 10) + 1, size=size) / 10.0
    if nonzero:
        vals = np.where(vals == 0, 0.1, vals)
    return vals


def small_net(rng: Rng, sizes: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights = [tenths(rng, -1, 1, (n_out, n_in), nonzero=True) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [tenths(rng, -0.5, 0.5, n_out) for n_out in sizes[1:]]
    return weights, biases


def net_dict(sizes: list[int], weights: list[np.ndarray], biases: list[np.ndarray], loss: str = "mse") -> dict:
    return {"layer_sizes": sizes, "weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases],
            "hidden_activation": "sigmoid", "output_activation": "sigmoid", "loss": loss}


def forward(x: np.ndarray, weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[list, list]:
    """z and a of every layer for one sample x (the engine's forward pass of a sigmoid network)."""
    sizes = [len(x)] + [len(b) for b in biases]
    trace = engine.forward(engine.Net(sizes, weights, biases), np.asarray(x, dtype=np.float64)[None, :])
    return [None] + [z[0] for z in trace.z[1:]], [a[0] for a in trace.a]


def neuron(layer: int, j: int) -> dict[str, int]:
    return {"layer": layer, "neuron": j}


def edge(layer: int, k: int, j: int) -> dict[str, int]:
    return {"layer": layer, "from": k, "to": j}


def mse(rng: Rng, seed: int) -> Question:
    m = int(rng.integers(3, 6))
    y = rng.integers(0, 2, m).astype(float)
    yhat = rng.integers(5, 96, m) / 100.0
    err = y - yhat
    sq = err ** 2
    value = float(sq.mean())
    steps = [
        Step("y_i - ŷ_i", "the error of each sample", f"{fv(y)} - {fv(yhat)}", as_value(err)),
        Step("(y_i - ŷ_i)^2", "each error squared", " , ".join(f"{p(e)}^2" for e in err), as_value(sq)),
        Step("Σ_i (y_i - ŷ_i)^2", "the sum of the squares", " + ".join(f(s) for s in sq), float(sq.sum())),
        Step("MSE", "1/m Σ_i (y_i - ŷ_i)^2", f"{f(sq.sum())} / {m}", value,
             note=f"The app's squared-error cost C = 1/(2m) Σ_i (y_i - a_i)^2 is half of it: {f(value / 2)}."),
    ]
    return Question(
        "mse", seed,
        f"A classifier gives the predictions ŷ = {fv(yhat)} for m = {m} samples with targets y = {fv(y)}. "
        "Compute the mean squared error MSE = 1/m Σ_i (y_i - ŷ_i)^2.",
        "MSE", value, steps, data={"predictions": as_value(yhat), "targets": as_value(y)},
        slips=[(float(sq.sum()), "That is the sum of the squared errors: divide by m."),
               (value / 2, "That is 1/(2m) Σ (y - ŷ)^2, the lecture's C with the 1/2: the MSE has no 1/2."),
               (float(np.sqrt(value)), "That is the root of the MSE (RMSE): do not take the square root."),
               (float(err.mean() ** 2), "Square each error first, then average.")])


def cross_entropy(rng: Rng, seed: int) -> Question:
    k = int(rng.integers(3, 6))
    y = np.zeros(k)
    y[int(rng.integers(0, k))] = 1.0
    h = rng.integers(2, 99, k) / 100.0
    terms = -(y * np.log(h) + (1 - y) * np.log(1 - h))
    value = float(terms.sum())
    term_text = ", ".join(f"-ln({f(h[i])})" if y[i] else f"-ln(1 - {f(h[i])})" for i in range(k))
    steps = [
        Step("-[y_k ln h_k + (1 - y_k) ln(1 - h_k)]", "each output's term: -ln h_k where y_k = 1, "
             "-ln(1 - h_k) where y_k = 0", term_text, as_value(terms)),
        Step("C", "-Σ_k [y_k ln h_k + (1 - y_k) ln(1 - h_k)]", " + ".join(f(t) for t in terms), value,
             note="The natural log; the slide used log base 10, which gives a 2.303 times smaller number."),
    ]
    return Question(
        "cross_entropy", seed,
        f"A network with {k} sigmoid outputs gives h = {fv(h)} for one sample whose one-hot target is y = {fv(y)}. "
        "Compute its cross-entropy cost C = -Σ_k [y_k ln h_k + (1 - y_k) ln(1 - h_k)] (natural log).",
        "C", value, steps, data={"predictions": as_value(h), "targets": as_value(y)},
        slips=[(value / np.log(10), "That used log base 10 (as the slide did): use the natural log."),
               (float(terms[y == 1].sum()), "Add the (1 - y_k) ln(1 - h_k) terms of the other outputs too."),
               (-value, "Mind the minus sign in front of the sum: the cost is positive.")])


def activations(rng: Rng, seed: int) -> Question:
    n_in, n_out = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    w, b = small_net(rng, [n_in, n_out])
    x = tenths(rng, 0.1, 1, n_in)
    zs, acts = forward(x, w, b)
    z, a = zs[1], acts[1]
    steps = []
    for j in range(n_out):
        terms = " + ".join(f"w_{j + 1}{k + 1}^(2) a_{k + 1}^(1)" for k in range(n_in))
        nums = " + ".join(f"{p(w[0][j, k])}·{p(x[k])}" for k in range(n_in))
        steps.append(Step(f"z_{j + 1}^(2)", f"{terms} + b_{j + 1}^(2)", f"{nums} + {p(b[0][j])}", float(z[j]),
                          uses=[edge(1, k, j) for k in range(n_in)] + [neuron(0, k) for k in range(n_in)]))
    steps.append(Step("a^(2)", "g(z^(2)) = 1 / (1 + e^(-z^(2))), entry by entry", f"σ({fv(z)})", as_value(a),
                      uses=[neuron(1, j) for j in range(n_out)]))
    slips = [(as_value(z), "That is z^(2) = W^(2) a^(1) + b^(2): apply the sigmoid to get a^(2)."),
             (as_value(sigmoid(w[0] @ x)), "Add the bias b^(2) before applying the sigmoid.")]
    if n_in == n_out:
        slips.append((as_value(sigmoid(w[0].T @ x + b[0])),
                      "w_jk is row j, column k of W^(2): neuron j uses row j (you used the columns)."))
    return Question(
        "activations", seed,
        f"Layer 2 has the weights W^(2) = {fm(w[0])} (row j holds w_jk^(2)) and biases "
        f"b^(2) = {fv(b[0])}; the input is a^(1) = x = {fv(x)}. Compute a^(2) = σ(W^(2) a^(1) + b^(2)) "
        f"({n_out} numbers).",
        "a^(2)", as_value(a), steps, network=net_dict([n_in, n_out], w, b), data={"inputs": [as_value(x)]},
        given=[Given("W^(2)", w[0].tolist()), Given("b^(2)", as_value(b[0])),
               Given("a^(1)", as_value(x))],
        target=[neuron(1, j) for j in range(n_out)], slips=slips)


def output_delta(loss: str):
    def make(rng: Rng, seed: int) -> Question:
        n_out = int(rng.integers(1, 3))
        sizes = [2, 2, n_out]
        w, b = small_net(rng, sizes)
        x = tenths(rng, 0.1, 1, 2)
        y = rng.integers(0, 2, n_out).astype(float)
        zs, _ = forward(x, w, b)
        j = int(rng.integers(0, n_out))
        z = round(float(zs[2][j]), 3)
        yj = float(y[j])
        a = float(sigmoid(z))
        gp = a * (1 - a)
        s = f"_{j + 1}^(3)"
        steps = [Step(f"a{s}", f"σ(z{s}) = 1 / (1 + e^(-z{s}))", f"1 / (1 + e^(-{p(z)}))", a, uses=[neuron(2, j)])]
        if loss == "mse":
            steps += [Step(f"σ'(z{s})", f"σ(z{s}) (1 - σ(z{s}))", f"{f(a)}·(1 - {f(a)})", gp, uses=[neuron(2, j)]),
                      Step(f"delta{s}", f"(a{s} - y_{j + 1}) σ'(z{s})", f"({f(a)} - {f(yj)})·{f(gp)}",
                           (a - yj) * gp, uses=[neuron(2, j)],
                           note="The slide writes y - a; the derivative of 1/2 (y - a)^2 by a is a - y.")]
            value = (a - yj) * gp
            slips = [(a - yj, "That is a - y, the cross-entropy form: with squared error multiply by σ'(z)."),
                     ((yj - a) * gp, "Sign slip: dC/da = a - y, not y - a.")]
            cost = "the squared error C = 1/2 Σ_j (y_j - a_j^(3))^2"
        else:
            steps.append(Step(f"delta{s}", f"a{s} - y_{j + 1}", f"{f(a)} - {f(yj)}", a - yj, uses=[neuron(2, j)],
                              note="Sigmoid + cross-entropy: dC/da = (a - y) / (a (1 - a)) and σ'(z) = a (1 - a) "
                                   "cancel, leaving delta = a - y."))
            value = a - yj
            slips = [((a - yj) * gp, "That is the squared-error formula: with cross-entropy σ'(z) cancels out."),
                     (yj - a, "Sign slip: delta = a - y, not y - a.")]
            cost = "the cross-entropy C = -Σ_j [y_j ln a_j^(3) + (1 - y_j) ln(1 - a_j^(3))]"
        return Question(
            f"output_delta_{loss}", seed,
            f"The output neuron {j + 1} of layer 3 (sigmoid) has the weighted input z{s} = {f(z)} and the target "
            f"y_{j + 1} = {f(yj)}. With {cost}, compute its error delta{s} = dC/dz{s}.",
            f"delta{s}", value, steps, network=net_dict(sizes, w, b, loss),
            data={"inputs": [as_value(x)], "targets": [as_value(y)]},
            given=[Given(f"z{s}", z, neuron(2, j)), Given(f"y_{j + 1}", yj, neuron(2, j))],
            target=[neuron(2, j)], slips=slips)
    return make


def backward_numbers(rng: Rng, sizes: list[int]) -> tuple:
    """A random small net, input and target, and its true output deltas (squared error)."""
    w, b = small_net(rng, sizes)
    x = tenths(rng, 0.1, 1, sizes[0])
    y = rng.integers(0, 2, sizes[-1]).astype(float)
    zs, acts = forward(x, w, b)
    delta_out = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    return w, b, x, y, acts, delta_out


def hidden_delta(rng: Rng, seed: int) -> Question:
    sizes = [2, int(rng.integers(2, 4)), 2]
    w, b, x, y, acts, d_out = backward_numbers(rng, sizes)
    j = int(rng.integers(0, sizes[1]))
    d3 = np.round(d_out, 4)
    aj = round(float(acts[1][j]), 2)
    col = w[1][:, j]
    back = float(col @ d3)
    gp = aj * (1 - aj)
    value = back * gp
    s = f"_{j + 1}^(2)"
    steps = [
        Step(f"Σ_k w_k{j + 1}^(3) delta_k^(3)", f"w_1{j + 1}^(3) delta_1^(3) + w_2{j + 1}^(3) delta_2^(3)",
             " + ".join(f"{p(col[k])}·{p(d3[k])}" for k in range(2)), back,
             uses=[edge(2, j, k) for k in range(2)] + [neuron(2, k) for k in range(2)],
             note=f"w_k{j + 1}^(3) is column {j + 1} of W^(3): the edges leaving neuron {j + 1} of layer 2."),
        Step(f"σ'(z{s})", f"a{s} (1 - a{s})", f"{f(aj)}·(1 - {f(aj)})", gp, uses=[neuron(1, j)]),
        Step(f"delta{s}", f"Σ_k w_k{j + 1}^(3) delta_k^(3) · σ'(z{s})", f"{f(back)}·{f(gp)}", value,
             uses=[neuron(1, j)]),
    ]
    slips = [(back, "Multiply by σ'(z) = a (1 - a) of the hidden neuron."),
             (float(col @ d3) * aj, "σ'(z) is a (1 - a), not a.")]
    if sizes[1] == 2:  # W^(3) is square: row j exists and is the classic mix-up
        slips.append((float(w[1][j] @ d3) * gp, "Use w_kj (column j of W^(3)), not w_jk (row j)."))
    return Question(
        "hidden_delta", seed,
        f"In a {'-'.join(map(str, sizes))} sigmoid network the output layer 3 has W^(3) = {fm(w[1])} "
        f"and deltas delta^(3) = {fv(d3)}. Hidden neuron {j + 1} of layer 2 has the activation a{s} = {f(aj)}. "
        f"Compute delta{s}.",
        f"delta{s}", value, steps, network=net_dict(sizes, w, b),
        data={"inputs": [as_value(x)], "targets": [as_value(y)]},
        given=[Given("W^(3)", w[1].tolist()), Given("delta^(3)", as_value(d3)),
               Given(f"a{s}", aj, neuron(1, j))],
        target=[neuron(1, j)], slips=slips)


def weight_gradient(rng: Rng, seed: int) -> Question:
    sizes = [2, 2, int(rng.integers(1, 3))]
    w, b, x, y, acts, _ = backward_numbers(rng, sizes)
    j, k = int(rng.integers(0, sizes[2])), int(rng.integers(0, 2))
    a2 = np.round(acts[1], 2)
    row, bj, yj = w[1][j], float(b[1][j]), float(y[j])
    z = float(row @ a2 + bj)
    a = float(sigmoid(z))
    gp = a * (1 - a)
    delta = (a - yj) * gp
    value = delta * float(a2[k])
    s, wk = f"_{j + 1}^(3)", f"w_{j + 1}{k + 1}^(3)"
    steps = [
        Step(f"z{s}", f"w_{j + 1}1^(3) a_1^(2) + w_{j + 1}2^(3) a_2^(2) + b{s}",
             f"{p(row[0])}·{p(a2[0])} + {p(row[1])}·{p(a2[1])} + {p(bj)}", z,
             uses=[edge(2, 0, j), edge(2, 1, j), neuron(1, 0), neuron(1, 1)]),
        Step(f"a{s}", f"σ(z{s})", f"σ({f(z)})", a, uses=[neuron(2, j)]),
        Step(f"delta{s}", f"dC/da{s} · da{s}/dz{s} = (a{s} - y_{j + 1}) σ(z{s})(1 - σ(z{s}))",
             f"({f(a)} - {f(yj)})·{f(a)}·(1 - {f(a)})", delta, uses=[neuron(2, j)]),
        Step(f"dC/d{wk}", f"dC/da{s} · da{s}/dz{s} · dz{s}/d{wk} = delta{s} a_{k + 1}^(2)",
             f"{p(delta)}·{p(a2[k])}", value, uses=[edge(2, k, j), neuron(1, k)]),
    ]
    return Question(
        "weight_gradient", seed,
        f"The hidden layer 2 of a {'-'.join(map(str, sizes))} sigmoid network outputs a^(2) = {fv(a2)}. Output "
        f"neuron {j + 1} of layer 3 has the weights ({f(row[0])}, {f(row[1])}), the bias b{s} = {f(bj)} and "
        f"the target y_{j + 1} = {f(yj)}; the cost is C = 1/2 Σ_j (y_j - a_j^(3))^2. Compute dC/d{wk}.",
        f"dC/d{wk}", value, steps, network=net_dict(sizes, w, b),
        data={"inputs": [as_value(x)], "targets": [as_value(y)]},
        given=[Given("a^(2)", as_value(a2)), Given(f"{wk}", float(row[k]), edge(2, k, j)),
               Given(f"b{s}", bj, neuron(2, j)), Given(f"y_{j + 1}", yj, neuron(2, j))],
        target=[edge(2, k, j)],
        slips=[(delta, f"That is delta{s} = dC/db{s}: multiply by a_{k + 1}^(2) for the weight."),
               ((a - yj) * float(a2[k]), "Multiply by σ'(z) = a (1 - a) too (squared error)."),
               (-value, "Sign slip: dC/da = a - y, not y - a.")])


def weight_update(rng: Rng, seed: int) -> Question:
    sizes = [2, 2, 1]
    w, b, x, y, acts, d_out = backward_numbers(rng, sizes)
    alpha = float(rng.choice([0.5, 1.0, 2.0, 5.0]))
    layer = int(rng.integers(2, 4))  # the lecture's number of the layer the weight feeds
    j, k = (0, int(rng.integers(0, 2))) if layer == 3 else (int(rng.integers(0, 2)), int(rng.integers(0, 2)))
    if layer == 3:
        delta, a_k = round(float(d_out[0]), 4), round(float(acts[1][k]), 2)
    else:
        d_hidden = w[1][0] * d_out[0] * acts[1] * (1 - acts[1])
        delta, a_k = round(float(d_hidden[j]), 4), float(x[k])
    w_old = float(w[layer - 2][j, k])
    grad = delta * a_k
    value = w_old - alpha * grad
    wk, s = f"w_{j + 1}{k + 1}^({layer})", f"_{j + 1}^({layer})"
    api = layer - 1
    steps = [
        Step(f"dC/d{wk}", f"delta{s} a_{k + 1}^({layer - 1})", f"{p(delta)}·{p(a_k)}", grad,
             uses=[neuron(api, j), neuron(api - 1, k), edge(api, k, j)]),
        Step(f"{wk} (new)", f"{wk} - α dC/d{wk}", f"{p(w_old)} - {f(alpha)}·{p(grad)}", value,
             uses=[edge(api, k, j)]),
    ]
    return Question(
        "weight_update", seed,
        f"In a 2-2-1 sigmoid network the weight {wk} = {f(w_old)} connects neuron {k + 1} of layer {layer - 1} "
        f"(activation a_{k + 1}^({layer - 1}) = {f(a_k)}) to neuron {j + 1} of layer {layer}, whose error is "
        f"delta{s} = {f(delta)}. Compute the weight after one gradient-descent step with learning rate "
        f"α = {f(alpha)}.",
        f"{wk} (new)", value, steps, network=net_dict(sizes, w, b),
        data={"inputs": [as_value(x)], "targets": [as_value(y)]},
        given=[Given(wk, w_old, edge(api, k, j)), Given(f"a_{k + 1}^({layer - 1})", a_k, neuron(api - 1, k)),
               Given(f"delta{s}", delta, neuron(api, j)), Given("α", alpha)],
        target=[edge(api, k, j)], tolerance=Tolerance(absolute=2e-4, relative=1e-3),
        slips=[(w_old + alpha * grad, "Step against the gradient: w - α dC/dw, not w + α dC/dw."),
               (w_old, "The weight changes by α dC/dw = α delta a."),
               (grad, "That is dC/dw; the question asks for the new weight w - α dC/dw."),
               (w_old - grad, "Multiply the gradient by the learning rate α.")])


KINDS: dict[str, Kind] = {
    "mse": Kind("Mean squared error", "the MSE of given predictions and targets", mse),
    "cross_entropy": Kind("Cross-entropy cost", "the cost of one sample's sigmoid outputs, natural log",
                          cross_entropy),
    "activations": Kind("A layer's activations", "a = σ(W a + b) from W, a and b (a vector)", activations),
    "output_delta_mse": Kind("Output delta, squared error", "delta = (a - y) σ'(z)", output_delta("mse")),
    "output_delta_bce": Kind("Output delta, cross-entropy", "delta = a - y (sigmoid output)", output_delta("bce")),
    "hidden_delta": Kind("Hidden delta", "delta_j = Σ_k w_kj delta_k · σ'(z_j)", hidden_delta),
    "weight_gradient": Kind("dC/dw of an output weight", "the chain dC/da · da/dz · dz/dw", weight_gradient),
    "weight_update": Kind("A weight after one update", "w - α delta a", weight_update),
}
