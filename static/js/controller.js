// What the buttons and the form do: API calls, then state changes the views draw.
// Every number that reaches the page comes from an API response.

import * as api from "./api.js";
import { batchFor, trainBatchSize } from "./data.js";
import { saveConfig, writeUrl } from "./url-state.js";

const SURFACE_EVERY_MS = 600;   // while training, the decision surface follows at most this often
const GRID_CHUNK = 300;   // grid points per /forward call: each reply parses in a few ms, not one long task

export const DEFAULT_ARCH = { hidden: [4], hidden_activation: "sigmoid", output_activation: "sigmoid", loss: "mse" };

export function createController(state, views) {
  const { network: view, animator, surface, costChart, readout, controls, tooltip } = views;
  let surfaceAt = 0;

  const notify = (text, kind = "error") => state.emit("message", { text, kind });

  function persist() {
    if (!state.network) return;
    writeUrl(state.network.id, state.config);
    saveConfig(state.network.id, state.config);
  }

  /** The inputs and targets of the current batch and where the shown sample sits. */
  function currentBatch() {
    const { rows, shown } = batchFor(state.data.inputs.length, state.config);
    return { rows, shown, inputs: rows.map((i) => state.data.inputs[i]), targets: rows.map((i) => state.data.targets[i]) };
  }

  function setPass(kind, result, batch) {
    state.pass = { kind, result, batch, shown: batch.shown };
    state.emit("pass", state.pass);
  }

  async function loadDataset(config) {
    const data = await api.getDataset(config.dataset, { samples: config.samples, noise: config.noise, seed: config.seed });
    return { ...data, fixed: data.inputs.length !== config.samples, custom: false };
  }

  /** The cost of the whole data set now, as one point of the cost chart. */
  async function refreshCost() {
    const res = await api.forward(state.network.id, state.data.inputs, state.data.targets);
    const last = state.history[state.history.length - 1];
    if (!last || last.x !== state.network.steps) state.history.push({ x: state.network.steps, cost: res.cost });
    costChart.render();
  }

  /** One /forward call on a grid over the 2-D input plane: decision surface + hidden features. */
  async function refreshSurface() {
    if (!surface.applies()) { surface.reset(); view.setFeatures(null); return; }
    const grid = surface.grid();
    const id = state.network.id;
    const layers = state.network.layer_sizes.map(() => ({ a: [] }));   // only a is drawn
    for (let i = 0; i < grid.points.length; i += GRID_CHUNK) {
      const part = await api.forward(id, grid.points.slice(i, i + GRID_CHUNK));
      part.layers.forEach((layer, l) => { for (const row of layer.a) layers[l].a.push(row); });
    }
    if (!state.network || state.network.id !== id) return;   // replaced meanwhile: its own refresh follows
    view.setFeatures(surface.render(grid, { layers }));
    surfaceAt = performance.now();
  }

  /** Recompute the shown pass with the current weights (no animation). */
  async function recompute() {
    if (!state.pass) { readout.render(); return; }
    const batch = currentBatch();
    if (state.pass.kind === "forward") {
      setPass("forward", await api.forward(state.network.id, batch.inputs, batch.targets), batch);
    } else {
      setPass("backward", await api.backward(state.network.id, batch.inputs, batch.targets), batch);
    }
    view.showPass();
    tooltip.render();
  }

  function showNetwork(network, { fresh }) {
    state.network = network;
    if (fresh) {
      state.pass = null;
      state.history = [];
      animator.cancel();
      view.reset();
    }
    state.emit("network", network);
    view.render();
    if (fresh) view.showPass();
    controls.render();
    readout.render();
    costChart.render();
    persist();
  }

  async function createNetwork(arch, { seed, learning_rate, l2 } = {}) {
    const net = state.network;
    const body = {
      layer_sizes: [state.data.inputs[0].length, ...arch.hidden, state.data.targets[0].length],
      hidden_activation: arch.hidden_activation, output_activation: arch.output_activation, loss: arch.loss,
      learning_rate: learning_rate ?? (net ? net.learning_rate : 1), l2: l2 ?? (net ? net.l2 : 0),
    };
    if (seed !== undefined) body.seed = seed;
    showNetwork(await api.createNetwork(body), { fresh: true });
    await refreshCost();
    await refreshSurface();
  }

  /** The network fits the data: as many inputs and outputs as the data has columns. */
  const fits = (net, data) => net.layer_sizes[0] === data.inputs[0].length
    && net.layer_sizes[net.layer_sizes.length - 1] === data.targets[0].length;

  async function useData(data) {
    state.data = data;
    state.config.sample = Math.min(state.config.sample, data.inputs.length - 1);
    state.emit("data", data);
    if (!state.network || !fits(state.network, data)) {
      const arch = state.network ? { ...controls.architecture() } : { ...DEFAULT_ARCH };
      if (arch.output_activation === "softmax" && data.targets[0].length < 2) {
        Object.assign(arch, { output_activation: "sigmoid", loss: "mse" });
      }
      await createNetwork(arch);
      return;
    }
    state.pass = null;
    state.history = [];
    view.showPass();
    view.render();
    controls.render();
    readout.render();
    persist();
    await refreshCost();
    await refreshSurface();
  }

  async function forward() {
    const batch = currentBatch();
    setPass("forward", await api.forward(state.network.id, batch.inputs, batch.targets), batch);
    view.showPass({ paintAll: false });
    readout.render();
    await animator.forward(state.network.layer_sizes.length);
    tooltip.render();
  }

  async function backward() {
    const batch = currentBatch();
    setPass("backward", await api.backward(state.network.id, batch.inputs, batch.targets), batch);
    view.showPass({ paintAll: false });
    readout.render();
    await animator.backward(state.network.layer_sizes.length);
    tooltip.render();
  }

  async function step() {
    const batch = currentBatch();
    const before = state.network.weights;
    const res = await api.step(state.network.id, batch.inputs, batch.targets);
    setPass("step", res, batch);
    state.network = res.network;
    state.emit("network", res.network);
    view.showPass();
    readout.render();
    const done = animator.step(before, res.network.weights, () => view.render());
    await refreshCost();
    await refreshSurface();
    await done;
    tooltip.render();
  }

  async function editWeight(edge, value) {
    const weights = state.network.weights.map((m) => m.map((r) => r.slice()));
    weights[edge.layer - 1][edge.to][edge.from] = value;
    showNetwork(await api.patchNetwork(state.network.id, { weights }), { fresh: false });
    await recompute();
    await refreshCost();
    await refreshSurface();
  }

  async function setHyper(fields) {
    showNetwork(await api.patchNetwork(state.network.id, fields), { fresh: false });
    await recompute();
    if ("l2" in fields) {   // the cost includes the L2 term: the chart starts again
      state.history = [];
      await refreshCost();
    }
  }

  /** One chunk of training; returns false when training must stop. */
  async function trainChunk(epochs) {
    const before = state.network.steps;
    const res = await api.train(state.network.id, {
      inputs: state.data.inputs, targets: state.data.targets, epochs,
      batch_size: trainBatchSize(state.data.inputs.length, state.config),
    });
    const per = res.costs.length ? (res.network.steps - before) / res.costs.length : 0;
    res.costs.forEach((cost, e) => state.history.push({ x: Math.round(before + (e + 1) * per), cost }));
    if (state.history.length > 20000) state.history = state.history.filter((_, i) => i % 2 === 0);
    // Fetch the shown pass first, then change the drawing once: one repaint per chunk.
    const batch = currentBatch();
    const pass = await api.forward(res.network.id, batch.inputs, batch.targets);
    state.network = res.network;
    state.emit("network", res.network);
    view.render();
    costChart.render();
    setPass("forward", pass, batch);
    view.showPass();
    tooltip.render();
    readout.render();
    if (performance.now() - surfaceAt > SURFACE_EVERY_MS) await refreshSurface();
    if (res.stopped) { notify(`Training stopped: ${res.stopped}`); return false; }
    return res.costs.length === epochs;
  }

  return {
    currentBatch, createNetwork, useData, loadDataset, refreshCost, refreshSurface, recompute,
    forward, backward, step, editWeight, setHyper, trainChunk, persist, showNetwork, fits, notify,
  };
}
