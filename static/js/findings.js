// Why training stalls: the "Why stuck?" button, the findings of POST /diagnose listed under
// the drawing, and a badge beside every neuron a finding names. Every number is the API's;
// this view only words and places them. It draws on the "findings" channel.

import { h, svgEl } from "./dom.js";
import { fmt } from "./format.js";

const TITLES = {
  dead_relu: "Dead ReLU",
  saturated: "Saturated neurons",
  learning_rate_too_high: "Learning rate too high",
  vanishing_gradient: "Vanishing gradient",
  needs_capacity: "Too small for this problem",
};
const BADGES = { dead_relu: "dead", saturated: "flat g′", vanishing_gradient: "tiny ∇" };
const EVIDENCE_NAMES = {
  max_z: "largest z", samples: "samples", saturated_share: "share of samples saturated", max_g_prime: "largest g′(z)",
  threshold: "g′ threshold", learning_rate: "α", cost_before: "cost now", cost_after: "cost after one step",
  diverged: "overflowed", suggested_learning_rate: "try α", cost_after_suggested: "cost after a step at that α",
  gradient_rms: "RMS of ∂C/∂W per layer", ratio: "first / last", cost: "cost", relative_drop: "fall over the last half",
  costs_seen: "epochs looked at", wrong_share: "share of samples wrong", parameters: "weights and biases",
};

const show = (v) => (Array.isArray(v) ? v.map((x) => fmt(x, 3)).join(", ") : typeof v === "number" ? fmt(v, 4) : String(v));

export function createFindings(toolbar, after, state, { view, svg, onDiagnose }) {
  const button = h("button", { type: "button", id: "btn-diagnose", title: "Ask the server why the cost is not falling" },
    "Why stuck?", toolbar);
  button.addEventListener("click", () => onDiagnose());
  const panel = h("section", { class: "findings", id: "findings", "aria-live": "polite", hidden: "" });
  after.after(panel);

  function badges() {
    for (const old of svg.querySelectorAll(".finding-badges")) old.remove();
    const found = state.findings;
    const layout = view.geometry();
    if (!found || !layout || !state.network) return;
    const group = svgEl("g", { class: "finding-badges" }, svg);
    for (const f of found.findings) {
      if (f.layer === null || !layout.neurons[f.layer]) continue;
      for (const j of f.neurons) {
        const p = layout.neurons[f.layer][j];
        if (!p) continue;
        const g = svgEl("g", { class: `finding-badge ${f.kind}`, "data-layer": f.layer, "data-neuron": j,
          "data-kind": f.kind, transform: `translate(${p.x - layout.r * 0.9} ${p.y - layout.r * 0.9})` }, group);
        svgEl("circle", { r: Math.max(5, layout.r * 0.38) }, g);
        svgEl("text", { y: 4 }, g, "!");
        if (layout.showValues) svgEl("text", { x: -layout.r * 0.5, y: -layout.r * 0.5, class: "badge-label" }, g, BADGES[f.kind]);
      }
    }
  }

  function render() {
    const found = state.findings;
    panel.replaceChildren();
    panel.hidden = !found;
    badges();
    if (!found) return;
    const head = found.findings.length === 0
      ? "Nothing found: no dead or saturated neurons, the learning rate lowers the cost, the gradients reach the first layer."
      : found.plateau ? "The cost has stopped falling. Why, and what to try:" : "What the server found:";
    const top = h("p", "findings-head", head, panel);
    h("span", "small", ` (update ${found.steps})`, top);
    const close = h("button", { type: "button", class: "small-button", "aria-label": "Hide the findings" }, "Hide", top);
    close.addEventListener("click", () => state.set("findings", { findings: null }));
    const list = h("ul", "", "", panel);
    for (const f of found.findings) {
      const item = h("li", { class: `finding ${f.kind}`, "data-kind": f.kind }, "", list);
      const where = f.layer === null ? "whole network"
        : `layer ${f.layer + 1}, neuron${f.neurons.length > 1 ? "s" : ""} ${f.neurons.map((j) => j + 1).join(", ")}`;
      h("strong", "", `${TITLES[f.kind] || f.kind}`, item);
      h("span", "where", ` (${where}): `, item);
      h("span", "suggestion", f.suggestion, item);
      const ev = Object.entries(f.evidence).map(([k, v]) => `${EVIDENCE_NAMES[k] || k} ${show(v)}`).join("; ");
      h("span", "evidence small", ` Evidence: ${ev}.`, item);
    }
  }

  state.on("findings", render);
  state.on("reset", () => { state.findings = null; render(); });
  state.on("legend", () => { if (state.findings && !svg.querySelector(".finding-badges")) badges(); });
  state.on("network", badges);   // the drawing may have been rebuilt
  state.on("resize", badges);
  return { render };
}
