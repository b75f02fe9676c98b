// Opening the page: restore ?network=ID and the link's settings, or start fresh. Every setting
// is checked against the API's own limits (a bad one falls back to its default, with a note),
// and the page always ends with a working network: a linked network is kept, with data that
// fits it (a built-in set of its widths) or a request for such data.

import * as api from "./api.js";
import { limitsFrom } from "./limits.js";
import { parseCSV } from "./csv.js";
import { informativeSample, wantedData } from "./data.js";
import { checkConfig, loadConfig, readUrl } from "./url-state.js";
import { DEFAULT_ARCH } from "./controller.js";
import { projectorFromUrl } from "./projector.js";

/** notify(text, kind) shows a notice; askForData(nInputs, nTargets, text) opens the CSV box;
 * projector is the projector view's toggle (?view=projector). */
export async function boot(state, { ctl, controls, projector, notify, askForData }) {
  const [datasets, schema, rules] = await Promise.all([api.listDatasets(), api.schema(), api.rules()]);
  state.limits = limitsFrom(schema);
  state.rules = rules;   // the engine's pairing rules: the form refuses what the API refuses
  controls.setDatasets(datasets);
  const url = readUrl();
  const saved = loadConfig(url.network);
  const defaults = { ...state.config };
  const { config, notes } = checkConfig({ ...defaults, ...saved, ...url.config }, defaults,
    { limits: state.limits, datasets, raw: url.config });
  Object.assign(state.config, config);
  projector.set(projectorFromUrl());   // the address decides, never a stored setting

  let network = null;
  if (url.network) {
    try {
      network = await api.getNetwork(url.network);
    } catch (err) {
      if (!(err instanceof api.ApiError) || err.status !== 404) throw err;
      notes.push("The network in this link no longer exists (deleted, or evicted to make room); this is a fresh one.");
    }
  }

  let data = null;
  if (state.config.dataset === "custom") {
    try {
      data = { name: "custom", description: "your data", custom: true,
        ...parseCSV(saved.csv || "", saved.csvTargets || 1, state.limits) };
    } catch (err) {
      notes.push(saved.csv ? `The data pasted for this link is refused now: ${err.message}`
        : "The pasted data of this link is not stored in this browser.");
    }
  } else {
    data = await ctl.loadDataset(state.config);
  }

  if (network && !(data && ctl.fits(network, data))) {
    // The link's network is what its author wants shown: keep it, and find data of its widths.
    const sizes = network.layer_sizes;
    const [nIn, nOut] = [sizes[0], sizes[sizes.length - 1]];
    const match = datasets.find((d) => d.inputs === nIn && d.outputs === nOut);
    if (match) {
      Object.assign(state.config, { dataset: match.name, sample: 0, features: defaults.features });
      data = await ctl.loadDataset(state.config);
      notes.push(`This network takes ${nIn} inputs and gives ${nOut} output${nOut > 1 ? "s" : ""}: showing the data set “${match.name}”, which fits it.`);
    } else {
      Object.assign(state.config, { dataset: "custom", csvTargets: nOut, sample: 0 });
      data = null;
      askForData(nIn, nOut, wantedData(sizes));   // said in the CSV box and in the hint under the drawing
    }
  } else if (!data) {
    Object.assign(state.config, { dataset: defaults.dataset, sample: 0 });
    data = await ctl.loadDataset(state.config);
    notes.push(`Showing ${defaults.dataset} instead.`);
  }

  state.data = data;
  // A sample the link or the browser asked for is kept if it exists; else the page opens on
  // one with no zero input, so that the first derivation shows non-zero input-weight gradients.
  const asked = state.config.sample !== defaults.sample || "sample" in url.config || saved.sample !== undefined;
  if (data && asked && state.config.sample > data.inputs.length - 1) {
    notes.push(`There are ${data.inputs.length} samples: showing #1, not #${state.config.sample + 1}.`);
    state.config.sample = 0;
  } else if (data && !asked) {
    state.config.sample = informativeSample(data.inputs);
  }
  if (network) {
    ctl.showNetwork(network, { fresh: true });
    await ctl.refreshCost();
    await ctl.refreshSurface();
  } else {
    await ctl.createNetwork(DEFAULT_ARCH, { learning_rate: 1 });
  }
  if (notes.length) notify(notes.join(" "), "info");
  document.body.dataset.ready = "true";
}
