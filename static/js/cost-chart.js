// Cost over updates: a line chart of the API's costs, with a log-scale toggle.

import { fmt } from "./format.js";

const NS = "http://www.w3.org/2000/svg";
const W = 360;
const H = 200;
const PAD = { l: 52, r: 12, t: 12, b: 30 };

function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}

export function createCostChart(svg, logBox, state) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  logBox.addEventListener("change", () => render());

  function render() {
    svg.replaceChildren();
    const pts = state.history.filter((p) => Number.isFinite(p.cost) && (!logBox.checked || p.cost > 0));
    el("rect", { x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b, class: "plot" }, svg);
    if (pts.length === 0) {
      const t = el("text", { x: W / 2, y: H / 2, class: "empty" }, svg);
      t.textContent = "Step or Train to see the cost fall";
      return;
    }
    const log = logBox.checked;
    const f = (c) => (log ? Math.log10(c) : c);
    const x0 = pts[0].x;
    const x1 = Math.max(pts[pts.length - 1].x, x0 + 1);
    let y0 = Math.min(...pts.map((p) => f(p.cost)));
    let y1 = Math.max(...pts.map((p) => f(p.cost)));
    if (!log) y0 = Math.min(0, y0);
    if (y1 - y0 < 1e-12) { y1 += 0.5; y0 -= log ? 0.5 : 0; }
    const sx = (x) => PAD.l + (x - x0) / (x1 - x0) * (W - PAD.l - PAD.r);
    const sy = (y) => H - PAD.b - (y - y0) / (y1 - y0) * (H - PAD.t - PAD.b);
    // At most ~600 vertices: keep every k-th point plus the last.
    const k = Math.ceil(pts.length / 600);
    const shown = pts.filter((_, i) => i % k === 0 || i === pts.length - 1);
    const d = shown.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(f(p.cost)).toFixed(1)}`).join("");
    el("path", { d, class: "line" }, svg);
    const last = pts[pts.length - 1];
    el("circle", { cx: sx(last.x), cy: sy(f(last.cost)), r: 3, class: "dot" }, svg);
    const tick = (x, y, text, cls) => { const t = el("text", { x, y, class: cls }, svg); t.textContent = text; };
    tick(PAD.l - 4, sy(y1) + 4, fmt(log ? 10 ** y1 : y1, 3), "tick y");
    tick(PAD.l - 4, sy(y0) + 4, fmt(log ? 10 ** y0 : y0, 3), "tick y");
    tick(PAD.l, H - 10, String(x0), "tick x start");
    tick(W - PAD.r, H - 10, String(last.x), "tick x end");
    tick((PAD.l + W - PAD.r) / 2, H - 4, "updates (weight steps)", "axis");
    tick(W - PAD.r - 4, PAD.t + 14, `cost ${fmt(last.cost)}`, "current");
  }

  return {
    render,
    reset() { state.history = []; render(); },
  };
}
