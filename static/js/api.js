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

let busyListener = () => {};
let pending = 0;
/** fn(isBusy) is told when calls start and all finish (the page shows progress). */
export function onBusy(fn) { busyListener = fn; }

async function call(method, path, body) {
  const init = { method, headers: { accept: "application/json" } };
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
  let data = null;
  try { data = await res.json(); } catch { /* not JSON: handled below */ }
  if (!res.ok) {
    const why = data && data.detail !== undefined ? explain(data.detail) : res.statusText;
    throw new ApiError(why, res.status);
  }
  return data;
}

export const listDatasets = () => call("GET", "/api/datasets");
export const getDataset = (name, { samples, noise, seed }) =>
  call("GET", `/api/datasets/${encodeURIComponent(name)}?samples=${samples}&noise=${noise}&seed=${seed}`);
export const createNetwork = (body) => call("POST", "/api/networks", body);
export const getNetwork = (id) => call("GET", `/api/networks/${encodeURIComponent(id)}`);
export const patchNetwork = (id, body) => call("PATCH", `/api/networks/${encodeURIComponent(id)}`, body);
export const forward = (id, inputs, targets) =>
  call("POST", `/api/networks/${encodeURIComponent(id)}/forward`, targets ? { inputs, targets } : { inputs });
export const backward = (id, inputs, targets) =>
  call("POST", `/api/networks/${encodeURIComponent(id)}/backward`, { inputs, targets });
export const step = (id, inputs, targets) =>
  call("POST", `/api/networks/${encodeURIComponent(id)}/step`, { inputs, targets });
export const train = (id, body) => call("POST", `/api/networks/${encodeURIComponent(id)}/train`, body);
export const gradientCheck = (id, inputs, targets) =>
  call("POST", `/api/networks/${encodeURIComponent(id)}/gradient-check`, { inputs, targets });
