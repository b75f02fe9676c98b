// Pure: the tokens a derivation is written in (rendered by mathml.js). No DOM here.
//
// items are tokens: {t: "sym", base, sub, sup, value?, ref?}, {t: "op", v}, {t: "num", value,
// api?}, {t: "text", v}, {t: "paren", items}, {t: "group", items}, {t: "frac", num, den},
// {t: "val", value} (the value printed under the token before it), {t: "br"} (a line break).
// ref = {layer, neuron} or {layer, from, to} (API numbering, layer 0 = input); sub/sup are
// printed in the lecture's (from 1).

const MAX_TERMS = 10;   // longer sums print their first terms, "…", and the result

const idx = (...n) => n.map((v) => v + 1).join(n.some((v) => v >= 9) ? "," : "");
export const neuronSym = (base, l, j, value) => ({ t: "sym", base, sub: idx(j), sup: String(l + 1), value,
  ref: { layer: l, neuron: j } });
export const weightTok = (l, j, k, value) => ({ t: "sym", base: "w", sub: idx(j, k), sup: String(l + 1), value,
  ref: { layer: l, from: k, to: j } });
export const op = (v) => ({ t: "op", v });
export const num = (value, api = false) => ({ t: "num", value, api });
export const text = (v) => ({ t: "text", v });
export const d = (top, bottom) => ({ t: "frac", num: [top], den: [bottom] });
export const partial = (a, b) => d({ ...a, t: "sym", base: "∂" + a.base, value: undefined },
  { ...b, base: "∂" + b.base, value: undefined });
export const C = { t: "sym", base: "C", sub: "", sup: "" };

/** a + b + c ... with at most MAX_TERMS terms shown, a line break every 3 terms. */
export function sum(terms) {
  const shown = terms.length > MAX_TERMS ? [...terms.slice(0, MAX_TERMS - 1), [text("…")]] : terms;
  return shown.flatMap((t, i) => (i ? [...(i % 3 ? [] : [{ t: "br" }]), op("+"), ...t] : t));
}
