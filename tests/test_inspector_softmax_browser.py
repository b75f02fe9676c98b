"""A softmax output with squared error in Chromium: the output neuron's δ is written out with
its numbers (g = a − y, the sum ∑ₖ gₖ aₖ term by term, then aⱼ (gⱼ − ∑ₖ gₖ aₖ)), and a hidden
weight's chain goes through the output deltas. Every number is checked against numpy here,
not against the page's own code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from test_inspector_browser import api, open_page, press, select_edge, select_neuron, settle, values
from test_inspector_browser import console_errors  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser

REL = 1e-9
W1 = [[0.5, -0.7], [0.3, 0.9], [-1.1, 0.4]]
B1 = [0.1, -0.2, 0.3]
W2 = [[1.2, -0.4, 0.7], [-0.8, 0.6, -0.3], [0.3, 1.1, -0.9]]
B2 = [0.05, -0.1, 0.2]
X = np.array([[0.6, -0.2], [-1.0, 0.8], [0.25, 1.5]])
Y = np.eye(3)[[0, 1, 2]]


def reference(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """The forward and backward pass by hand, per sample (no 1/m)."""
    w1, b1, w2, b2 = (np.array(v) for v in (W1, B1, W2, B2))
    a1 = 1 / (1 + np.exp(-(x @ w1.T + b1)))
    z2 = a1 @ w2.T + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    a2 = e / e.sum(axis=1, keepdims=True)
    g = a2 - y                                   # dC/da for C = 1/2 sum (a - y)^2
    dot = (g * a2).sum(axis=1)                   # sum_k g_k a_k
    jac = np.stack([np.diag(a) - np.outer(a, a) for a in a2])   # da_k/dz_i, the full softmax Jacobian
    d2 = np.einsum("sik,sk->si", jac, g)         # dC/dz = J^T g (J is symmetric)
    d1 = d2 @ w2 * a1 * (1 - a1)
    return {"a1": a1, "a2": a2, "g": g, "dot": dot, "d2": d2, "d1": d1}


def test_softmax_mse_output_delta_written_out(page: Page, base_url: str, artifacts: Path,
                                              console_errors: list[str]) -> None:
    net = api(base_url, "POST", "/api/networks", {"layer_sizes": [2, 3, 3], "hidden_activation": "sigmoid",
                                                   "output_activation": "softmax", "loss": "mse",
                                                   "weights": [W1, W2], "biases": [B1, B2]})
    s = 1
    ref = reference(X, Y)
    np.testing.assert_allclose(ref["d2"][s], ref["a2"][s] * (ref["g"][s] - ref["dot"][s]), rtol=1e-12)
    open_page(page, base_url, net, X, Y, "full", s)
    press(page, "Backward")
    page.wait_for_selector(".neuron[data-layer='1'][data-delta]")
    a, g, dot = ref["a2"][s], ref["g"][s], ref["dot"][s]
    for j in range(3):
        select_neuron(page, 2, j)
        error = page.locator("#inspector .insp-section").filter(has_text="Error δ")
        lines = error.locator(".insp-line")
        expect(lines).to_have_count(3)
        # g_j = dC/da_j = a_j - y_j = g_j
        assert values(lines.nth(0).locator("mn[data-value]")) == pytest.approx([a[j], Y[s][j], g[j]], rel=REL)
        # sum_k g_k a_k = g_1 a_1 + g_2 a_2 + g_3 a_3 = dot
        expected = [v for k in range(3) for v in (g[k], a[k])] + [dot]
        assert values(lines.nth(1).locator("mn[data-value]")) == pytest.approx(expected, rel=REL)
        # delta_j = a_j (g_j - sum) = delta_j
        assert values(lines.nth(2).locator("mn[data-value]")) == pytest.approx([a[j], g[j], dot, ref["d2"][s][j]],
                                                                                 rel=REL)
        expect(lines.nth(2).locator(".words")).to_contain_text("softmax couples the outputs")
        expect(lines.nth(1).locator("[data-ref='n:2:2']").first).to_be_attached()   # g_3, a_3 link to neuron 3
        if j == 1:
            settle(page)
            page.screenshot(path=str(artifacts / "inspector-softmax-mse-1280.png"), full_page=True)
            error.scroll_into_view_if_needed()
            page.locator("#inspector").screenshot(path=str(artifacts / "inspector-softmax-mse-delta.png"))
    # a hidden weight: one chain line per output neuron, through that neuron's delta
    j, k = 2, 1
    select_edge(page, 1, k, j)
    chain = page.locator("#inspector .insp-line[data-role='chain']")
    expect(chain).to_have_count(3)
    for i in range(3):
        factors = values(chain.nth(i).locator("mn.val"))
        assert factors == pytest.approx([ref["d2"][s][i], W2[i][j], ref["a1"][s][j] * (1 - ref["a1"][s][j]), X[s][k]],
                                        rel=REL)
    total = values(page.locator("#inspector .insp-line[data-role='chainTotal'] mn[data-value]"))[-1]
    assert total == pytest.approx(ref["d1"][s][j] * X[s][k], rel=REL)
    expect(page.locator("#inspector .insp-section").filter(has_text="The chain rule")).to_contain_text(
        "softmax couples the outputs")
    page.set_viewport_size({"width": 1280, "height": 2400})   # the whole chain section on the picture
    settle(page)
    page.locator("#inspector .insp-section").filter(has_text="The chain rule").screenshot(
        path=str(artifacts / "inspector-softmax-mse-chain.png"))
    assert console_errors == []
