"""Exam practice, the rest of the lecture's exam tasks: linear regression in linear algebra,
its partial derivatives, cross-entropy with L2, one-hot targets, and the backprop algorithm
in words (app.teaching.pseudocode). Numbers are drawn small (one decimal) so that each
question is doable by hand; expected answers come from exactly the numbers shown.
"""

from __future__ import annotations

import numpy as np

from app.teaching.pseudocode import pseudocode
from app.teaching.questions import Given, Kind, Question, Step, Tolerance, as_value, f, fm, fv, p

Rng = np.random.Generator


def tenths(rng: Rng, lo: float, hi: float, size: int | tuple[int, ...]) -> np.ndarray:
    """Numbers with one decimal, never 0 (a zero would hide a slip)."""
    vals = rng.integers(round(lo * 10), round(hi * 10) + 1, size=size) / 10.0
    return np.where(vals == 0, 0.5, vals)


def linreg_predictions(rng: Rng, seed: int) -> Question:
    m, n = int(rng.integers(3, 5)), int(rng.integers(1, 3))
    x = tenths(rng, -2, 3, (m, n))
    theta = tenths(rng, -1.5, 1.5, n + 1)
    design = np.hstack([np.ones((m, 1)), x])
    yhat = design @ theta
    rows = [f"ŷ_{i + 1} = " + " + ".join(f"{p(theta[c])}·{p(design[i, c])}" for c in range(n + 1)) for i in range(m)]
    steps = [
        Step("X", "the data with a first column of ones, one row per sample: row i = (1, x_i1, ..., x_in)",
             fm(design), as_value(design.ravel()),
             note="The column of ones multiplies θ_0, the intercept (the bias b of a neuron)."),
        Step("ŷ = Xθ", "ŷ_i = θ_0·1 + θ_1 x_i1 + ... + θ_n x_in: row i of X times θ", "; ".join(rows),
             as_value(yhat)),
    ]
    return Question(
        "linreg_predictions", seed,
        f"Linear regression with parameters θ = {fv(theta)} (θ_0 is the intercept) and {m} samples with "
        f"{n} feature{'s' if n > 1 else ''} each, x = {fm(x)} (one row per sample). Write the predictions in "
        "linear algebra, ŷ = Xθ, where X is x with a column of ones added first, and compute ŷ "
        f"({m} numbers).",
        "ŷ", as_value(yhat), steps, data={"inputs": x.tolist(), "theta": as_value(theta)},
        given=[Given("x", x.tolist()), Given("θ", as_value(theta))],
        slips=[(as_value(x @ theta[1:]), "The column of ones is missing: θ_0 (the intercept) is added to every prediction."),
               (as_value(np.hstack([x, np.ones((m, 1))]) @ theta),
                "The column of ones comes first, so that it multiplies θ_0, the first parameter.")],
        tolerance=Tolerance(absolute=1e-3, relative=1e-3))


def linreg_gradient(rng: Rng, seed: int) -> Question:
    m = int(rng.integers(3, 5))
    x = tenths(rng, -2, 3, m)
    y = tenths(rng, -2, 4, m)
    w, b = float(tenths(rng, -1.5, 1.5, 1)[0]), float(tenths(rng, -1, 1, 1)[0])
    h = w * x + b
    err = h - y
    dw, db = float(err @ x / m), float(err.mean())
    steps = [
        Step("h(x_i)", "w x_i + b for each sample", ", ".join(f"{p(w)}·{p(v)} + {p(b)}" for v in x), as_value(h)),
        Step("h(x_i) - y_i", "each sample's error (prediction minus target)", f"{fv(h)} - {fv(y)}", as_value(err)),
        Step("∂C/∂w", "1/m Σ_i (h(x_i) - y_i) x_i: the 2 of the square cancels the 1/2",
             f"1/{m}·(" + " + ".join(f"{p(e)}·{p(v)}" for e, v in zip(err, x)) + ")", dw),
        Step("∂C/∂b", "1/m Σ_i (h(x_i) - y_i): ∂h/∂b = 1", f"1/{m}·(" + " + ".join(p(e) for e in err) + ")", db),
        Step("(∂C/∂w, ∂C/∂b)", "both partial derivatives", f"({f(dw)}, {f(db)})", [dw, db],
             note="A gradient step then moves w and b against them: w ← w - α ∂C/∂w, b ← b - α ∂C/∂b."),
    ]
    return Question(
        "linreg_gradient", seed,
        f"Simple linear regression h(x) = w x + b with w = {f(w)} and b = {f(b)}, on m = {m} samples "
        f"x = {fv(x)} with targets y = {fv(y)}. The cost uses the lecture's 1/2m convention: "
        "C = 1/(2m) Σ_i (h(x_i) - y_i)^2. Compute the partial derivatives (∂C/∂w, ∂C/∂b) (2 numbers).",
        "(∂C/∂w, ∂C/∂b)", [dw, db], steps, data={"inputs": [as_value(x)], "targets": [as_value(y)]},
        given=[Given("w", w), Given("b", b), Given("x", as_value(x)), Given("y", as_value(y))],
        slips=[([2 * dw, 2 * db], "That is the derivative of 1/m Σ (h - y)^2: with the 1/2m convention the 2 cancels."),
               ([dw * m, db * m], "Divide the sums by m: the cost is an average over the samples."),
               ([-dw, -db], "Sign slip: the error is h(x) - y (prediction minus target), as in dC/da = a - y."),
               ([db, dw], "The order is (∂C/∂w, ∂C/∂b): ∂C/∂w has the extra factor x_i.")],
        tolerance=Tolerance(absolute=1e-3, relative=1e-3))


