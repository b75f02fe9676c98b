// Pure helpers shared by the practice and story pages: the lecture's plain-text notation
// (z_1^(3), w_12^(2), x^2) turned into sub- and superscripts, and numbers. No DOM here.

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUB_LETTER = { i: "ᵢ", j: "ⱼ", k: "ₖ", m: "ₘ" };
const subs = (s) => s.replace(/[0-9ijkm]/g, (d) => SUB_LETTER[d] || SUB[d]);
const sups = (s) => s.replace(/[0-9]/g, (d) => SUP[d]);

/** "delta_1^(3)" -> "delta₁⁽³⁾", "(y - a)^2" -> "(y - a)²". Text only: the result goes to textContent. */
export function pretty(text) {
  return String(text)
    .replace(/\bdelta(?=[_^])/g, "δ")
    .replace(/_([0-9ijkm]+)\^\(([0-9]+)\)/g, (_, i, l) => `${subs(i)}⁽${sups(l)}⁾`)
    .replace(/\^\(([0-9]+)\)/g, (_, l) => `⁽${sups(l)}⁾`)
    .replace(/_([0-9ijkm]+)\b/g, (_, i) => subs(i))
    .replace(/\^2\b/g, "²");
}

/** A number for people: 4 significant digits, a real minus sign. */
export function num(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const s = Math.abs(v) < 1e-4 ? v.toExponential(2) : String(Number(v.toPrecision(digits)));
  return s.replace("-", "−");
}

/** A value that may be a vector. */
export function value(v) {
  if (Array.isArray(v) && Array.isArray(v[0])) return `[${v.map((row) => `[${row.map((x) => num(x)).join(", ")}]`).join(", ")}]`;
  return Array.isArray(v) ? `(${v.map((x) => num(x)).join(", ")})` : num(v);
}

/** Parse what a student typed: "0.25", "-0,25", "−0.25", "1e-3". NaN when it is not a number. */
export function parseNumber(text) {
  const t = String(text).trim().replace("−", "-").replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}
