"""Exam practice: complete the backprop algorithm's pseudocode in words.

The answer is words, so the question stays structured: the algorithm's seven steps are shown
with two or three left blank, and a numbered list of choices holds the missing steps mixed
with wrong ones (each wrong one is a common slip with its explanation). The answer is the
choice number for each blank, in order, e.g. [4, 1]. Marking goes blank by blank: each blank
is right or wrong (Verdict.marks) and the feedback names what each wrong choice gets wrong;
the worked solution ends with the full algorithm.
"""

from __future__ import annotations

import numpy as np

from app.teaching.questions import Question, Step, Tolerance, Value

STEPS = [
    "Forward pass: starting from a^(1) = x, compute z^(l) = W^(l) a^(l-1) + b^(l) and a^(l) = g(z^(l)) "
    "for l = 2, ..., L.",
    "Cost: compute the sample's cost C from the output a^(L) and the target y.",
    "Output error: δ^(L) = ∂C/∂a^(L) ⊙ g'(z^(L)) (with a sigmoid output and cross-entropy, δ^(L) = a^(L) - y).",
    "Move the error back: for l = L-1 down to 2, δ^(l) = (W^(l+1))^T δ^(l+1) ⊙ g'(z^(l)).",
    "Gradients of this sample: ∂C/∂W^(l) = δ^(l) (a^(l-1))^T and ∂C/∂b^(l) = δ^(l), for every layer l.",
    "Average: once all m samples are done, average the cost and the gradients over the m samples.",
    "Update: W^(l) ← W^(l) - α ∂C/∂W^(l) and b^(l) ← b^(l) - α ∂C/∂b^(l), for every layer l.",
]
FRAME = "Steps 1 to 5 run for each sample (x, y) of the batch; steps 6 and 7 run once per batch."
# (wrong step, the step it imitates (0-based), why it is wrong)
DISTRACTORS = [
    ("Move the error forward: for l = 2 up to L-1, δ^(l) = W^(l) δ^(l-1) ⊙ g'(z^(l)).", 3,
     "the error moves backward, from layer l+1 to layer l, through the transposed weights (W^(l+1))^T"),
    ("Update: W^(l) ← W^(l) + α ∂C/∂W^(l), for every layer l.", 6,
     "a step goes against the gradient: minus α ∂C/∂W, not plus"),
    ("Gradients of this sample: ∂C/∂W^(l) = a^(l) (δ^(l-1))^T.", 4,
     "∂C/∂w_jk^(l) = δ_j^(l) a_k^(l-1): the delta of the layer the weight feeds times the activation it comes from"),
    ("Output error: δ^(L) = y - a^(L), whatever the cost.", 2,
     "∂C/∂a = a - y, not y - a, and with squared error it is multiplied by g'(z^(L))"),
    ("Update each layer's weights as soon as its δ is known, then move the error further back.", 6,
     "moving the error back needs the old weights: compute every gradient first, then update"),
    ("Average: add up the gradients of the m samples without dividing.", 5,
     "the cost is the mean over the m samples, so its gradient is the mean of the samples' gradients"),
    ("Cost: compute the cost from the weighted inputs z^(L) and the target y.", 1,
     "the cost compares the output's activations a^(L) = g(z^(L)) with the target"),
]


def algorithm() -> str:
    return " ".join(f"{i + 1}. {s}" for i, s in enumerate(STEPS)) + " " + FRAME


def pseudocode(rng: np.random.Generator, seed: int) -> Question:
    missing = sorted(int(i) for i in rng.choice(len(STEPS), size=int(rng.integers(2, 4)), replace=False))
    near = [d for d in DISTRACTORS if d[1] in missing]
    far = [d for d in DISTRACTORS if d[1] not in missing]
    wrong = [near[int(i)] for i in rng.choice(len(near), size=min(2, len(near)), replace=False)]
    wrong += [far[int(i)] for i in rng.choice(len(far), size=4 - len(wrong), replace=False)]
    options: list[tuple[str, int | None, str | None]] = [(STEPS[i], i, None) for i in missing] + wrong
    order = rng.permutation(len(options))
    options = [options[int(i)] for i in order]
    choices = [text for text, _, _ in options]
    expected = [float(next(c for c, (text, _, _) in enumerate(options, 1) if text == STEPS[i])) for i in missing]
    lines = [f"{i + 1}. " + (f"[blank {missing.index(i) + 1}]" if i in missing else s) for i, s in enumerate(STEPS)]

    def mark(value: Value) -> tuple[list[bool], str]:
        marks, notes = [], []
        for b, (chosen, pos) in enumerate(zip(value if isinstance(value, list) else [value], missing), 1):
            c = round(chosen)
            right = c == expected[b - 1] and abs(chosen - c) < 1e-9
            marks.append(right)
            if right:
                notes.append(f"blank {b} (step {pos + 1}) is right")
            elif not 1 <= c <= len(options):
                notes.append(f"blank {b}: choose a number from 1 to {len(options)}")
            elif options[c - 1][2] is not None:
                notes.append(f"blank {b} (step {pos + 1}): choice {c} is wrong: {options[c - 1][2]}")
            else:
                notes.append(f"blank {b} (step {pos + 1}): choice {c} is a real step, but it is step "
                             f"{options[c - 1][1] + 1}, not step {pos + 1}")
        text = "; ".join(notes)
        return marks, text[0].upper() + text[1:] + "."

    steps = [Step(f"step {i + 1}", STEPS[i], f"choice {int(expected[b])}", expected[b]) for b, i in enumerate(missing)]
    steps.append(Step("the algorithm", algorithm(), "choices " + ", ".join(str(int(e)) for e in expected), expected,
                      note="With many samples, the cost and the gradients are averaged over all m samples before "
                           "the update; the equations are per neuron and vectorise per layer."))
    return Question(
        "backprop_pseudocode", seed,
        "Complete the backpropagation algorithm for one gradient-descent update over a batch of m samples. "
        f"{FRAME} " + " ".join(lines) + " For each blank, choose the missing step from the choices "
        "(answer with the choice numbers, one per blank, in order): "
        + " ".join(f"({c}) {text}" for c, text in enumerate(choices, 1)),
        "choices for blanks " + ", ".join(str(b + 1) for b in range(len(missing))), expected, steps,
        data={"blanks": [float(i + 1) for i in missing]}, choices=choices, outline=lines, mark=mark,
        tolerance=Tolerance(absolute=0.0, relative=0.0))
