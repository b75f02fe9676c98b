// Pure formatting: numbers for people, and the lecture's notation (layers numbered from 1).

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";

export const sub = (n) => String(n).split("").map((d) => SUB[d]).join("");
export const sup = (n) => "⁽" + String(n).split("").map((d) => SUP[d]).join("") + "⁾";

/** API layer l (0 = input) is the lecture's layer l + 1; neuron j (0-based) is j + 1. */
export const uiLayer = (l) => l + 1;

/** e.g. sym("a", 1, 0) -> "a₁⁽²⁾" for API layer 1, neuron 0. */
export function sym(letter, apiLayer, apiNeuron) {
  return `${letter}${sub(apiNeuron + 1)}${sup(uiLayer(apiLayer))}`;
}

/** w_jk^(l) for the edge from neuron k of API layer l-1 to neuron j of API layer l. */
export function weightSym(apiLayer, to, from) {
  const idx = apiLayer >= 1 && (to >= 9 || from >= 9) ? `${sub(to + 1)},${sub(from + 1)}` : `${sub(to + 1)}${sub(from + 1)}`;
  return `w${idx}${sup(uiLayer(apiLayer))}`;
}

/** A readable number: 4 significant digits, exponent for tiny or huge values, a real minus sign. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const abs = Math.abs(v);
  const s = abs < 1e-3 || abs >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(digits)));
  return s.replace(/-/g, "−");
}

export function layerName(apiLayer, nLayers) {
  const n = uiLayer(apiLayer);
  if (apiLayer === 0) return `Layer ${n}: input`;
  if (apiLayer === nLayers - 1) return `Layer ${n}: output`;
  return `Layer ${n}: hidden`;
}
