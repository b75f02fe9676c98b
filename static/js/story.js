// The XOR story: the perceptron rule on AND, OR and XOR (POST /api/perceptron), then a 2-2-1
// sigmoid network learning XOR with backprop (/api/networks/import, /train, one /forward on a grid
// for the hidden neurons' heatmaps).

import { createState } from "./state.js";
import { createNetworkView } from "./network-view.js";
import { divergingRGB } from "./layout.js";
import * as api from "./api.js";
import { svgEl } from "./dom.js";
import { fmt } from "./format.js";

const $ = (id) => document.getElementById(id);
const BOX = [-0.5, 1.5];
const TRAIN_EPOCHS = 2000;
const CHUNK = 250;
const GRID = 40;
// Random initial weights from this seed: with zeros (and integer updates) every line ran
// exactly through data points; with seed 19 no line of AND, OR or XOR comes within 0.11 of one.
const PERCEPTRON_SEED = 19;

function say(text) {
  $("message-text").textContent = text;
  $("message").hidden = !text;
}

/** An SVG element; coordinates rounded to 2 decimals (the drawing needs no more). */
const el = (name, attrs, parent) =>
  svgEl(name, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, typeof v === "number" ? v.toFixed(2) : v])), parent);

// --- Chapter 1: the perceptron ------------------------------------------------------------
let run = null;
const px = (v, size) => ((v - BOX[0]) / (BOX[1] - BOX[0])) * size;

function drawPlane(svg, inputs, targets, { line = null, wrong = [] } = {}) {
  const size = 260;
  svg.replaceChildren();
  for (const v of [0, 1]) {
    el("line", { x1: px(v, size), y1: 0, x2: px(v, size), y2: size, class: "grid" }, svg);
    el("line", { x1: 0, y1: size - px(v, size), x2: size, y2: size - px(v, size), class: "grid" }, svg);
  }
  el("text", { x: size - 22, y: size - px(0, size) - 4, class: "axis-label" }, svg).textContent = "x₁";
  el("text", { x: px(0, size) + 4, y: 12, class: "axis-label" }, svg).textContent = "x₂";
  if (line) {
    const [x1, y1, x2, y2] = line;
    el("line", { x1: px(x1, size), y1: size - px(y1, size), x2: px(x2, size), y2: size - px(y2, size), class: "line" }, svg);
  }
  inputs.forEach(([a, b], i) => {
    const cx = px(a, size);
    const cy = size - px(b, size);
    const p = el("circle", { cx, cy, r: 9, class: `point ${targets[i][0] ? "one" : "zero"}` }, svg);
    p.dataset.index = String(i);
    if (wrong.includes(i)) el("circle", { cx, cy, r: 15, class: "wrong" }, svg);
  });
}

function drawErrors(epochs) {
  const svg = $("perceptron-errors");
  svg.replaceChildren();
  const w = 420, h = 160, left = 28, bottom = 22;
  const n = epochs.length;
  const barW = (w - left - 6) / n;
  const yOf = (e) => h - bottom - (e / 4) * (h - bottom - 10);
  for (const e of [0, 2, 4]) {
    el("line", { x1: left, y1: yOf(e), x2: w - 4, y2: yOf(e), class: e === 0 ? "zero-line" : "grid" }, svg);
    el("text", { x: 8, y: yOf(e) + 4 }, svg).textContent = String(e);
  }
  epochs.forEach((ep, i) => {
    const bar = el("rect", { x: left + i * barW, y: yOf(ep.errors), width: Math.max(barW - (n < 60 ? 1 : 0), 0.3),
      height: yOf(0) - yOf(ep.errors), class: "bar" }, svg);
    bar.dataset.errors = String(ep.errors);
  });
  el("text", { x: left, y: h - 6 }, svg).textContent = "epoch 1";
  el("text", { x: w - 70, y: h - 6 }, svg).textContent = `epoch ${n}`;
  const least = Math.min(...epochs.map((e) => e.errors));
  svg.dataset.epochs = String(n);
  svg.dataset.minErrors = String(least);
  $("errors-caption").textContent = `Mistakes per epoch over ${n} epochs (fewest: ${least})`;
}

function showEpoch(i) {
  const ep = run.epochs[i - 1];
  drawPlane($("perceptron-plane"), run.inputs, run.targets, { line: ep.line, wrong: ep.misclassified });
  $("epoch-out").textContent = `${i}: w = (${fmt(ep.weights[0])}, ${fmt(ep.weights[1])}), b = ${fmt(ep.bias)}, `
    + `${ep.errors} mistake${ep.errors === 1 ? "" : "s"}`;
}

async function runPerceptron(dataset) {
  say("");
  run = await api.perceptron({ dataset, epochs: dataset === "xor" ? 1000 : 100, seed: PERCEPTRON_SEED });
  const summary = $("perceptron-summary");
  summary.textContent = run.summary;
  summary.dataset.outcome = run.converged_epoch !== null ? "converged" : run.cycle ? "cycles" : "running";
  summary.dataset.dataset = dataset;
  drawErrors(run.epochs);
  const slider = $("epoch");
  slider.max = String(run.epochs.length);
  slider.value = String(Math.min(run.epochs.length, dataset === "xor" ? 12 : run.epochs.length));
  showEpoch(Number(slider.value));
}

// --- Chapter 3: backprop ------------------------------------------------------------------
const state = createState();
const view = createNetworkView($("network"), state);
let net = null;
let data = null;
let costs = [];

