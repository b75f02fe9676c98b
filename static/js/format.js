// Pure formatting, the page's one number formatter: numbers for people, and the lecture's
// notation (layers numbered from 1; "z_1^(3)" in API text typeset as z₁⁽³⁾). No DOM here.

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUB_LETTER = { i: "ᵢ", j: "ⱼ", k: "ₖ", m: "ₘ" };

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

/**
 * A readable number, the one rule of the whole page: `digits` significant digits, an exponent
 * below 1e-4 or from 1e6 on (digits - 2 decimals), a real minus sign, "–" for no number.
 * pad: keep trailing zeros (numbers in a column that are compared digit by digit).
 */
export function fmt(v, digits = 4, { pad = false } = {}) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const abs = Math.abs(v);
  const fixed = pad ? v.toPrecision(digits) : String(Number(v.toPrecision(digits)));
  const s = abs < 1e-4 || abs >= 1e6 ? v.toExponential(Math.max(1, digits - 2)) : fixed;
  return s.replace(/-/g, "−");
}

/** The fewest significant digits (at least `least`) at which two numbers print differently. */
export function digitsToTell(a, b, least = 4) {
  for (let d = least; d <= 15; d += 1) if (fmt(a, d, { pad: true }) !== fmt(b, d, { pad: true })) return d;
  return least;
}

/** A value that may be a vector or a matrix. */
export function value(v) {
  if (Array.isArray(v) && Array.isArray(v[0])) return `[${v.map((row) => `[${row.map((x) => fmt(x)).join(", ")}]`).join(", ")}]`;
  return Array.isArray(v) ? `(${v.map((x) => fmt(x)).join(", ")})` : fmt(v);
}

export function layerName(apiLayer, nLayers) {
  const n = uiLayer(apiLayer);
  if (apiLayer === 0) return `Layer ${n}: input`;
  if (apiLayer === nLayers - 1) return `Layer ${n}: output`;
  return `Layer ${n}: hidden`;
}

const subs = (s) => s.replace(/[0-9ijkm]/g, (d) => SUB_LETTER[d] || SUB[d]);
const sups = (s) => s.replace(/[0-9]/g, (d) => SUP[d]);

/** "delta_1^(3)" -> "δ₁⁽³⁾", "(y - a)^2" -> "(y - a)²". Text only: the result goes to textContent. */
export function pretty(text) {
  return String(text)
    .replace(/\bdelta(?=[_^])/g, "δ")
    .replace(/_([0-9ijkm]+)\^\(([0-9]+)\)/g, (_, i, l) => `${subs(i)}⁽${sups(l)}⁾`)
    .replace(/\^\(([0-9]+)\)/g, (_, l) => `⁽${sups(l)}⁾`)
    .replace(/_([0-9ijkm]+)\b/g, (_, i) => subs(i))
    .replace(/\^2\b/g, "²");
}

/** Parse what a student typed: "0.25", "-0,25", "−0.25", "1e-3". NaN when it is not a number. */
export function parseNumber(text) {
  const t = String(text).trim().replace("−", "-").replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}
