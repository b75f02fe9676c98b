// Cost over updates: a line chart of the API's costs, with a log-scale toggle.
// The chart's nodes are made once; a redraw (after every training chunk) only sets the
// path, the dot and the tick texts, so training allocates little and repaints one small box.

import { svgEl } from "./dom.js";
import { digitsToTell, fmt } from "./format.js";

const W = 360;
const H = 200;
const PAD = { l: 52, r: 12, t: 12, b: 30 };
const MAX_VERTICES = 600;

export function createCostChart(svg, logBox, state) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  logBox.addEventListener("change", () => render());
  svg.replaceChildren();
  svgEl("rect", { x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b, class: "plot" }, svg);
  const empty = svgEl("text", { x: W / 2, y: H / 2, class: "empty" }, svg);
  empty.textContent = "Step or Train to see the cost fall";
  const line = svgEl("path", { d: "", class: "line" }, svg);
  const dot = svgEl("circle", { cx: 0, cy: 0, r: 3, class: "dot" }, svg);
  const text = (x, y, cls) => svgEl("text", { x, y, class: cls }, svg);
  const ticks = {
    yTop: text(PAD.l - 4, 0, "tick y"), yBottom: text(PAD.l - 4, 0, "tick y"),
    xStart: text(PAD.l, H - 10, "tick x start"), xEnd: text(W - PAD.r, H - 10, "tick x end"),
    axis: text((PAD.l + W - PAD.r) / 2, H - 4, "axis"), current: text(W - PAD.r - 4, PAD.t + 14, "current"),
  };
  ticks.axis.textContent = "updates (weight steps)";
  const drawn = [line, dot, ...Object.values(ticks)];

  function render() {
    const log = logBox.checked;
    const pts = state.history.filter((p) => Number.isFinite(p.cost) && (!log || p.cost > 0));
    empty.toggleAttribute("hidden", pts.length > 0);   // SVG nodes have no .hidden property
    for (const node of drawn) node.toggleAttribute("hidden", pts.length === 0);
    if (pts.length === 0) return;
    const f = (c) => (log ? Math.log10(c) : c);
    const x0 = pts[0].x;
    const x1 = Math.max(pts[pts.length - 1].x, x0 + 1);
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const p of pts) { const v = f(p.cost); if (v < y0) y0 = v; if (v > y1) y1 = v; }
    if (!log) y0 = Math.min(0, y0);
    if (y1 - y0 < 1e-12) { y1 += 0.5; y0 -= log ? 0.5 : 0; }
    const sx = (x) => PAD.l + (x - x0) / (x1 - x0) * (W - PAD.l - PAD.r);
    const sy = (y) => H - PAD.b - (y - y0) / (y1 - y0) * (H - PAD.t - PAD.b);
    // At most ~600 vertices: keep every k-th point plus the last.
    const k = Math.ceil(pts.length / MAX_VERTICES);
    let d = "";
    for (let i = 0; i < pts.length; i += 1) {
      if (i % k !== 0 && i !== pts.length - 1) continue;
      d += `${d ? "L" : "M"}${sx(pts[i].x).toFixed(1)},${sy(f(pts[i].cost)).toFixed(1)}`;
    }
    line.setAttribute("d", d);
    const last = pts[pts.length - 1];
    dot.setAttribute("cx", String(sx(last.x)));
    dot.setAttribute("cy", String(sy(f(last.cost))));
    const tick = (node, y, value) => {
      if (y !== null) node.setAttribute("y", String(y));
      if (node.textContent !== value) node.textContent = value;
    };
    const [top, bottom] = log ? [10 ** y1, 10 ** y0] : [y1, y0];
    const digits = digitsToTell(top, bottom, 3);   // two ticks never print the same number
    tick(ticks.yTop, sy(y1) + 4, fmt(top, digits));
    tick(ticks.yBottom, sy(y0) + 4, fmt(bottom, digits));
    tick(ticks.xStart, null, String(x0));
    tick(ticks.xEnd, null, String(x1));   // the axis' extent: "0 … 1" before any update, not "0 … 0"
    tick(ticks.current, null, `cost ${fmt(last.cost)}`);
  }

  render();
  state.on("history", render);
  return {
    render,
    reset() { state.history = []; render(); },
  };
}
