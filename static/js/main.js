// Wiring only: create the state and the views, connect buttons, form and keys, boot.

import * as api from "./api.js";
import { createState } from "./state.js";
import { createNetworkView } from "./network-view.js";
import { createAnimator, SPEED_NAMES } from "./animator.js";
import { createTooltip } from "./tooltip.js";
import { createEdgeEditor } from "./edge-editor.js";
import { createCostChart } from "./cost-chart.js";
import { createSurface } from "./surface.js";
import { createReadout } from "./readout.js";
import { createUpdateView } from "./update-view.js";
import { createControls } from "./controls.js";
import { createController, Notice } from "./controller.js";
import { informativeSample } from "./data.js";
import { boot } from "./boot.js";
import { createPresets } from "./presets.js";
import { createInspector } from "./inspector.js";
import { createMatrixView } from "./matrix-view.js";
import { createDiagnostics } from "./diagnostics.js";
import { createFindings } from "./findings.js";
import { createWorksheetButton } from "./worksheet.js";
import { createProjector } from "./projector.js";
import { createPresenter } from "./presenter.js";

const $ = (id) => document.getElementById(id);
const state = createState();
const buttons = [...document.querySelectorAll("#toolbar .buttons button")];
const speed = $("speed");
const trainButton = $("btn-train");

const view = createNetworkView($("network"), state);
// In the projector view the presenter stops each pass after every layer (Space / arrow keys).
const animator = createPresenter(createAnimator(view, () => Number(speed.value)), view, state,
  { bar: $("formula-bar"), svg: $("network") });
const editor = createEdgeEditor($("edge-editor"), state, { onSubmit: (edge, v) => run(() => ctl.editWeight(edge, v)) });
createTooltip($("tooltip"), $("network"), state, { onEditEdge: (edge, anchor) => editor.open(edge, anchor) });
createCostChart($("cost-chart"), $("log-scale"), state);
createSurface($("surface"), $("surface-figure"), $("surface-note"), state);
createUpdateView($("update-view"), state);
createReadout($("readout"), $("legend"), $("hint"), buttons, $("train-stats"), state);
const controls = createControls($("config"), state, {
  message: (text, kind) => showMessage(text, kind),
  onDataset: (fields) => run(async () => {
    await pauseTraining();
    Object.assign(state.config, fields);
    const data = await ctl.loadDataset(state.config);
    if (fields.dataset) state.config.sample = informativeSample(data.inputs);
    await ctl.useData(data);
  }),
  onCustomData: ({ inputs, targets, csv, csvTargets }) => run(async () => {
    await pauseTraining();
    Object.assign(state.config, { dataset: "custom", csv, csvTargets, sample: informativeSample(inputs) });
    await ctl.useData({ name: "custom", description: "your data", inputs, targets, custom: true });
  }),
  onSample: (i) => run(() => ctl.selectSample(i)),
  onMode: (fields) => run(async () => {
    Object.assign(state.config, fields);
    ctl.persist();
    await ctl.recompute();
  }),
  onArchitecture: (arch) => run(async () => { await pauseTraining(); await ctl.createNetwork(arch); }),
  onHyper: (fields) => run(() => ctl.setHyper(fields)),
});
const ctl = createController(state, { animator, architecture: () => controls.architecture() });
const inspector = createInspector($("inspector"), state,
  { view, matrixView: createMatrixView(), svg: $("network"), explain: ctl.explain, notify: ctl.notify });
createDiagnostics($("toolbar-extra"), $("hint"), state,
  { view, svg: $("network"), inspector, batch: () => ctl.currentBatch(), api, run });
createFindings($("toolbar-extra"), $("hint"), state,
  { view, svg: $("network"), onDiagnose: () => run(() => ctl.diagnose()) });
createPresets($("toolbar-extra"), state, { message: (text, kind) => showMessage(text, kind) });
const worksheet = createWorksheetButton($("toolbar-extra"), state);
const projector = createProjector($("toolbar-extra"), state, { svg: $("network"), onChange: (on) => {
  animator.setActive(on);
  $("formula-bar").hidden = !on;
  ctl.persist();
} });

// --- Messages and progress -------------------------------------------------------------
// A message lives as long as its cause: the next action replaces it, and a notice (kind
// "info") also fades after NOTICE_MS. It floats over the page, so nothing below it moves.
const NOTICE_MS = 8000;
let messageTimer = null;
function showMessage(text, kind = "error") {
  clearTimeout(messageTimer);
  $("message-text").textContent = api.short(text);   // every message capped: read, not scrolled
  $("message").dataset.kind = kind;
  $("message").hidden = false;
  if (kind === "info") messageTimer = setTimeout(hideMessage, NOTICE_MS);
}
function hideMessage() {
  clearTimeout(messageTimer);
  $("message").hidden = true;
}
state.on("message", ({ text, kind }) => showMessage(text, kind));
$("message-close").addEventListener("click", hideMessage);

let busyTimer = null;
api.onBusy((busy) => {
  clearTimeout(busyTimer);
  // Only slow calls, and not while training (the epoch counter shows progress).
  if (busy && !state.training) busyTimer = setTimeout(() => { $("busy").classList.add("on"); }, 300);
  else $("busy").classList.remove("on");
});

/** Run actions one at a time, in the order asked (a key pressed five times runs five times);
 * an error becomes a plain-words message, never a blank page. */
