// The page's state in the URL (?network=ID plus the small settings) and, for what does not
// fit in a link (pasted data), in localStorage keyed by the network id.

const KEY = (id) => `backprop-lab:config:${id}`;
const FIELDS = { data: "dataset", n: "samples", noise: "noise", mode: "mode", batch: "batchSize", sample: "sample",
  test: "testShare", feat: "features", shuffle: "shuffle", view: "view" };
const NUMERIC = new Set(["samples", "noise", "batchSize", "sample", "testShare"]);
const LISTS = new Set(["features"]);   // comma-separated in the link
const BOOLEAN = new Set(["shuffle"]);

/** {network, config} from the current URL (config holds only the fields present). */
export function readUrl() {
  const p = new URLSearchParams(window.location.search);
  const config = {};
  for (const [param, field] of Object.entries(FIELDS)) {
    const raw = p.get(param);
    if (raw === null) continue;
    if (NUMERIC.has(field)) {
      const v = Number(raw);
      if (Number.isFinite(v) && v >= 0) config[field] = v;
    } else if (LISTS.has(field)) {
      config[field] = raw.split(",").filter(Boolean);
    } else if (BOOLEAN.has(field)) {
      config[field] = raw !== "false";
    } else {
      config[field] = raw;
    }
  }
  return { network: p.get("network"), config };
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
