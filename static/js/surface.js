// For 2-D inputs: the decision surface (output neuron over the input plane) with the data
// on top, and one small heatmap per hidden neuron, all from one /forward call on a grid.

import { divergingRGB } from "./layout.js";

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
    const [centre, half] = scaleFor(net.output_activation, data.targets.map((t) => t[0]));
    data.inputs.forEach(([x, y], i) => {
      const [r, g, b] = divergingRGB(data.targets[i][0] - centre, half);
      ctx.beginPath();
      ctx.arc(px(x), py(y), data.inputs.length > 50 ? 3.5 : 6, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fill();
      ctx.lineWidth = 2.5;          // a white halo, then a dark rim: visible on any background
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#222";
      ctx.stroke();
    });
    const [sx, sy] = data.inputs[state.config.sample] || [];
    if (sx !== undefined) {
      ctx.beginPath();
      ctx.arc(px(sx), py(sy), 10, 0, 2 * Math.PI);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = "#000";
      ctx.stroke();
    }
    const range = centre === 0.5 ? "from 0 (orange) through 0.5 (white) to 1 (blue)" : "orange below 0, blue above";
    note.textContent = `Colour: the output a₁⁽${L + 1}⁾, ${range}; dots: the data coloured by target;
      ring: the sample shown. Inputs x₁ from ${box.x0.toFixed(2)} to ${box.x1.toFixed(2)} (left to right),
      x₂ from ${box.y0.toFixed(2)} to ${box.y1.toFixed(2)} (bottom to top).`;
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
    figure.hidden = !(state.data && state.data.inputs[0].length === 2);
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
