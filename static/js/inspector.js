// The inspector panel: the selected neuron (with its bias) or weight derived in the
// lecture's notation, typeset as MathML, every symbol with its value for the shown sample.
// Hovering a symbol highlights its neuron or edge in the drawing, and back. A second tab
// holds the matrix view. All numbers come from the API (the pass, the network it used,
// the network after a Step, the gradient check).

import { neuronDerivation, weightDerivation } from "./inspector-math.js";
import { mathFlow, refKey } from "./mathml.js";
import { sym, weightSym } from "./format.js";
import { h } from "./dom.js";

const ROLES = ["total", "update", "chain", "chainTotal", "sample", "mean", "l2", "perSample"];

export function createInspector(panel, state, { view, matrixView, svg }) {
  let selection = null;     // {kind: "neuron", layer, neuron} | {kind: "edge", layer, from, to}
  let tab = "derivation";
  let used = null;          // the network the shown pass was computed with
  let check = null;         // the last gradient-check result for this network and batch

  const title = h("h2", "inspector-title");
  const close = h("button", "inspector-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "Close the inspector");
  const tabs = h("div", "inspector-tabs");
  tabs.setAttribute("role", "tablist");
  const tabButtons = ["derivation", "matrix"].map((name) => {
    const b = h("button", "", name === "derivation" ? "Derivation" : "Matrix view");
    b.type = "button";
    b.dataset.tab = name;
    b.setAttribute("role", "tab");
    b.addEventListener("click", () => { tab = name; render(); });
    return b;
  });
  tabs.append(...tabButtons);
  const body = h("div", "inspector-body");
  const head = h("div", "inspector-head");
  head.append(title, close);
  panel.replaceChildren(head, tabs, body);
  close.addEventListener("click", () => { setOpen(false); selection = null; view.clearHighlight(); markSelection(); });

  function ctx() {
    const pass = state.pass;
    return { net: used || state.network, pass, after: pass && pass.kind === "step" ? pass.result.network : null, check };
  }

  function selectionTitle() {
    if (!selection) return "Inspector";
    if (selection.kind === "edge") return `Weight ${weightSym(selection.layer, selection.to, selection.from)}`;
    const { layer: l, neuron: j } = selection;
    return l === 0 ? `Input ${sym("x", 0, j)}` : `Neuron ${sym("a", l, j)} and its bias ${sym("b", l, j)}`;
  }

  function renderLine(line) {
    const div = h("div", "insp-line");
    for (const role of ROLES) if (line[role] !== undefined && line[role] !== false) div.dataset.role = role;
    if (line.perSample !== undefined) div.dataset.sample = String(line.perSample);
    div.appendChild(mathFlow(line.items));
    if (line.factors) {
      const ol = h("ol", "factors");
      line.factors.forEach((f) => ol.appendChild(h("li", "", f.words)));
      div.appendChild(ol);
    }
    if (line.words) div.appendChild(h("p", "words", line.words));
    if (line.note) div.appendChild(h("p", "note", line.note));
    return div;
  }

  function renderDerivation() {
    const c = ctx();
    if (!selection) {
      body.appendChild(h("p", "small", "Click a neuron or a weight in the drawing to see its derivation with the numbers."));
      return;
    }
    if (!c.pass) {
      body.appendChild(h("p", "small", "Press Forward (and Backward) first: the derivation uses the numbers of the shown sample."));
      return;
    }
    const sections = selection.kind === "edge"
      ? weightDerivation(c, selection.layer, selection.to, selection.from)
      : neuronDerivation(c, selection.layer, selection.neuron);
    const m = c.pass.batch.rows.length;
    body.appendChild(h("p", "small", `Sample #${c.pass.batch.rows[c.pass.shown] + 1} of a batch of ${m}`
      + (c.pass.kind === "step" ? "; the numbers are those before the Step" : "") + ". Values are printed under their symbols."));
    for (const s of sections) {
      const sec = h("section", "insp-section");
      if (s.check) sec.dataset.role = "check";
      sec.appendChild(h("h3", "", s.title));
      for (const line of s.lines) sec.appendChild(renderLine(line));
      if (s.note) sec.appendChild(h("p", "note", s.note));
      body.appendChild(sec);
    }
  }

  /** Show or hide the panel; the stage changes width, so the drawing is laid out again. */
  function setOpen(open) {
    if (panel.hidden === !open) return;
    panel.hidden = !open;
    window.dispatchEvent(new Event("resize"));   // main.js redraws the network on resize
    // On a phone the panel is a sheet over the lower half: bring the drawing above it.
    if (open && getComputedStyle(panel).position === "fixed") svg.scrollIntoView({ block: "start", behavior: "instant" });
  }

  /** The inspected neuron or edge keeps a mark in the drawing (it may have been redrawn). */
  function markSelection() {
    for (const n of svg.querySelectorAll(".inspected")) n.classList.remove("inspected");
    if (!selection || panel.hidden) return;
    const node = selection.kind === "edge" ? view.edgeEl(selection.layer, selection.from, selection.to)
      : view.neuronEl(selection.layer, selection.neuron);
    if (node) node.classList.add("inspected");
  }

  function render() {
    markSelection();
    if (panel.hidden) return;
    title.textContent = tab === "matrix" ? "Matrix view" : selectionTitle();
    for (const b of tabButtons) b.setAttribute("aria-selected", String(b.dataset.tab === tab));
    body.replaceChildren();
    if (tab === "matrix") {
      body.appendChild(matrixView.element);
      matrixView.render(ctx(), selection ? Math.max(1, selection.layer) : null);
    } else {
      renderDerivation();
    }
  }

  // --- Two-way highlighting between the symbols and the drawing -------------------------
  const refTarget = (ev) => ev.target.closest && ev.target.closest("[data-ref]");
  function highlightRef(key, on) {
    view.clearHighlight();
    for (const n of panel.querySelectorAll(".hl")) n.classList.remove("hl");
    if (!on || !key) return;
    const [kind, l, a, b] = key.split(":").map((v, i) => (i ? Number(v) : v));
    if (kind === "n") view.highlight({ layer: l, neuron: a });
    else view.highlightEdge({ layer: l, from: a, to: b });
    for (const n of panel.querySelectorAll(`[data-ref="${key}"]`)) n.classList.add("hl");
  }
  panel.addEventListener("pointerover", (ev) => { const t = refTarget(ev); if (t) highlightRef(t.dataset.ref, true); });
  panel.addEventListener("pointerout", (ev) => { if (refTarget(ev)) highlightRef(null, false); });
  svg.addEventListener("pointerover", (ev) => {
    const t = ev.target.closest && ev.target.closest(".neuron, .edge");
    for (const n of panel.querySelectorAll(".hl")) n.classList.remove("hl");
    if (!t || panel.hidden) return;
    const d = t.dataset;
    const key = t.classList.contains("neuron") ? refKey({ layer: +d.layer, neuron: +d.neuron })
      : refKey({ layer: +d.layer, from: +d.from, to: +d.to });
    for (const n of panel.querySelectorAll(`[data-ref="${key}"]`)) n.classList.add("hl");
  });

  // --- Subscriptions --------------------------------------------------------------------
  state.on("neuron-selected", (sel) => { selection = { kind: "neuron", ...sel }; tab = "derivation"; setOpen(true); render(); });
  state.on("edge-selected", (sel) => { selection = { kind: "edge", ...sel }; tab = "derivation"; setOpen(true); render(); });
  state.on("pass", (pass) => {
    used = state.network;   // a Step's pass arrives before state.network becomes the new one
    if (check && (!pass || check.rows.join() !== pass.batch.rows.join())) check = null;
    render();
  });
  state.on("legend", markSelection);   // the drawing was repainted, maybe rebuilt
  state.on("network", (net) => {
    if (!used || net.layer_sizes.join() !== used.layer_sizes.join()) { selection = null; matrixView.reset(); }
    render();
  });

  return {
    render,
    reset() { selection = null; used = null; check = null; setOpen(false); body.replaceChildren(); },
    /** Show the matrix view (of the selected layer, or the output layer). */
    openMatrix() { tab = "matrix"; setOpen(true); render(); },
    /** A gradient-check result for the batch `rows`, or null to forget it. */
    setCheck(result, rows) { check = result ? { ...result, rows } : null; render(); },
    get check() { return check; },
  };
}
