// The line above the drawing (shown sample, its cost, the batch cost), the colour legend,
// and the hint that says what to press next. Every number is the API's.

import { divergingColor } from "./layout.js";
import { h } from "./dom.js";
import { fmt } from "./format.js";
import { wantedData } from "./data.js";

const PHASE = { forward: "after Forward", backward: "after Backward", step: "Step: passes computed before the update" };

const span = (text, cls = "") => h("span", cls, text);

export function createReadout(readout, legend, hint, buttons, stats, state) {
  function render() {
    readout.replaceChildren();
    const { data, config, pass } = state;
    if (!data) { renderHint(); return; }
    const i = pass ? pass.batch.rows[pass.shown] : config.sample;
    readout.append(span(`Sample #${i + 1} of ${data.inputs.length}: x = (${data.inputs[i].map((v) => fmt(v)).join(", ")}), `
      + `target y = (${data.targets[i].map((v) => fmt(v)).join(", ")})`, "sample"));
    if (pass && pass.result.cost !== undefined && pass.result.cost !== null) {
      const m = pass.batch.rows.length;
      const sampleCost = span(`cost of this sample ${fmt(pass.result.sample_costs[pass.shown])}`, "cost-sample");
      sampleCost.id = "sample-cost";
      sampleCost.dataset.value = String(pass.result.sample_costs[pass.shown]);
      readout.append(sampleCost);
      const batchCost = span(`batch cost (${m} sample${m > 1 ? "s" : ""}) `, "cost-batch");
      const value = span(fmt(pass.result.cost), "value");
      value.id = "batch-cost";
      value.dataset.value = String(pass.result.cost);
      batchCost.append(value);
      readout.append(batchCost, span(PHASE[pass.kind], "phase"));
    } else {
      readout.append(span("no pass yet", "phase"));
    }
    renderHint();
  }

  function renderHint() {
    if (!state.data) {   // a linked network waiting for data of its widths (boot.js): say what to paste
      hint.textContent = state.network ? wantedData(state.network.layer_sizes) : "";
      for (const b of buttons) b.classList.remove("suggested");
      return;
    }
    const kind = state.training ? "training" : state.pass ? state.pass.kind : "none";
    const text = {
      none: "Press Forward (F): the shown sample travels through the network and every neuron gets its activation a.",
      forward: "Now press Backward (B): the error δ flows from the output back, and every weight gets its ∂C/∂w. Hover a neuron or weight for its numbers.",
      backward: "Press Step (S) to move every weight by −α ∂C/∂w, or Train (T) to repeat steps until the cost is small.",
      step: "The weights moved. Forward again to see the new output, or Train (T) to keep going.",
      training: "Training: the cost chart falls as the weights improve. Press Pause (T) to stop.",
    }[kind];
    hint.textContent = text;
    const next = { none: "forward", forward: "backward", backward: "step", step: "forward", training: "train" }[kind];
    for (const b of buttons) b.classList.toggle("suggested", b.dataset.action === next);
  }

  let legendKey = null;   // what the legend shows now: rebuilt only when it changes

  function renderLegend(info) {
    const key0 = info ? `${info.kind} ${fmt(info.bound, 3)}` : "";
    if (key0 === legendKey) return;
    legendKey = key0;
    const gcShown = gcKey.isConnected;
    legend.replaceChildren();
    const key = h("div", "edge-key");
    key.append(span("Edges:", "title"), span("", "swatch pos"), span("positive w"), span("", "swatch neg"),
      span("negative w (dashed)"), span("thicker = larger |w|"), span("", "dot fwd"), span("forward signal"),
      span("", "dot bwd"), span("backward error"));
    legend.appendChild(key);
    if (info) {
      const { kind, bound } = info;
      const scale = h("div", "scale");
      const bar = span("", "bar");
      const stops = [-1, -0.5, 0, 0.5, 1].map((t) => divergingColor(t * bound, bound)).join(", ");
      bar.style.background = `linear-gradient(to right, ${stops})`;
      scale.append(span(kind === "a" ? "Neuron colour: activation a" : "Neuron colour: error δ (input: a)", "title"),
        span(fmt(-bound, 3)), bar, span(fmt(bound, 3)));
      legend.appendChild(scale);
    }
    if (gcShown) legend.appendChild(gcKey);
  }

  /** What was done to this network: epochs trained, updates stored, and the last training's speed. */
  let rate = { at: 0, updates: 0, perSecond: null };
  function renderCounters(counters) {
    if (!counters) { stats.textContent = ""; return; }
    if (state.training) {
      const secs = (performance.now() - rate.at) / 1000;
      if (secs > 0) rate.perSecond = Math.round((counters.updates - rate.updates) / secs);
    }
    stats.textContent = `epochs ${counters.epochs} · updates ${counters.updates}`
      + (rate.perSecond === null ? "" : ` · ${rate.perSecond} updates/s`);
  }

  /** The gradient check's colours, while the drawing shows them. */
  const gcKey = h("div", "gc-key");
  gcKey.id = "gradcheck-key";
  gcKey.append(span("Gradient check:", "title"), span("", "swatch gc-ok"), span("agrees (relative error < 10⁻⁶)"),
    span("", "swatch gc-warn"), span("< 10⁻³, dotted"), span("", "swatch gc-bad"), span("disagrees, dotted; rings: biases"));
  state.on("gradcheck", (result) => {
    if (result && !gcKey.isConnected) legend.appendChild(gcKey);
    else if (!result) gcKey.remove();
  });

  state.on("legend", renderLegend);
  for (const channel of ["pass", "network", "data", "sample"]) state.on(channel, render);
  state.on("training", () => {
    if (state.training) rate = { at: performance.now(), updates: state.counters ? state.counters.updates : 0, perSecond: null };
    renderHint();
  });
  state.on("counters", renderCounters);
  state.on("reset", () => { rate.perSecond = null; });
  renderLegend(null);
  return { render, renderHint, reset() { readout.replaceChildren(); legendKey = null; renderLegend(null); } };
}
