// The page's state in the URL (?network=ID plus the small settings) and, for what does not
// fit in a link (pasted data), in localStorage keyed by the network id. Every setting read
// back is checked against the API's limits (limits.js) before the page uses it.

import { rangeText, within } from "./limits.js";
import { MODES } from "./data.js";

const KEY = (id) => `backprop-lab:config:${id}`;
const FIELDS = { data: "dataset", n: "samples", noise: "noise", mode: "mode", batch: "batchSize", sample: "sample",
  test: "testShare", feat: "features", shuffle: "shuffle", view: "view" };
const PARAM = Object.fromEntries(Object.entries(FIELDS).map(([param, field]) => [field, param]));
const MAX_QUOTE = 24;   // a note quotes at most this much of a bad value

/** {network, config} from a query string: config holds the fields present, as the raw strings. */
export function readUrl(search = window.location.search) {
  const p = new URLSearchParams(search);
  const config = {};
  for (const [param, field] of Object.entries(FIELDS)) {
    const raw = p.get(param);
    if (raw !== null) config[field] = raw;
  }
  return { network: p.get("network"), config };
}

/**
 * Check every setting of `config` (the saved one with the link's on top) against the API's
 * `limits` (limitsFrom) and the `datasets` (GET /api/datasets: names and offered feature inputs);
 * a bad one falls back to `defaults`.
 * `raw` holds the link's own strings, quoted in the notes. Returns {config, notes}: notes are
 * short sentences for the page, one per setting that fell back. Pure.
 */
export function checkConfig(config, defaults, { limits, datasets, raw = {} }) {
  const names = datasets.map((d) => d.name);
  const out = { ...config };
  const notes = [];
  const reject = (field, why) => {
    const value = String(raw[field] ?? config[field]);
    const quoted = value.length > MAX_QUOTE ? `${value.slice(0, MAX_QUOTE)}…` : value;
    const where = field in raw ? `This link's ${PARAM[field]}=${quoted}` : `The saved ${PARAM[field]}=${quoted}`;
    const instead = defaults[field] === undefined ? "ignoring it" : `using ${PARAM[field]}=${defaults[field]}`;
    notes.push(`${where} ${why}; ${instead}.`);
    out[field] = defaults[field];
  };
  const number = (field, range, what) => {
    const text = String(out[field]).trim();
    const v = text === "" ? NaN : Number(text);
    if (within(v, range)) out[field] = v;
    else reject(field, `is not ${what} from ${rangeText(range)}`);
  };
  if (!names.includes(out.dataset) && out.dataset !== "custom") {
    reject("dataset", `names no data set here (${names.join(", ")})`);
  }
  number("samples", limits.samples, "a whole number of samples");
  number("noise", limits.noise, "a noise level");
  if (!MODES.includes(out.mode)) reject("mode", `is not one of ${MODES.join(", ")}`);
  number("batchSize", limits.batchSize, "a mini-batch size");
  number("sample", { min: 0, max: limits.samples.max - 1, integer: true }, "a sample number");
  number("testShare", limits.testShare, "a test share");
  checkFeatures(out, datasets, reject);
  const flag = String(out.shuffle);
  if (flag === "true" || flag === "false") out.shuffle = flag === "true";
  else reject("shuffle", "is not true or false");
  if (out.view !== undefined && out.view !== "projector") reject("view", "is not projector");
  return { config: out, notes };
}

/** The feature inputs (a list, or the link's comma list): distinct names the data set offers. */
function checkFeatures(out, datasets, reject) {
  const list = Array.isArray(out.features) ? out.features.map(String) : String(out.features).split(",");
  const info = datasets.find((d) => d.name === out.dataset);
  if (!info) { out.features = list; return; }   // pasted data: the features are not used
  const offered = info.features.map((f) => f.name);
  if (list.length === 0 || new Set(list).size !== list.length || !list.every((n) => offered.includes(n))) {
    reject("features", `is not a list of distinct feature inputs among ${offered.join(", ")}`);
  } else {
    out.features = list;
  }
}

export function writeUrl(networkId, config) {
  const p = new URLSearchParams();
  p.set("network", networkId);
  for (const [param, field] of Object.entries(FIELDS)) {
    if (config[field] !== undefined) p.set(param, String(config[field]));
  }
  window.history.replaceState(null, "", `${window.location.pathname}?${p}`);
}

export function saveConfig(networkId, config) {
  try {
    window.localStorage.setItem(KEY(networkId), JSON.stringify(config));
  } catch { /* storage full or disabled: the URL still holds the essentials */ }
}

export function loadConfig(networkId) {
  try {
    const raw = networkId && window.localStorage.getItem(KEY(networkId));
    return raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
}
