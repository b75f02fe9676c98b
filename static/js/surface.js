// For 2-D data: the decision surface (output neuron over the input plane; for a regression
// set, its value map) with the data on top, training samples as dots and held-out test
// samples as squares, and one small heatmap per hidden neuron, from one /forward on a grid.

import { divergingRGB } from "./layout.js";
import { drawnPoints, hasTest } from "./data.js";
import { fmt } from "./format.js";

/** Centre and half-range of the colour scale for an activation's values. */
function scaleFor(activation, values) {
  if (activation === "sigmoid" || activation === "softmax") return [0.5, 0.5];
  if (activation === "tanh") return [0, 1];
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return [0, m || 1];
}

// One ImageData per grid size, reused: a refresh while training allocates no pixel buffers.
const images = new Map();

function toImage(canvas, values, n, [centre, half]) {
  if (canvas.width !== n) canvas.width = n;
  if (canvas.height !== n) canvas.height = n;
  const ctx = canvas.getContext("2d");
  if (!images.has(n)) images.set(n, ctx.createImageData(n, n));
  const img = images.get(n);
  const px = img.data;
  for (let i = 0; i < values.length; i += 1) {
    const [r, g, b] = divergingRGB(values[i] - centre, half);
    px[i * 4] = r;
    px[i * 4 + 1] = g;
    px[i * 4 + 2] = b;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function createSurface(canvas, figure, note, state) {
  const caption = figure.querySelector("figcaption");
  const scratch = document.createElement("canvas");
  let last = null;   // {grid, result}

  function draw() {
    if (!last) return;
    const { grid, result } = last;
    const net = state.network;
    const L = net.layer_sizes.length - 1;
    const out = result.layers[L].a.map((row) => row[0]);
    toImage(scratch, out, grid.n, scaleFor(net.output_activation, out));
    const size = canvas.width;
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, 0, 0, size, size);
    const { box } = grid;
    const px = (x) => (x - box.x0) / (box.x1 - box.x0) * size;
    const py = (y) => (box.y1 - y) / (box.y1 - box.y0) * size;
    const data = state.data;
    const points = drawnPoints(data);
    const tests = hasTest(data) ? data.test_points : [];
    const regression = data.task === "regression";
    // Targets on the surface's own scale, so a dot matches the colour the output should have there.
    const [centre, half] = regression ? scaleFor("linear", out) : scaleFor(net.output_activation, data.targets.map((t) => t[0]));
    const radius = points.length + tests.length > 50 ? 3.5 : 6;
    const mark = (x, y, target, square) => {
      const [r, g, b] = divergingRGB(target - centre, half);
      ctx.beginPath();
      if (square) ctx.rect(px(x) - radius, py(y) - radius, 2 * radius, 2 * radius);
      else ctx.arc(px(x), py(y), radius, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fill();
      ctx.lineWidth = 2.5;          // a white halo, then a dark rim: visible on any background
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.lineWidth = square ? 1.5 : 1;
      ctx.strokeStyle = square ? "#000" : "#222";
      ctx.stroke();
    };
    points.forEach(([x, y], i) => mark(x, y, data.targets[i][0], false));
    tests.forEach(([x, y], i) => mark(x, y, data.test_targets[i][0], true));
    const [sx, sy] = points[state.config.sample] || [];
    if (sx !== undefined) {
      ctx.beginPath();
      ctx.arc(px(sx), py(sy), 10, 0, 2 * Math.PI);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = "#000";
      ctx.stroke();
    }
    const range = centre === 0.5 ? "from 0 (orange) through 0.5 (white) to 1 (blue)"
      : `orange below 0, blue above (full colour at ±${fmt(half, 3)})`;
    const what = regression ? `Value map: the output a₁⁽${L + 1}⁾ (the predicted value)` : `Colour: the output a₁⁽${L + 1}⁾`;
    const marks = tests.length ? "dots: training samples, squares: test samples (held out, never trained on), both coloured by target"
      : "dots: the data coloured by target";
    note.textContent = `${what}, ${range}; ${marks};
      ring: the sample shown. Inputs x₁ from ${box.x0.toFixed(2)} to ${box.x1.toFixed(2)} (left to right),
      x₂ from ${box.y0.toFixed(2)} to ${box.y1.toFixed(2)} (bottom to top).`;
    caption.textContent = regression ? "Value map: the output over the input plane"
      : "Decision surface: output neuron over the input plane";
  }

  /** Data URLs of each hidden neuron's a over the grid: urls[l][j] (null for other layers). */
  function features() {
    if (!last) return null;
    const net = state.network;
    const { grid, result } = last;
    return net.layer_sizes.map((n, l) => {
      if (l === 0 || l === net.layer_sizes.length - 1) return null;
      return Array.from({ length: n }, (_, j) => {
        const vals = result.layers[l].a.map((row) => row[j]);
        toImage(scratch, vals, grid.n, scaleFor(net.hidden_activation, vals));
        return scratch.toDataURL();
      });
    });
  }

  function reset() {
    last = null;
    figure.hidden = !(state.data && drawnPoints(state.data));
    if (!figure.hidden) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }

  // {grid, layers} of a /forward on the grid, or null: the drawing, then the hidden
  // neurons' feature maps for the network view.
  state.on("surface", (detail) => {
    if (!detail) { reset(); state.emit("features", null); return; }
    last = { grid: detail.grid, result: { layers: detail.layers } };
    figure.hidden = false;
    draw();
    state.emit("features", features());
  });
  state.on("sample", draw);
  return { redraw: draw, reset };
}
