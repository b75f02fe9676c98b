// What the buttons and the form do: API calls, then state changes announced on the state's
// channels (views subscribe to them; the controller never draws). Every number that reaches
// the page comes from an API response.

import * as api from "./api.js";
import { batchFor, drawnPoints, hasTest, plainFeatures, trainBatchSize, wantedData } from "./data.js";
import { surfaceGrid } from "./layout.js";
import { saveConfig, writeUrl } from "./url-state.js";

const SURFACE_EVERY_MS = 600;   // while training, the decision surface follows at most this often
const GRID_CHUNK = 300;   // grid points per /forward call: each reply parses in a few ms, not one long task
const MAX_HISTORY = 20000;
const DIAGNOSE_COSTS = 200;   // the recent costs /diagnose looks at for a plateau

export const DEFAULT_ARCH = { hidden: [4], hidden_activation: "sigmoid", output_activation: "sigmoid", loss: "mse" };

/** An action that cannot run yet, and why: shown as it is, not as a failure. */
export class Notice extends Error {}

export function createController(state, { animator, architecture }) {
  let surfaceAt = 0;
  let gridInputs = { key: "", inputs: null };   // the surface grid's feature columns, from /api/features

  const notify = (text, kind = "error") => state.emit("message", { text, kind });

  function persist() {
    if (!state.network) return;
    writeUrl(state.network.id, state.config);
    saveConfig(state.network.id, state.config);
  }

  /** A linked network whose widths no built-in data set has waits for pasted data. */
  function requireData() {
    if (!state.data) throw new Notice(wantedData(state.network.layer_sizes));
  }

  /** The inputs and targets of the current batch and where the shown sample sits. */
  function currentBatch() {
    requireData();
    const { rows, shown } = batchFor(state.data.inputs.length, state.config);
    return { rows, shown, inputs: rows.map((i) => state.data.inputs[i]), targets: rows.map((i) => state.data.targets[i]) };
  }

  /** animate: the animator paints the layers one by one (the views only take the numbers). */
  /** A pass arrived; after Backward or Step, with the API's batch-level explanation (the
   * vanishing-gradient warning). net: the network it was computed with (before a Step). */
  async function setPass(kind, result, batch, { animate = false } = {}) {
    const pass = result ? { kind, result, batch, shown: batch.shown, animate, net: state.network } : null;
    if (pass && kind !== "forward") pass.explain = await explain(pass);
    state.pass = pass;
    state.emit("pass", state.pass);
  }

  /** /explain for a pass: ref = {layer, neuron, from?} of a selection, or none (the batch's numbers). */
  function explain(pass, ref = {}) {
    const { batch, net } = pass;
    return api.explainPass(net.id, { inputs: batch.inputs, targets: batch.targets, shown: pass.shown, ...ref,
      // a Step's pass was computed with the weights before it; the stored ones have moved since
      ...(pass.kind === "step" ? { weights: net.weights, biases: net.biases } : {}) });
  }

  function setNetwork(network) {
    state.network = network;
    state.emit("network", network);
  }

  /** Counters of what was done to this network: epochs trained and updates stored (the API's steps). */
  function count({ epochs = 0 } = {}) {
    state.counters = { epochs: (state.counters ? state.counters.epochs : 0) + epochs, updates: state.network.steps };
    state.emit("counters", state.counters);
  }

  async function loadDataset(config) {
    const data = await api.getDataset(config.dataset, { samples: config.samples, noise: config.noise, seed: config.seed,
      features: config.features, testShare: config.testShare });
    return { ...data, fixed: data.inputs.length + data.test_inputs.length !== config.samples, custom: false };
  }

  /** The cost of the training set now (and of the test set, if any), as one point of the cost chart. */
  async function refreshCost() {
    if (!state.data) return;
    const { data, network } = state;
    const cost = async (inputs, targets) => (await api.forward(network.id, inputs, targets, { fields: [] })).cost;   // the cost only
    const point = { x: network.steps, cost: await cost(data.inputs, data.targets) };
    if (hasTest(data)) point.testCost = await cost(data.test_inputs, data.test_targets);
    const last = state.history[state.history.length - 1];
    if (!last || last.x !== network.steps) state.history.push(point);
    state.emit("history", state.history);
  }

  /** The grid's rows as network inputs: the points themselves, or their feature columns (asked once per grid). */
  async function gridAsInputs(grid) {
    const names = state.data.features;
    if (plainFeatures(names)) return grid.points;
    const key = `${names.join(",")}@${JSON.stringify(grid.box)}`;
    if (gridInputs.key !== key) gridInputs = { key, inputs: (await api.features(grid.points, names)).inputs };
    return gridInputs.inputs;
  }

  /** One /forward call on a grid over the 2-D input plane: decision surface + hidden features. */
  async function refreshSurface() {
    const grid = state.data && surfaceGrid(drawnPoints(state.data));
    if (!grid) { state.emit("surface", null); return; }
    const id = state.network.id;
    const rows = await gridAsInputs(grid);
    const layers = state.network.layer_sizes.map(() => ({ a: [] }));   // only a is drawn
    for (let i = 0; i < rows.length; i += GRID_CHUNK) {
      const part = await api.forward(id, rows.slice(i, i + GRID_CHUNK), null, { fields: ["a"] });
      part.layers.forEach((layer, l) => { if (layer.a) for (const row of layer.a) layers[l].a.push(row); });
    }
    if (!state.network || state.network.id !== id) return;   // replaced meanwhile: its own refresh follows
    state.emit("surface", { grid, layers });
    surfaceAt = performance.now();
  }

  /** Recompute the shown pass with the current weights (no animation). */
  async function recompute() {
    if (!state.pass) { state.emit("pass", null); return; }
    const batch = currentBatch();
    if (state.pass.kind === "forward") {
      await setPass("forward", await api.forward(state.network.id, batch.inputs, batch.targets), batch);
    } else {
      await setPass("backward", await api.backward(state.network.id, batch.inputs, batch.targets), batch);
    }
  }

  /** A network to show; fresh: a new one (no pass, no history, counters from zero). */
  function showNetwork(network, { fresh }) {
    if (fresh) {
      animator.cancel();
      state.pass = null;
      state.history = [];
      state.counters = { epochs: 0, updates: network.steps };
      state.emit("reset");
    }
    setNetwork(network);
    if (fresh) {
      state.emit("pass", null);
      state.emit("history", state.history);
      state.emit("counters", state.counters);
    }
    persist();
  }

  async function createNetwork(arch, { seed, learning_rate, l2 } = {}) {
    const net = state.network;
    // the data's widths; without data (a linked network waiting for it), the network's
    const [nIn, nOut] = state.data ? [state.data.inputs[0].length, state.data.targets[0].length]
      : [net.layer_sizes[0], net.layer_sizes[net.layer_sizes.length - 1]];
    const body = {
      layer_sizes: [nIn, ...arch.hidden, nOut],
      hidden_activation: arch.hidden_activation, output_activation: arch.output_activation, loss: arch.loss,
      learning_rate: learning_rate ?? (net ? net.learning_rate : 1), l2: l2 ?? (net ? net.l2 : 0),
      // the textbook conventions stay as chosen when the network is rebuilt
      batch_reduction: net ? net.batch_reduction : "mean", l2_biases: net ? net.l2_biases : false,
    };
    if (seed !== undefined) body.seed = seed;
    showNetwork(await api.createNetwork(body), { fresh: true });
    await refreshCost();
    await refreshSurface();
  }

  /** The network fits the data: as many inputs and outputs as the data has columns. */
  const fits = (net, data) => net.layer_sizes[0] === data.inputs[0].length
    && net.layer_sizes[net.layer_sizes.length - 1] === data.targets[0].length;

  /** The output a task needs: regression sets a linear output and squared error, and back. */
  function outputFor(arch, data, previous) {
    const squared = arch.loss === "sse" ? "sse" : "mse";
    if (data.task === "regression" && arch.output_activation !== "linear") return { output_activation: "linear", loss: squared };
    if (data.task !== "regression" && previous && previous.task === "regression" && arch.output_activation === "linear") {
      return { output_activation: "sigmoid", loss: squared };
    }
    if (arch.output_activation === "softmax" && data.targets[0].length < 2) return { output_activation: "sigmoid", loss: "mse" };
    return null;
  }

  async function useData(data) {
    const previous = state.data;
    state.data = data;
    state.config.sample = Math.min(state.config.sample, data.inputs.length - 1);
    state.emit("data", data);
    const arch = state.network ? { ...architecture() } : { ...DEFAULT_ARCH };
    const output = outputFor(arch, data, previous);
    if (!state.network || !fits(state.network, data) || output) {
      await createNetwork({ ...arch, ...output });
      if (output && output.output_activation === "linear") {
        notify("A regression set: the output is now linear with squared error, and the surface shows its value.", "info");
      }
      return;
    }
    state.history = [];
    await setPass(null, null);
    setNetwork(state.network);
    persist();
    await refreshCost();
    await refreshSurface();
  }

  async function selectSample(i) {
    state.config.sample = i;
    persist();
    state.emit("sample", i);
    await recompute();
  }

  async function forward() {
    const batch = currentBatch();
    await setPass("forward", await api.forward(state.network.id, batch.inputs, batch.targets), batch, { animate: true });
    await animator.forward(state.network.layer_sizes.length);
  }

  async function backward() {
    const batch = currentBatch();
    await setPass("backward", await api.backward(state.network.id, batch.inputs, batch.targets), batch, { animate: true });
    await animator.backward(state.network.layer_sizes.length);
  }

  async function step() {
    const batch = currentBatch();
    const res = await api.step(state.network.id, batch.inputs, batch.targets);
    await setPass("step", res, batch);   // the pass's numbers are those of the network before the update
    setNetwork(res.network);
    count();
    await refreshCost();
    await refreshSurface();
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
    if ("l2" in fields || "batch_reduction" in fields || "l2_biases" in fields) {   // the cost's formula changed: the chart starts again
      state.history = [];
      await refreshCost();
    }
  }

  /** One chunk of training; returns false when training must stop. */
  async function trainChunk(epochs) {
    requireData();
    const before = state.network.steps;
    const { data, config } = state;
    const res = await api.train(state.network.id, {
      inputs: data.inputs, targets: data.targets, epochs,
      batch_size: trainBatchSize(data.inputs.length, config), shuffle: config.shuffle !== false,
      ...(hasTest(data) ? { test_inputs: data.test_inputs, test_targets: data.test_targets } : {}),
    });
    // What was done: the API's own count when it gives one, else one epoch per cost returned.
    const done = Number.isInteger(res.epochs_done) ? res.epochs_done : res.costs.length;
    const per = res.costs.length ? (res.network.steps - before) / res.costs.length : 0;
    res.costs.forEach((cost, e) => {
      const point = { x: Math.round(before + (e + 1) * per), cost };
      if (res.test_costs) point.testCost = res.test_costs[e];
      state.history.push(point);
    });
    if (state.history.length > MAX_HISTORY) state.history = state.history.filter((_, i) => i % 2 === 0);
    // Fetch the shown pass first, then change the drawing once: one repaint per chunk.
    const batch = currentBatch();
    const pass = await api.forward(res.network.id, batch.inputs, batch.targets);
    setNetwork(res.network);
    count({ epochs: done });
    state.emit("history", state.history);
    await setPass("forward", pass, batch);
    if (res.stopped) {
      const why = res.stopped.replace(/\.?\s*$/, ".");
      notify(`Training stopped: ${why} The network shown is the last good one (after update ${res.network.steps}); `
        + "Forward, Backward and Step work on it.");
      await refreshSurface();
      return false;
    }
    if (performance.now() - surfaceAt > SURFACE_EVERY_MS) await refreshSurface();
    return done === epochs;
  }

  /** Ask /diagnose about the training data, with the recent costs for the plateau check.
   * auto (while training): the findings are shown only when the cost has stopped falling. */
  async function diagnose({ auto = false } = {}) {
    const costs = state.history.slice(-DIAGNOSE_COSTS).map((p) => p.cost);
    const res = await api.diagnose(state.network.id, state.data.inputs, state.data.targets, costs);
    if (auto && !res.plateau) return res;
    state.set("findings", { findings: { ...res, steps: state.network.steps } });
    return res;
  }

  return {
    diagnose,
    currentBatch, createNetwork, useData, loadDataset, refreshCost, refreshSurface, recompute, selectSample,
    forward, backward, step, explain, editWeight, setHyper, trainChunk, persist, showNetwork, fits, notify,
  };
}
