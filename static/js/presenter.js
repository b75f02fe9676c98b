// The presenter's flow of the projector view: Forward, Backward and Step stop after each layer,
// and Space / → (or ←) moves to the next (previous) layer, with that layer's formula and the
// API's numbers of the shown sample large in the formula bar. Outside the projector view it
// hands every call to the normal animator. The numbers are the pass's; nothing is computed.

import { fmt, sup, uiLayer } from "./format.js";
import { h } from "./dom.js";

const vec = (row) => `(${row.map((v) => fmt(v)).join(", ")})`;
const G = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", linear: "id", softmax: "softmax" };
const SHORT = { bce: "sigmoid", cross_entropy: "softmax" };   // loss -> the output whose g' cancels

/** The stages of a pass: each {title, formula, values, paint(view)}; pure apart from the view calls. */
export function stagesOf(kind, network, result, shown, before) {
  const n = network.layer_sizes.length;
  const L = n - 1;
  const row = (l, key) => result.layers[l][key][shown];
  const g = (l) => G[l === L ? network.output_activation : network.hidden_activation] || "g";
  const stages = [];
  if (kind === "forward") {
    stages.push({ title: "Forward · layer 1 (input)", formula: `a${sup(1)} = x`, values: vec(row(0, "a")),
      paint: (v) => v.paint(0, "a") });
    for (let l = 1; l <= L; l += 1) {
      const [u, p] = [uiLayer(l), uiLayer(l - 1)];
      stages.push({ title: `Forward · layer ${u} of ${n}`,
        formula: `z${sup(u)} = W${sup(u)} a${sup(p)} + b${sup(u)},   a${sup(u)} = ${g(l)}(z${sup(u)})`,
        values: `z${sup(u)} = ${vec(row(l, "z"))}   a${sup(u)} = ${vec(row(l, "a"))}`, paint: (v) => v.paint(l, "a") });
    }
  } else if (kind === "backward") {
    const u = uiLayer(L);
    const short = SHORT[network.loss] === network.output_activation;
    stages.push({ title: `Backward · output layer ${u}`,
      formula: short ? `δ${sup(u)} = a${sup(u)} − y` : `δ${sup(u)} = ∂C/∂a${sup(u)} ⊙ ${g(L)}′(z${sup(u)})`,
      values: `δ${sup(u)} = ${vec(row(L, "delta"))}`, paint: (v) => { v.paint(0, "a"); v.paint(L, "delta"); } });
    for (let l = L; l >= 1; l -= 1) {
      const [w, p] = [uiLayer(l), uiLayer(l - 1)];
      stages.push({ title: `Backward · gradients of W${sup(w)}`, formula: `∂C/∂W${sup(w)} = δ${sup(w)} (a${sup(p)})ᵀ,   ∂C/∂b${sup(w)} = δ${sup(w)}`,
        values: `the edges into layer ${w} glow with |∂C/∂w|`, paint: (v) => v.glow(l, true) });
      if (l > 1) {
        stages.push({ title: `Backward · layer ${p}`,
          formula: `δ${sup(p)} = (W${sup(w)})ᵀ δ${sup(w)} ⊙ ${g(l - 1)}′(z${sup(p)})`,
          values: `δ${sup(p)} = ${vec(row(l - 1, "delta"))}`, paint: (v) => v.paint(l - 1, "delta") });
      }
    }
  } else if (kind === "step") {
    const alpha = fmt(network.learning_rate);
    stages.push({ title: "Step", formula: "w ← w − α ∂C/∂w for every weight and bias", values: `α = ${alpha}`, paint: () => {} });
    for (let l = 1; l <= L; l += 1) {
      const u = uiLayer(l);
      stages.push({ title: `Step · layer ${u}`, formula: `W${sup(u)} ← W${sup(u)} − α ∂C/∂W${sup(u)},   b${sup(u)} ← b${sup(u)} − α ∂C/∂b${sup(u)}`,
        values: `α = ${alpha}; the changed weights are marked`,
        paint: (v) => result.network.weights[l - 1].forEach((r, j) => r.forEach((w, k) => {
          const edge = v.edgeEl(l, k, j);
          if (edge && w !== before.weights[l - 1][j][k]) edge.classList.add("changed");
        })) });
    }
  }
  return stages;
}

export function createPresenter(base, view, state, { bar, svg }) {
  let active = false;
  let kind = null;
  let stages = [];
  let pos = 0;
  const title = h("div", "formula-title", "", bar);
  const formula = h("div", "formula-main", "", bar);
  const values = h("div", "formula-values", "", bar);
  const hint = h("div", "formula-hint", "", bar);

  function show() {
    svg.querySelectorAll(".edge.changed").forEach((e) => e.classList.remove("changed"));
    if (stages.length && kind !== "step") view.clearValues();   // a step keeps the pass's numbers shown
    stages.slice(0, pos + 1).forEach((s) => s.paint(view));
    const s = stages[pos];
    title.textContent = s ? s.title : "Projector view";
    formula.textContent = s ? s.formula : "F forward · B backward · S step";
    values.textContent = s ? s.values : "then Space or → for the next layer, ← for the previous";
    hint.textContent = s ? `${pos + 1} / ${stages.length}${pos + 1 < stages.length ? " · Space or → next layer, ← back" : " · done"}` : "";
    bar.dataset.stage = String(pos);
    bar.dataset.stages = String(stages.length);
  }

  function clear() { stages = []; pos = 0; show(); }

  function start(passKind, before) {
    kind = passKind;
    const pass = state.pass;
    stages = pass ? stagesOf(kind, state.network, pass.result, pass.shown, before) : [];
    pos = 0;
    show();
  }

  // A Step's pass arrives while state.network is still the network before the update. Any other
  // pass not animated (another sample, a changed weight, training) makes the shown stage stale.
  state.on("pass", (pass) => {
    if (!active || (pass && pass.animate)) return;   // Forward and Backward call start() next
    if (pass && pass.kind === "step") start("step", state.network);
    else clear();
  });

  return {
    get instant() { return base.instant; },
    async forward(n) { if (!active) return base.forward(n); base.cancel(); start("forward"); },
    async backward(n) { if (!active) return base.backward(n); base.cancel(); start("backward"); },
    cancel() { base.cancel(); },
    /** Projector view on or off: off hands back to the animator; on starts with the keys' help. */
    setActive(on) { active = on; if (on) clear(); else stages = []; },
    next() { if (active && pos + 1 < stages.length) { pos += 1; show(); } },
    previous() { if (active && pos > 0) { pos -= 1; show(); } },
  };
}
