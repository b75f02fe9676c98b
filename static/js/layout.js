// Pure layout maths: layer sizes and a width -> coordinates. No DOM here.

export const LEGIBLE_LAYERS = 8;   // input + 6 hidden + output
export const LEGIBLE_NEURONS = 8;

/**
 * Where every neuron goes. layerSizes counts neurons per layer, input first.
 * Returns {width, height, r, colGap, rowGap, columns: [x], neurons: [[{x, y}]], showValues}.
 */
export function computeLayout(layerSizes, width) {
  const nLayers = layerSizes.length;
  const maxN = Math.max(...layerSizes);
  const legible = nLayers <= LEGIBLE_LAYERS && maxN <= LEGIBLE_NEURONS;
  // Room for the input names (x₁) and values on the left, the targets (y₁ = 0.5) on the right.
  const left = legible ? Math.min(70, Math.max(48, width * 0.1)) : 24;
  const right = legible ? Math.min(96, Math.max(78, width * 0.12)) : 24;
  const top = 46;
  const bottom = 26;
  const colGap = nLayers > 1 ? (width - left - right) / (nLayers - 1) : 0;
  const rowGap = legible ? 66 : Math.max(3, Math.min(66, 560 / maxN));
  const r = legible
    ? Math.max(9, Math.min(21, rowGap * 0.32, colGap * 0.2))
    : Math.max(1.2, Math.min(rowGap * 0.38, colGap * 0.12, 10));
  const inner = maxN * rowGap;
  const height = Math.round(top + inner + bottom);
  const columns = layerSizes.map((_, l) => left + l * colGap);
  const neurons = layerSizes.map((n, l) =>
    Array.from({ length: n }, (_, j) => ({
      x: columns[l],
      y: top + inner / 2 + (j - (n - 1) / 2) * rowGap,
    })));
  // Values need room for "a₁⁽²⁾ 0.1234" under each neuron.
  const showValues = legible && colGap >= 58;
  return { width, height, r, colGap, rowGap, columns, neurons, showValues, legible, top };
}

/** Stroke width of an edge: grows with |w| relative to the largest |w| (at least 1). */
export function edgeWidth(w, maxAbs, legible = true) {
  const scale = Math.max(1, maxAbs);
  const lo = legible ? 0.6 : 0.3;
  const hi = legible ? 7 : 2.5;
  return lo + (hi - lo) * Math.min(1, Math.abs(w) / scale);
}

// A colour-blind-safe diverging scale: orange (negative), near-white (0), blue (positive).
const NEG = [179, 88, 6];
const MID = [247, 247, 247];
const POS = [33, 102, 172];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

/** [r, g, b] for v on a symmetric scale [-maxAbs, maxAbs]. */
export function divergingRGB(v, maxAbs) {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0;
  return t < 0 ? mix(MID, NEG, -t) : mix(MID, POS, t);
}

export function divergingColor(v, maxAbs) {
  const [r, g, b] = divergingRGB(v, maxAbs);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Dark text on light fills, light text on dark ones. */
export function textOn(v, maxAbs) {
  return maxAbs > 0 && Math.abs(v / maxAbs) > 0.55 ? "#fff" : "#111";
}

/** A symmetric scale bound: the largest |v| (never 0, so a flat layer still gets a scale). */
export function scaleBound(values) {
  let m = 0;
  for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? m : 1;
}

export const SURFACE_GRID = 30;   // points per side of the decision surface's grid

/** The decision surface's grid for 2-D inputs, or null when the inputs are not 2-D. */
export function surfaceGrid(inputs) {
  return inputs && inputs.length && inputs[0].length === 2 ? gridOver(inputs, SURFACE_GRID) : null;
}

/** An evenly spaced grid over the data's bounding box (padded); rows are [x1, x2]. */
export function gridOver(inputs, n) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [a, b] of inputs) {
    x0 = Math.min(x0, a); x1 = Math.max(x1, a);
    y0 = Math.min(y0, b); y1 = Math.max(y1, b);
  }
  const padX = Math.max((x1 - x0) * 0.15, 0.25);
  const padY = Math.max((y1 - y0) * 0.15, 0.25);
  const box = { x0: x0 - padX, x1: x1 + padX, y0: y0 - padY, y1: y1 + padY };
  const points = [];
  for (let i = 0; i < n; i += 1) {        // i: row, top (large x2) to bottom
    const yv = box.y1 - (i + 0.5) * (box.y1 - box.y0) / n;
    for (let k = 0; k < n; k += 1) {
      points.push([box.x0 + (k + 0.5) * (box.x1 - box.x0) / n, yv]);
    }
  }
  return { box, points, n };
}
