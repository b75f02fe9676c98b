// Hover and keyboard focus on a neuron or edge show its numbers (all from the API);
// click or Enter selects it (events on the state bus) and, for an edge, opens the editor.

import { h } from "./dom.js";
import { fmt, sym, weightSym } from "./format.js";

function neuronLines(state, l, j) {
  const net = state.network;
  const pass = state.pass;
  const lines = [[`${sym("a", l, j)}`, `neuron ${j + 1} of layer ${l + 1}`]];
  const layer = pass ? pass.result.layers[l] : null;
  const v = (field) => (layer && layer[field] ? layer[field][pass.shown][j] : null);
  if (l === 0) {
    lines.push([`a = x`, pass ? fmt(v("a")) : "press Forward"]);
    return lines;
  }
  lines.push([`z${sym("", l, j)}`, pass ? fmt(v("z")) : "–"]);
  lines.push([`a${sym("", l, j)} = g(z)`, pass ? fmt(v("a")) : "–"]);
  lines.push([`σ′(z) = g′(z)`, pass ? fmt(v("g_prime")) : "–"]);
  const hasDelta = pass && pass.kind !== "forward";
  lines.push([`δ${sym("", l, j)} = ∂C/∂z`, hasDelta ? fmt(v("delta")) : "press Backward"]);
  lines.push([`b${sym("", l, j)}`, fmt(net.biases[l - 1][j])]);
  if (!pass) lines.push(["", "press Forward for z and a"]);
  return lines;
}

function edgeLines(state, l, from, to) {
  const w = state.network.weights[l - 1][to][from];
  const grads = state.pass && state.pass.result.gradients;
  const lines = [[weightSym(l, to, from), `from ${sym("a", l - 1, from)} to ${sym("a", l, to)}`]];
  lines.push(["w", fmt(w)]);
  const note = state.pass && state.pass.kind === "step" ? "∂C/∂w (before the step)" : "∂C/∂w";
  lines.push([note, grads ? fmt(grads.weights[l - 1][to][from]) : "press Backward"]);
  if (grads && state.pass.batch.rows.length > 1) lines.push(["", `mean over ${state.pass.batch.rows.length} samples`]);
  lines.push(["", "click or Enter to change w"]);
  return lines;
}

export function createTooltip(tip, svg, state, { onEditEdge }) {
  let current = null;

  function show(target) {
    const d = target.dataset;
    const lines = target.classList.contains("neuron")
      ? neuronLines(state, Number(d.layer), Number(d.neuron))
      : edgeLines(state, Number(d.layer), Number(d.from), Number(d.to));
    tip.replaceChildren();
    for (const [k, v] of lines) {
      const row = h("div", "", "", tip);
      h("span", "k", k, row);
      h("span", "v", v, row);
    }
    tip.hidden = false;
    const box = target.getBoundingClientRect();
    const tw = tip.offsetWidth;
    const left = Math.min(window.scrollX + box.right + 8, window.scrollX + document.documentElement.clientWidth - tw - 8);
    tip.style.left = `${Math.max(4, left)}px`;
    tip.style.top = `${window.scrollY + box.top}px`;
    current = target;
  }

  function hide() { tip.hidden = true; current = null; }

  const targetOf = (ev) => ev.target.closest && ev.target.closest(".neuron, .edge");

  function select(target) {
    const d = target.dataset;
    if (target.classList.contains("neuron")) {
      state.emit("neuron-selected", { layer: Number(d.layer), neuron: Number(d.neuron) });
    } else {
      const edge = { layer: Number(d.layer), from: Number(d.from), to: Number(d.to) };
      state.emit("edge-selected", edge);
      onEditEdge(edge, target);
    }
  }

  svg.addEventListener("pointerover", (ev) => { const t = targetOf(ev); if (t && t !== current) show(t); });
  svg.addEventListener("pointerout", (ev) => { if (targetOf(ev) && !svg.contains(ev.relatedTarget)) hide(); });
  svg.addEventListener("pointerleave", hide);
  svg.addEventListener("focusin", (ev) => { const t = targetOf(ev); if (t) show(t); });
  svg.addEventListener("focusout", hide);
  svg.addEventListener("click", (ev) => { const t = targetOf(ev); if (t) select(t); });
  svg.addEventListener("keydown", (ev) => {
    const t = targetOf(ev);
    if (t && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); ev.stopPropagation(); select(t); }
  });

  const refresh = () => { if (current && current.isConnected) show(current); else hide(); };
  state.on("pass", refresh);
  state.on("network", refresh);
  return {
    /** Refresh the open tooltip after new numbers arrived. */
    render: refresh,
    reset: hide,
  };
}
