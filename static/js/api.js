// One async function per endpoint and one error type whose message is plain words.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function explain(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const where = (d.loc || []).filter((p) => p !== "body").join(" → ");
      return where ? `${where}: ${d.msg}` : d.msg;
    }).join("; ");
  }
  return "the server gave no reason";
}

const MAX_MESSAGE = 300;   // a reason longer than this is cut: a message is read, not scrolled
export const short = (text) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);

let busyListener = () => {};
let pending = 0;
/** fn(isBusy) is told when calls start and all finish (the page shows progress). */
export function onBusy(fn) { busyListener = fn; }

/** as: "json" (the default) or "text" (a worksheet: Markdown, LaTeX or HTML); errors are JSON either way. */
async function call(method, path, body, as = "json") {
  const init = { method, headers: { accept: as === "json" ? "application/json" : "*/*" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  pending += 1;
  busyListener(true);
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError("The server cannot be reached. Is it still running?", 0);
  } finally {
    pending -= 1;
    if (pending === 0) busyListener(false);
  }
  if (res.status === 204) return null;
  if (as === "text" && res.ok) return res.text();
  let data = null;
  try { data = await res.json(); } catch { /* not JSON: handled below */ }
  if (!res.ok) {
    const why = data && data.detail !== undefined ? explain(data.detail) : res.statusText;
    throw new ApiError(short(why), res.status);
  }
  return data;
}

const net = (id, tail = "") => `/api/networks/${encodeURIComponent(id)}${tail}`;

export const listDatasets = () => call("GET", "/api/datasets");
/** features: input column names (default x1, x2); testShare: the share held out as test_* rows. */
export const getDataset = (name, { samples, noise, seed, features, testShare }) => {
  const q = new URLSearchParams({ samples, noise, seed, test_share: testShare || 0 });
  for (const f of features || []) q.append("features", f);
  return call("GET", `/api/datasets/${encodeURIComponent(name)}?${q}`);
};
/** The feature columns of 2-D points (the decision surface's grid). */
export const features = (points, names) => call("POST", "/api/features", { points, features: names });
/** The OpenAPI document: the page reads the API's limits from it (limits.js). */
export const schema = () => call("GET", "/openapi.json");
/** The engine's activations, losses, pairing rules and output widths (the form's checks). */
export const rules = () => call("GET", "/api/rules");
export const createNetwork = (body) => call("POST", "/api/networks", body);
export const getNetwork = (id) => call("GET", net(id));
export const patchNetwork = (id, body) => call("PATCH", net(id), body);
export const importNetwork = (doc) => call("POST", "/api/networks/import", doc);
/** fields: a subset of "a", "z", "g_prime", "delta" (the answer then holds only those keys). */
export const forward = (id, inputs, targets, { fields } = {}) =>
  call("POST", net(id, "/forward"), { inputs, ...(targets ? { targets } : {}), ...(fields ? { fields } : {}) });
export const backward = (id, inputs, targets) => call("POST", net(id, "/backward"), { inputs, targets });
export const step = (id, inputs, targets) => call("POST", net(id, "/step"), { inputs, targets });
/** body: inputs, targets, shown, and {layer, neuron, from?}, weights and biases as /explain documents them. */
export const explainPass = (id, body) => call("POST", net(id, "/explain"), body);
export const train = (id, body) => call("POST", net(id, "/train"), body);
/** costs: recent per-epoch costs (the plateau check); answers {findings, plateau}. */
export const diagnose = (id, inputs, targets, costs) =>
  call("POST", net(id, "/diagnose"), { inputs, targets, ...(costs && costs.length ? { costs } : {}) });
export const gradientCheck = (id, inputs, targets) => call("POST", net(id, "/gradient-check"), { inputs, targets });
export const listPresets = () => call("GET", "/api/presets");
export const getPreset = (name) => call("GET", `/api/presets/${encodeURIComponent(name)}`);
export const quizKinds = () => call("GET", "/api/quizzes/kinds");
export const newQuiz = (body) => call("POST", "/api/quizzes", body);
export const getQuiz = (id) => call("GET", `/api/quizzes/${encodeURIComponent(id)}`);
export const answerQuiz = (id, value) => call("POST", `/api/quizzes/${encodeURIComponent(id)}/answer`, { value });
export const perceptron = (body) => call("POST", "/api/perceptron", body);
/** body: {inputs: [x], targets: [y], format: "markdown" | "latex" | "html", blanks, seed}; answers the text. */
export const worksheet = (id, body) => call("POST", net(id, "/worksheet"), body, "text");
