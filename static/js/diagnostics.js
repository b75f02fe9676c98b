// Gradient check, g'(z) on every neuron, and the vanishing-gradient warning: three toolbar
// controls and the notes under the drawing. Numbers are the API's; the detection rules are
// pure functions in inspector-math.js.

import { agreement, vanishing } from "./inspector-math.js";
import { fmt } from "./format.js";
import { h, svgEl } from "./dom.js";

export function createDiagnostics(toolbar, after, state, { view, svg, inspector, batch, api, run }) {
  const checkBtn = h("button", "", "Gradient check");
  checkBtn.type = "button";
  checkBtn.id = "btn-gradient-check";
  checkBtn.title = "Compare backprop's gradients with central differences of the cost";
  const matrixBtn = h("button", "", "Matrix view");
  matrixBtn.type = "button";
  matrixBtn.id = "btn-matrix";
  const gLabel = h("label", "check gprime-toggle");
  const gBox = h("input");
  gBox.type = "checkbox";
  gBox.id = "show-gprime";
  gLabel.append(gBox, document.createTextNode(" g′(z) on neurons"));
  toolbar.append(checkBtn, matrixBtn, gLabel);

  const notes = h("div", "diagnostics");
  const summary = h("p", "gradcheck-summary");
  summary.id = "gradcheck-summary";
  summary.hidden = true;
  const gNote = h("p", "gprime-note small");
  gNote.id = "gprime-note";
  gNote.hidden = true;
  const warning = h("p", "warning");
  warning.id = "saturation-warning";
  warning.setAttribute("role", "status");
  warning.hidden = true;
  notes.append(warning, summary, gNote);
  after.after(notes);

  // --- Gradient check -------------------------------------------------------------------
  let shownCheck = null;   // the result the edges are coloured by (redrawn after a re-layout)
  let shownRows = "";      // ... and the batch it was computed for
  function clearColours() {
    state.emit("gradcheck", null);   // the legend drops its key
    for (const n of svg.querySelectorAll(".gc-ok, .gc-warn, .gc-bad")) n.classList.remove("gc-ok", "gc-warn", "gc-bad");
    for (const n of svg.querySelectorAll("[data-rel-error]")) delete n.dataset.relError;
  }

  function colour(result) {
    clearColours();
    state.emit("gradcheck", result);
    for (const g of svg.querySelectorAll(".edge")) {
      const e = result.relative_error.weights[g.dataset.layer - 1][g.dataset.to][g.dataset.from];
      g.classList.add(`gc-${agreement(e)}`);
      g.dataset.relError = String(e);
    }
    for (const g of svg.querySelectorAll(".neuron")) {
      const l = Number(g.dataset.layer);
      if (l === 0) continue;
      const e = result.relative_error.biases[l - 1][g.dataset.neuron];
      g.classList.add(`gc-${agreement(e)}`);
      g.dataset.relError = String(e);
    }
  }

  async function gradientCheck() {
    const b = batch();
    const result = await api.gradientCheck(state.network.id, b.inputs, b.targets);
    inspector.setCheck(result, b.rows);
    shownCheck = result;
    shownRows = b.rows.join();
    colour(result);
    const worst = result.max_relative_error;
    const n = result.relative_error.weights.flat(2).length + result.relative_error.biases.flat().length;
    summary.replaceChildren(
      document.createTextNode(`Gradient check on ${b.rows.length} sample${b.rows.length > 1 ? "s" : ""}, ${n} parameters: `
        + "largest relative error "),
      Object.assign(h("strong", "", fmt(worst)), { id: "gradcheck-max" }),
      document.createTextNode(worst < 1e-6 ? " — backprop agrees with central differences (green edges and rings: agreement). "
        : " — some gradients disagree (kinks of ReLU, or tiny gradients at the limits of float precision): red, dotted. "),
      hideBtn);
    summary.querySelector("strong").dataset.value = String(worst);
    summary.hidden = false;
  }
  const hideBtn = h("button", "small-button", "Hide");
  hideBtn.type = "button";
  hideBtn.addEventListener("click", () => { shownCheck = null; clearColours(); summary.hidden = true; inspector.setCheck(null); });
  checkBtn.addEventListener("click", () => run(gradientCheck));
  matrixBtn.addEventListener("click", () => inspector.openMatrix());

  // --- g'(z) on every neuron ------------------------------------------------------------
  function drawGPrime() {
    for (const old of svg.querySelectorAll(".gprime-layer")) old.remove();
    const pass = state.pass;
    const layout = view.geometry();
    gNote.hidden = !gBox.checked;
    if (!gBox.checked) return;
    if (!pass || !layout) { gNote.textContent = "Press Forward: g′(z) needs the weighted inputs z."; return; }
    const group = svgEl("g", { class: "gprime-layer" });
    pass.result.layers.forEach((layer, l) => {
      if (!layer.g_prime) return;
      layer.g_prime[pass.shown].forEach((v, j) => {
        const p = layout.neurons[l][j];
        // upper right: clear of the value below
        const t = svgEl("text", { x: p.x + layout.r * 0.75, y: p.y - layout.r * 0.8, class: `gprime${v < 0.01 ? " low" : ""}` });
        t.dataset.layer = String(l);
        t.dataset.neuron = String(j);
        t.dataset.value = String(v);
        t.textContent = layout.showValues ? `g′ ${fmt(v, 3)}` : "";
        group.appendChild(t);
      });
    });
    svg.appendChild(group);
    const sig = state.network.hidden_activation === "sigmoid" || state.network.output_activation === "sigmoid";
    gNote.textContent = "Above each neuron: g′(z) for the shown sample."
      + (sig ? " For the sigmoid σ′(z) = σ(z)(1 − σ(z)) ≤ 0.25 (at z = 0); red: below 0.01, the neuron is saturated." : "");
  }
  gBox.addEventListener("change", drawGPrime);

  // --- Vanishing gradients --------------------------------------------------------------
  function checkVanishing() {
    const pass = state.pass;
    const found = pass && pass.kind !== "forward" ? vanishing(pass.result.layers, used().hidden_activation) : null;
    warning.hidden = !found;
    if (!found) { warning.textContent = ""; return; }
    const times = found.ratio > 0 ? `${fmt(1 / found.ratio, 2)} times` : "infinitely";
    warning.textContent = `⚠ Vanishing gradients: the deltas of layer ${found.layer + 1} are ${times} smaller than at the output `
      + `(mean |δ| ${fmt(found.mean)} vs ${fmt(found.output)}): ${found.reason}.`;
    warning.dataset.layer = String(found.layer);
    warning.dataset.ratio = String(found.ratio);
  }
  let usedNet = null;
  const used = () => usedNet || state.network;

  state.on("pass", (pass) => {
    usedNet = state.network;
    if (shownCheck && (!pass || pass.batch.rows.join() !== shownRows)) {
      shownCheck = null;
      clearColours();
      summary.hidden = true;
    }
    checkVanishing();
    drawGPrime();
  });
  state.on("legend", () => {   // paint() ran: after a re-layout the drawing lost what was added to it
    if (gBox.checked && !svg.querySelector(".gprime-layer")) drawGPrime();
    if (shownCheck && !svg.querySelector(".gc-ok, .gc-warn, .gc-bad")) colour(shownCheck);
  });
  state.on("network", () => {
    inspector.setCheck(null);
    shownCheck = null;
    clearColours();
    summary.hidden = true;
    if (!state.pass) { warning.hidden = true; }
    drawGPrime();
  });

  return {
    render() { checkVanishing(); drawGPrime(); },
    reset() { clearColours(); summary.hidden = true; warning.hidden = true; gBox.checked = false; drawGPrime(); },
  };
}
