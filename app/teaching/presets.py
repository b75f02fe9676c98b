"""Ready-made networks with explicit weights, in the save-file format (FORMAT), numpy only.

Each preset is the same document a user downloads from the page, so loading one goes through
the same validation (POST /api/networks/import)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.nn import datasets, engine

FORMAT = "backprop-lab/1"
XOR = datasets.logic_lists("xor")
XOR_SEED, XOR_LEARNING_RATE = 13, 2.0  # reaches cost < 0.01 within 700 full-batch epochs


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    layer_sizes: list[int]
    weights: list[list[list[float]]]
    biases: list[list[float]]
    data: dict[str, list[list[float]]]
    learning_rate: float = 0.5
    loss: str = "mse"
    seed: int = 0
    settings: dict | None = None

    def document(self) -> dict:
        """The preset as a save file."""
        network = {"layer_sizes": self.layer_sizes, "hidden_activation": "sigmoid", "output_activation": "sigmoid",
                   "loss": self.loss, "learning_rate": self.learning_rate, "l2": 0.0, "seed": self.seed,
                   "weights": self.weights, "biases": self.biases, "steps": 0}
        return {"format": FORMAT, "name": self.name, "title": self.title, "description": self.description,
                "network": network, "data": self.data, "settings": dict(self.settings or {"sample": 0})}


def _lecture() -> Preset:
    """The lecture's worked example: the output's weighted input is z^(3) = -0.241."""
    x = np.array([0.35, 0.9])  # cell size and nucleus irregularity, scaled to [0, 1]
    w2, b2 = np.array([[0.2, -0.4], [0.7, 0.1]]), np.array([0.1, -0.3])
    w3 = np.array([[-0.6, 0.4]])
    a2 = engine.forward(engine.Net([2, 2], [w2], [b2]), x[None, :]).a[1][0]
    b3 = -0.241 - float(w3[0] @ a2)  # the one free number, chosen to give the lecture's z^(3)
    return Preset(
        "lecture", "The lecture's worked example: is it a cancer cell?",
        "Inputs: cell size 0.35 and nucleus irregularity 0.9 (scaled to [0, 1]); target y = 1 (yes). "
        "The output's weighted input is z^(3) = -0.241, so a^(3) = σ(-0.241) ≈ 0.44, "
        "C = 1/2 (1 - 0.44)^2 = 0.1568, σ'(-0.241) ≈ 0.2464 and dC/da^(3) = a - y = -0.56. "
        "b^(3) is chosen to make z^(3) exactly -0.241.",
        [2, 2, 1], [w2.tolist(), w3.tolist()], [b2.tolist(), [b3]],
        {"inputs": [x.tolist()], "targets": [[1.0]]}, learning_rate=0.5)


def _xor() -> Preset:
    weights, biases = engine.init_params([2, 2, 1], "sigmoid", XOR_SEED)
    return Preset(
        "xor", "XOR, learned by backprop (2-2-1 sigmoid)",
        f"Initial weights from seed {XOR_SEED}, learning rate {XOR_LEARNING_RATE}, full batch: training drives "
        "the cost below 0.01 in about 700 epochs. The problem a single perceptron cannot learn.",
        [2, 2, 1], [w.tolist() for w in weights], [b.tolist() for b in biases], XOR,
        learning_rate=XOR_LEARNING_RATE, seed=XOR_SEED, settings={"sample": 0, "dataset": "xor"})


def _xor_by_hand() -> Preset:
    return Preset(
        "xor-by-hand", "XOR, solved by hand: OR and NAND, then AND",
        "Hidden neuron 1 computes OR (20 x1 + 20 x2 - 10), hidden neuron 2 NAND (-20 x1 - 20 x2 + 30); "
        "the output ANDs them (20 a1 + 20 a2 - 30). Each hidden neuron draws one line: XOR is the strip "
        "between the two half-planes.",
        [2, 2, 1], [[[20.0, 20.0], [-20.0, -20.0]], [[20.0, 20.0]]], [[-10.0, 30.0], [-30.0]], XOR,
        settings={"sample": 0, "dataset": "xor"})


def _two_outputs() -> Preset:
    return Preset(
        "two-outputs", "Two outputs, checkable by hand (2-2-2)",
        "x = (1, 0), targets (1, 0). z^(2) = (0.5, -0.5), so a^(2) = (0.6225, 0.3775) (they add up to 1); "
        "z^(3)_1 = a_1 - a_2 = 0.2449 and z^(3)_2 = 0.5 a_1 + 0.5 a_2 - 0.5 = 0 exactly, so a^(3)_2 = 0.5 "
        "and σ'(z^(3)_2) = 0.25.",
        [2, 2, 2], [[[0.5, 0.1], [-0.5, 0.3]], [[1.0, -1.0], [0.5, 0.5]]], [[0.0, 0.0], [0.0, -0.5]],
        {"inputs": [[1.0, 0.0]], "targets": [[1.0, 0.0]]}, learning_rate=0.5)


PRESETS: dict[str, Preset] = {p.name: p for p in (_lecture(), _xor(), _xor_by_hand(), _two_outputs())}