def cross_entropy_reg(rng: Rng, seed: int) -> Question:
    m, k = 2, int(rng.integers(1, 3))
    y = rng.integers(0, 2, (m, k)).astype(float)
    h = rng.integers(5, 96, (m, k)) / 100.0
    weights = tenths(rng, -1.5, 1.5, 4)
    bias = float(tenths(rng, 0.5, 1.5, 1)[0])
    lam = float(rng.choice([0.1, 0.2, 0.5, 1.0]))
    terms = -(y * np.log(h) + (1 - y) * np.log(1 - h))
    data = float(terms.sum() / m)
    sq = float((weights ** 2).sum())
    if abs(bias ** 2 - sq) < 0.1:  # else "bias regularised" and "left out the 2" give the same number
        bias = round(bias + 1.0, 1)
    reg = lam / (2 * m) * sq
    value = data + reg
    steps = [
        Step("-[y ln h + (1 - y) ln(1 - h)]", "each sample's and output's term (natural log)",
             ", ".join(f"-ln({f(hh)})" if yy else f"-ln(1 - {f(hh)})" for hh, yy in zip(h.ravel(), y.ravel())),
             as_value(terms.ravel())),
        Step("-1/m Σ_i Σ_k [...]", "the data term: the terms summed, divided by m",
             f"({' + '.join(f(t) for t in terms.ravel())}) / {m}", data),
        Step("Σ θ^2", "the squared weights (the bias is not regularised)", " + ".join(f"{p(w)}^2" for w in weights), sq),
        Step("λ/(2m) Σ θ^2", "the L2 term", f"{f(lam)} / (2·{m}) · {f(sq)}", reg),
        Step("C", "data term + L2 term", f"{f(data)} + {f(reg)}", value,
             note="The natural log; the slide used log base 10."),
    ]
    return Question(
        "cross_entropy_reg", seed,
        f"A network with {k} sigmoid output{'s' if k > 1 else ''} gives, for m = {m} samples, h = {fm(h)} with "
        f"targets y = {fm(y)} (one row per sample). Its weights are θ = {fv(weights)} and its bias is {f(bias)}; "
        f"λ = {f(lam)}. Compute C = -1/m Σ_i Σ_k [y_k ln h_k + (1 - y_k) ln(1 - h_k)] + λ/(2m) Σ θ^2, the sum "
        "over the weights only (biases are not regularised), with the natural log.",
        "C", value, steps, data={"predictions": h.tolist(), "targets": y.tolist(), "weights": as_value(weights)},
        given=[Given("h", h.tolist()), Given("y", y.tolist()), Given("θ", as_value(weights)), Given("bias", bias),
               Given("λ", lam)],
        slips=[(data, "Add the L2 term λ/(2m) Σ θ^2."),
               (data + lam / m * sq, "The L2 term is λ/(2m) Σ θ^2: you left out the 2."),
               (data + lam / (2 * m) * (sq + bias ** 2), "Leave the bias out of the L2 sum: only weights are regularised."),
               (float(terms.sum()) + reg, "Divide the data term by m: the cost is an average over the samples."),
               (value / np.log(10), "That used log base 10 (as a slide did): use the natural log."),
               (data / np.log(10) + reg, "The logs are natural logs, not base 10.")],
        tolerance=Tolerance(absolute=1e-3, relative=2e-3))


def one_hot(rng: Rng, seed: int) -> Question:
    k, m = int(rng.integers(3, 5)), int(rng.integers(3, 5))  # at most 16 numbers, an answer's limit
    labels = rng.integers(1, k + 1, m)
    targets = np.eye(k)[labels - 1]
    steps = [Step(f"y^({i + 1})", f"class {c}: a 1 at position {c} of {k}, zeros elsewhere", f"label {c}",
                  as_value(targets[i])) for i, c in enumerate(labels)]
    steps.append(Step("Y", "the one-hot vectors, one row per sample, row after row", fm(targets),
                      as_value(targets.ravel()),
                      note="Each output neuron k learns 'is it class k?', as in one-vs-all logistic regression."))
    shifted = np.eye(k + 1)[labels][:, :k]  # counting from 0: class c one place too far, class K off the end
    return Question(
        "one_hot", seed,
        f"A network classifies into K = {k} classes, numbered 1 to {k}, with one sigmoid output per class. "
        f"The class labels of m = {m} samples are {', '.join(map(str, labels))}. Write each label as the one-hot "
        f"target vector y of {k} numbers; answer the {m} vectors one after another ({m * k} numbers).",
        "Y", as_value(targets.ravel()), steps, data={"labels": [float(c) for c in labels]},
        given=[Given("labels", [float(c) for c in labels]), Given("K", float(k))],
        slips=[(as_value(shifted.ravel()), "Class c is position c of the vector counting from 1: class 1 is the first entry."),
               (as_value(targets.T.ravel()) if m != k else as_value(1 - targets.ravel()),
                "Write the vectors one after another, each of K entries (one per class)." if m != k
                else "The 1 marks the class; every other entry is 0.")],
        tolerance=Tolerance(absolute=1e-6, relative=0.0))


EXAM_KINDS: dict[str, Kind] = {
    "linreg_predictions": Kind("Linear regression in linear algebra", "ŷ = Xθ with a column of ones",
                               linreg_predictions),
    "linreg_gradient": Kind("Partial derivatives of linear regression", "∂C/∂w and ∂C/∂b, C = 1/(2m) Σ (h - y)^2",
                            linreg_gradient),
    "cross_entropy_reg": Kind("Cross-entropy with L2", "-1/m Σ [y ln h + (1 - y) ln(1 - h)] + λ/(2m) Σ θ^2",
                             cross_entropy_reg),
    "one_hot": Kind("One-hot targets", "class labels to target vectors", one_hot),
    "backprop_pseudocode": Kind("The backprop algorithm", "complete the pseudocode: choose each missing step",
                                pseudocode),
}
