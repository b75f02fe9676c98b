// Save, load and presets on the main page: Download JSON, Load JSON (validated by the server's
// POST /api/networks/import), and a preset picker. Owns the toolbar's #toolbar-extra slot.
// A loaded network opens as ?network=NEW_ID with its data kept in this browser, as the page
// restores any link.

import { saveConfig } from "./url-state.js";
import * as api from "./api.js";
import { h } from "./dom.js";
import { pretty } from "./format.js";

export const FORMAT = "backprop-lab/1";
const FIXED = new Set(["xor", "and", "or"]);   // datasets that are one fixed table
const MAX_FILE_BYTES = 4_000_000;
const NOTICE = "backprop-lab:notice";   // said once on the page the load opens

/** The save file of the page's current network, data and settings. */
export function saveDocument(network, data, config) {
  const { dataset, samples, noise, seed, mode, batchSize, sample } = config;
  return {
    format: FORMAT,
    network,
    data: { inputs: data.inputs, targets: data.targets },
    settings: { dataset, samples, noise, seed, mode, batchSize, sample },
  };
}

/** Check what the server cannot see (it is not JSON, or not our format) before sending it. */
export function parseSaveFile(text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`This file is not JSON (${err.message}).`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error("This file holds no JSON object.");
  if (doc.format !== FORMAT) throw new Error(`This is not a Backprop Lab save file: "format" must be "${FORMAT}".`);
  return doc;
}

/** Where the page keeps a loaded network's data: its config in localStorage, as for pasted CSV. */
function configFor(imported) {
  const s = imported.settings || {};
  const data = imported.data;
  const config = { sample: 0, mode: "full", batchSize: 8 };
  for (const key of ["mode", "batchSize", "sample"]) if (s[key] !== undefined && s[key] !== null) config[key] = s[key];
  if (data && FIXED.has(s.dataset) && data.inputs.length === 4) return { ...config, dataset: s.dataset };
  if (!data) return { ...config, dataset: FIXED.has(s.dataset) ? s.dataset : "xor" };
  const csv = data.inputs.map((x, i) => [...x, ...data.targets[i]].join(",")).join("\n");
  config.sample = Math.min(Number(config.sample) || 0, data.inputs.length - 1);
  return { ...config, dataset: "custom", csv, csvTargets: data.targets[0].length };
}

/**
 * Buttons in `container`; state is the page's state (network, data, config).
 * message(text, kind) shows a notice; go(url) opens the loaded network (a page load).
 */
export function createPresets(container, state, { message, go = (url) => window.location.assign(url) }) {
  const box = h("div", { class: "saveload", role: "group", "aria-label": "Save and load" }, "", container);
  const download = h("button", { type: "button", id: "btn-download", title: "Download the network, data and settings as JSON" }, "Download JSON", box);
  const loadLabel = h("label", { class: "button-like", for: "load-file" }, "Load JSON…", box);
  const file = h("input", { type: "file", id: "load-file", accept: "application/json,.json", class: "visually-hidden" }, "", box);
  const picker = h("select", { id: "preset", "aria-label": "Presets" }, "", box);
  h("option", { value: "" }, "Presets…", picker);
  loadLabel.tabIndex = 0;
  loadLabel.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); file.click(); } });

  async function open(doc, what) {
    const sizes = doc.network && doc.network.layer_sizes;
    if (!doc.data && Array.isArray(sizes) && !(sizes[0] === 2 && sizes[sizes.length - 1] === 1)) {
      throw new Error("this file has no \"data\" (inputs and targets), and its network does not fit the "
        + "page's default XOR data: add the data it was trained on");
    }
    const imported = await api.importNetwork(doc);
    saveConfig(imported.network.id, configFor(imported));
    const notice = `Loaded ${what}.${doc.description ? " " + pretty(doc.description) : ""}`;
    try { sessionStorage.setItem(NOTICE, notice); } catch { /* no storage: the notice is skipped */ }
    message(notice, "info");
    go(`/?network=${encodeURIComponent(imported.network.id)}`);
    return imported;
  }

  download.addEventListener("click", async () => {
    try {
      if (!state.network || !state.data) throw new Error("there is no network yet");
      const network = await api.getNetwork(state.network.id);
      const doc = saveDocument(network, state.data, state.config);
      const blob = new Blob([JSON.stringify(doc, null, 1)], { type: "application/json" });
      const a = h("a", { href: URL.createObjectURL(blob), download: `backprop-lab-${network.layer_sizes.join("-")}.json` }, "", document.body);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } catch (err) {
      message(`Could not download: ${err.message}`);
    }
  });

  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    file.value = "";
    if (!f) return;
    try {
      if (f.size > MAX_FILE_BYTES) throw new Error(`the file has ${f.size} bytes; at most ${MAX_FILE_BYTES}`);
      await open(parseSaveFile(await f.text()), `“${f.name}”`);
    } catch (err) {
      message(`Could not load ${f.name}: ${err.message}`);
    }
  });

  picker.addEventListener("change", async () => {
    const name = picker.value;
    picker.value = "";
    if (!name) return;
    try {
      const doc = await api.getPreset(name);
      await open(doc, `the preset “${doc.title || name}”`);
    } catch (err) {
      message(`Could not load the preset: ${err.message}`);
    }
  });

  try {
    const notice = sessionStorage.getItem(NOTICE);
    sessionStorage.removeItem(NOTICE);
    if (notice) message(notice, "info");
  } catch { /* no storage */ }

  api.listPresets().then((list) => {
    for (const p of list) {
      const o = h("option", { value: p.name, title: p.description }, p.title, picker);
      o.dataset.sizes = p.layer_sizes.join("-");
    }
  }).catch(() => { picker.disabled = true; });

  return { render() {}, reset() {}, open };
}