const MAX_QUEUED = 20;
let chain = Promise.resolve();
let queued = 0;
/** The busy notice also says how many actions wait (room for it is kept: nothing re-wraps). */
function showQueue() {
  $("busy").textContent = queued > 1 ? `working… ${queued - 1} more queued` : "working…";
  if (queued > 1) $("busy").classList.add("on");
}
function run(action) {
  if (queued >= MAX_QUEUED) {
    showMessage(`Ignored: ${MAX_QUEUED} actions are already waiting. Let them finish first.`, "info");
    return chain;
  }
  queued += 1;
  showQueue();
  chain = chain.then(() => { hideStale(); return action(); }).catch((err) => {
    showMessage(err instanceof api.ApiError ? `The server said: ${err.message}`
      : err instanceof Notice ? err.message : `Something went wrong: ${err.message}`);
  }).finally(() => { queued -= 1; showQueue(); });
  return chain;
}
/** A new action starts: the message of an earlier one no longer applies. */
function hideStale() { if (!$("message").hidden && $("message").dataset.kind !== "info") hideMessage(); }

// --- Training --------------------------------------------------------------------------
let trainLoop = null;
function setTraining(on) {
  state.set("training", { training: on });
  document.body.classList.toggle("training", on);   // CSS: no fill transitions while training
  trainButton.textContent = on ? "Pause" : "Train";
  trainButton.setAttribute("aria-pressed", on ? "true" : "false");
  for (const b of buttons) if (b !== trainButton) b.disabled = on;
}

// While training, /diagnose looks at the recent costs this often; when it says the cost has
// stopped falling, its findings are shown once (until the cost falls again).
const DIAGNOSE_EVERY_MS = 2000;

async function train() {
  animator.cancel();
  setTraining(true);
  let chunk = 20;
  let checked = performance.now();
  let stalled = false;
  try {
    while (state.training) {
      const t = performance.now();
      const more = await ctl.trainChunk(chunk);
      if (!more) break;
      if (t - checked > DIAGNOSE_EVERY_MS) {
        checked = t;
        const res = await ctl.diagnose({ auto: !stalled });
        if (res.plateau && !stalled) {
          showMessage("The cost has stopped falling: under the drawing, why and what to try.", "info");
        }
        stalled = res.plateau;
      }
      const took = performance.now() - t;
      chunk = took < 120 ? Math.min(chunk * 2, 200) : took > 400 ? Math.max(10, Math.floor(chunk / 2)) : chunk;
      await new Promise((r) => setTimeout(r, 0));  // let the page breathe between calls
    }
  } catch (err) {
    showMessage(err instanceof api.ApiError ? `Training stopped. The server said: ${err.message}`
      : err instanceof Notice ? err.message : `Training stopped: ${err.message}`);
  } finally {
    setTraining(false);
    state.emit("counters", state.counters);   // without the rate, which only means something while training
  }
}

async function pauseTraining() {
  if (!trainLoop) return;
  state.training = false;
  await trainLoop;
}

const actions = {
  forward: () => run(() => ctl.forward()),
  backward: () => run(() => ctl.backward()),
  step: () => run(() => ctl.step()),
  train: () => {
    if (state.training) { state.training = false; return; }
    hideStale();
    run(() => { trainLoop = train(); return null; });   // the loop runs beside the action chain
  },
  reset: () => run(async () => {
    await pauseTraining();
    const same = $("same-seed").checked;
    await ctl.createNetwork(controls.architecture(), { seed: same ? state.network.seed : undefined });
    showMessage(same ? "New network with the same seed: the same initial weights." : "New network with fresh random initial weights.", "info");
  }),
};
for (const b of buttons) b.addEventListener("click", () => actions[b.dataset.action]());

speed.addEventListener("input", () => { $("speed-out").textContent = SPEED_NAMES[Number(speed.value)]; });

// --- Keyboard shortcuts (ignored while typing in a field) -------------------------------
document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.target.closest && ev.target.closest("input, select, textarea, [contenteditable]")) return;
  if (ev.key === "Escape") {
    editor.close();
    document.body.classList.remove("config-open");
    // In the projector view the inspector is an overlay: Escape closes it too.
    if (projector.on && !$("inspector").hidden) $("inspector").querySelector(".inspector-close").click();
    return;
  }
  if (projector.on && (ev.key === " " || ev.key === "ArrowRight" || ev.key === "ArrowLeft")) {
    ev.preventDefault();   // Space would also press the focused button or scroll the page
    if (ev.key === "ArrowLeft") animator.previous(); else animator.next();
    return;
  }
  const key = ev.key.toLowerCase();
  const extra = { v: () => projector.toggle(), w: () => worksheet.open(), c: () => projector.toggleConfig() };
  if (extra[key]) { ev.preventDefault(); extra[key](); return; }
  const map = { f: "forward", b: "backward", s: "step", t: "train", r: "reset" };
  if (map[key]) {
    const b = buttons.find((x) => x.dataset.action === map[key]);
    if (!b.disabled) { ev.preventDefault(); actions[map[key]](); }
  } else if ((key === "n" || key === "p") && state.data) {
    ev.preventDefault();
    const m = state.data.inputs.length;
    const i = (state.config.sample + (key === "n" ? 1 : m - 1)) % m;
    $("sample").value = String(i);
    $("sample").dispatchEvent(new Event("change"));
  }
});

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (state.network) { state.emit("resize"); ctl.refreshSurface().catch(() => {}); } }, 150);
});

// --- Boot: restore ?network=ID and its settings (checked against the API's limits), or start fresh
run(() => boot(state, { ctl, controls, projector, notify: showMessage, askForData: controls.askForData }));
