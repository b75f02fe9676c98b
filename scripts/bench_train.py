"""Benchmarks 1 and 2: the numpy engine against the same training loop in PyTorch.

Both sides start from the same weights (the engine's seeded initialisation, copied into
torch), see the same data in the same order and use the same learning rate, in float64 on
the CPU; the final weights must agree, so both really computed the same thing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.nn import datasets, engine, training

SMALL = [2, 16, 16, 1]


@dataclass
class Timing:
    median: float  # seconds
    runs: list[float]


def small_problem() -> tuple[engine.Net, np.ndarray, np.ndarray]:
    """2-16-16-1 sigmoid/BCE on 200 seeded 'moons' points, learning rate 0.5."""
    x, y = datasets.make("moons", samples=200, noise=0.1, seed=7)
    net = engine.new_net(SMALL, "sigmoid", "sigmoid", "bce", learning_rate=0.5, seed=1)
    return net, x, y


def large_problem(hidden: tuple[int, int] = (128, 64), samples: int = 1000,
                  seed: int = 3) -> tuple[engine.Net, np.ndarray, np.ndarray]:
    """784-h1-h2-10 relu/softmax/cross-entropy on random seeded data with one-hot targets."""
    rng = np.random.default_rng(seed)
    x = rng.random((samples, 784))
    y = np.eye(10)[rng.integers(0, 10, samples)]
    net = engine.new_net([784, *hidden, 10], "relu", "softmax", "cross_entropy", learning_rate=0.1, seed=seed)
    return net, x, y


def batch_orders(net: engine.Net, m: int, epochs: int, batch_size: int | None, seed: int | None) -> list:
    """The sample order the engine uses for each epoch (its documented seeding), so torch can
    visit the mini-batches in exactly the same order."""
    if batch_size is None or batch_size >= m:
        return [None] * epochs
    rng = np.random.default_rng([net.seed, net.steps] if seed is None else seed)
    return [rng.permutation(m) for _ in range(epochs)]


# --- PyTorch: the idiomatic loop (nn.Sequential, a loss module, optim.SGD)
def torch_model(net: engine.Net):  # noqa: ANN201 - torch is an optional import
    import torch
    from torch import nn

    hidden = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh}[net.hidden_activation]
    layers: list[nn.Module] = []
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=1):
        lin = nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if l < net.L:
            layers.append(hidden())
    return nn.Sequential(*layers)  # the output activation lives in the loss, as usual in torch


def torch_train(net: engine.Net, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int | None = None,
                seed: int | None = None) -> Callable[[], list[np.ndarray]]:
    """A closure running the loop from the initial weights; returns the final weight matrices.
    Sigmoid+BCE is BCEWithLogitsLoss and softmax+cross-entropy is CrossEntropyLoss: the
    stable forms, with the same gradient a - y as the engine's short form."""
    import torch
    from torch import nn

    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = nn.BCEWithLogitsLoss() if net.loss == "bce" else nn.CrossEntropyLoss()
    orders = [None if o is None else torch.from_numpy(o) for o in batch_orders(net, len(x), epochs, batch_size, seed)]
    bs = batch_size or len(x)

    def run() -> list[np.ndarray]:
        model = torch_model(net)
        opt = torch.optim.SGD(model.parameters(), lr=net.learning_rate)
        costs = []
        for order in orders:
            starts = [0] if order is None else range(0, len(x), bs)
            for start in starts:
                xb, yb = (xt, yt) if order is None else (xt[order[start:start + bs]], yt[order[start:start + bs]])
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
            costs.append(loss.detach())  # kept as tensors: no sync or conversion per epoch
        return [m.weight.detach().numpy().copy() for m in model if isinstance(m, nn.Linear)]

    return run


def engine_train(net: engine.Net, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int | None = None,
                 seed: int | None = None) -> Callable[[], list[np.ndarray]]:
    def run() -> list[np.ndarray]:
        return training.train(net, x, y, epochs, batch_size, seed=seed).net.weights
    return run


def max_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.abs(p - q).max()) for p, q in zip(a, b))


@dataclass
class Comparison:
    name: str
    engine: Timing
    torch: Timing
    diff: float

    @property
    def ratio(self) -> float:
        """How many times faster the engine is (> 1: the engine wins)."""
        return self.torch.median / self.engine.median


def torch_threads(n: int | None) -> None:
    """Set torch's intra-op threads (None: its default, one per core)."""
    import os

    import torch
    torch.set_num_threads(n or os.cpu_count() or 1)


def compare(name: str, net: engine.Net, x: np.ndarray, y: np.ndarray, epochs: int, repeat: int,
            batch_size: int | None = None) -> Comparison:
    """Runs alternate (engine, torch on 1 thread, torch on all cores) so that load from other
    users of the machine hits all alike. Torch gets its better thread setting: its OpenMP
    threads stall badly on a loaded machine, and one thread is often faster for small nets."""
    runners = {"engine": engine_train(net, x, y, epochs, batch_size, seed=11),
               1: torch_train(net, x, y, epochs, batch_size, seed=11),
               None: torch_train(net, x, y, epochs, batch_size, seed=11)}
    runs: dict = {key: [] for key in runners}
    out: dict = {}
    for i in range(repeat + 1):  # the first round warms up
        for key, fn in runners.items():
            if key != "engine":
                torch_threads(key)
            t0 = time.perf_counter()
            out[key] = fn()
            if i:
                runs[key].append(time.perf_counter() - t0)
    torch_threads(None)
    timing = {key: Timing(statistics.median(r), r) for key, r in runs.items()}
    best = min((1, None), key=lambda k: timing[k].median)
    return Comparison(name, timing["engine"], timing[best], max_diff(out["engine"], out[best]))


def bench_small(repeat: int = 5, epochs: int = 2000) -> Comparison:
    net, x, y = small_problem()
    return compare(f"2-16-16-1 sigmoid/BCE, 200 pts, {epochs} full-batch epochs", net, x, y, epochs, repeat)


def bench_large(repeat: int = 3, epochs: int = 20) -> list[Comparison]:
    net, x, y = large_problem()
    return [compare(f"784-128-64-10 softmax/CE, 1000 pts, {epochs} epochs, {label}", net, x, y, epochs, repeat, bs)
            for label, bs in (("full batch", None), ("batch 100", 100))]


def crossover(repeat: int = 3, epochs: int = 5) -> list[Comparison]:
    """Where torch starts to win: hidden widths at batch 100, then batch sizes at 128-64."""
    out = []
    for h in (16, 32, 64, 128, 256, 512):
        net, x, y = large_problem((h, max(h // 2, 1)))
        out.append(compare(f"784-{h}-{max(h // 2, 1)}-10, batch 100", net, x, y, epochs, repeat, 100))
    for bs in (10, 32, 1000):
        net, x, y = large_problem()
        out.append(compare(f"784-128-64-10, batch {bs}", net, x, y, epochs, repeat, bs))
    return out