function drawCost() {
  const svg = $("xor-cost-chart");
  svg.replaceChildren();
  const w = 420, h = 160, left = 36, bottom = 22;
  if (!costs.length) return;
  const top = Math.max(...costs);
  const xOf = (i) => left + (i / Math.max(1, TRAIN_EPOCHS - 1)) * (w - left - 8);
  const yOf = (c) => h - bottom - (c / top) * (h - bottom - 10);
  el("line", { x1: left, y1: h - bottom, x2: w - 4, y2: h - bottom, class: "axis" }, svg);
  el("text", { x: 2, y: yOf(top) + 4 }, svg).textContent = fmt(top, 2);
  el("text", { x: 14, y: h - bottom + 4 }, svg).textContent = "0";
  el("text", { x: w - 80, y: h - 6 }, svg).textContent = `epoch ${TRAIN_EPOCHS}`;
  const pts = costs.map((c, i) => `${xOf(i).toFixed(1)},${yOf(c).toFixed(1)}`).join(" ");
  el("polyline", { points: pts, class: "curve" }, svg);
}

function setCost(c, epochs) {
  const out = $("xor-cost");
  out.dataset.cost = String(c);
  out.dataset.epochs = String(epochs);
  out.textContent = `after ${epochs} epochs: cost ${fmt(c)}`;
}

async function buildNet() {
  say("");
  const doc = await api.getPreset("xor");
  const imported = await api.importNetwork(doc);
  net = imported.network;
  data = imported.data;
  costs = [];
  drawCost();
  state.network = net;
  state.data = data;
  $("backprop-plots").hidden = false;
  view.reset();
  view.render();
  const first = await api.forward(net.id, data.inputs, data.targets);
  setCost(first.cost, 0);
  $("train-net").disabled = false;
  await heatmaps();
}

async function trainNet() {
  $("train-net").disabled = true;
  $("build-net").disabled = true;
  try {
    while (costs.length < TRAIN_EPOCHS) {
      const res = await api.train(net.id, { ...data, epochs: CHUNK });
      costs.push(...res.costs);
      net = res.network;
      state.network = net;
      view.render();
      drawCost();
      setCost(costs[costs.length - 1], costs.length);
      await heatmaps();
      if (res.stopped) { say(res.stopped); break; }
    }
  } finally {
    $("build-net").disabled = false;
  }
}

/** One /forward call on a GRID x GRID lattice over the box: hidden a's and the output as images. */
async function heatmaps() {
  const points = [];
  for (let i = 0; i < GRID; i += 1) {
    const x2 = BOX[1] - ((i + 0.5) / GRID) * (BOX[1] - BOX[0]);
    for (let k = 0; k < GRID; k += 1) points.push([BOX[0] + ((k + 0.5) / GRID) * (BOX[1] - BOX[0]), x2]);
  }
  const res = await api.forward(net.id, points, null, { fields: ["a"] });
  const hidden = res.layers[1].a;
  const out = res.layers[2].a;
  const maps = [
    ["Hidden neuron 1: a₁⁽²⁾", hidden.map((r) => r[0]), "heat-h1"],
    ["Hidden neuron 2: a₂⁽²⁾", hidden.map((r) => r[1]), "heat-h2"],
    ["Output: a₁⁽³⁾", out.map((r) => r[0]), "heat-out"],
  ];
  const box = $("heatmaps");
  box.replaceChildren();
  for (const [title, values, id] of maps) {
    const fig = document.createElement("figure");
    fig.className = "plot";
    const canvas = document.createElement("canvas");
    canvas.width = 200;
    canvas.height = 200;
    canvas.id = id;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title);
    paint(canvas, values);
    const cap = document.createElement("figcaption");
    cap.textContent = title;
    fig.append(canvas, cap);
    box.appendChild(fig);
  }
  $("heatmap-text").hidden = false;
  // The same maps inside the hidden neurons of the drawing: what feature each one computes.
  view.setFeatures([null, ["heat-h1", "heat-h2"].map((id) => $(id).toDataURL())]);
}

function paint(canvas, values) {
  const ctx = canvas.getContext("2d");
  const cell = canvas.width / GRID;
  values.forEach((v, idx) => {
    const [r, g, b] = divergingRGB(v - 0.5, 0.5);  // 0.5 is white: orange towards 0, blue towards 1
    ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
    ctx.fillRect((idx % GRID) * cell, Math.floor(idx / GRID) * cell, Math.ceil(cell), Math.ceil(cell));
  });
  const toPx = (v) => ((v - BOX[0]) / (BOX[1] - BOX[0])) * canvas.width;
  data.inputs.forEach(([a, b], i) => {
    ctx.beginPath();
    ctx.arc(toPx(a), canvas.height - toPx(b), 6, 0, 2 * Math.PI);
    ctx.fillStyle = data.targets[i][0] ? "#2166ac" : "#fff";
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#111";
    ctx.stroke();
  });
}

// --- Wiring -----------------------------------------------------------------------------------
const guard = (fn) => (...args) => fn(...args).catch((err) => say(`Something went wrong: ${err.message}`));
for (const b of document.querySelectorAll("[data-dataset]")) {
  b.addEventListener("click", guard(() => runPerceptron(b.dataset.dataset)));
}
$("epoch").addEventListener("input", () => { if (run) showEpoch(Number($("epoch").value)); });
$("build-net").addEventListener("click", guard(buildNet));
$("train-net").addEventListener("click", guard(trainNet));

guard(async () => {
  await runPerceptron("and");
  document.body.dataset.ready = "true";
})();
