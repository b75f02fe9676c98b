// MathML Core built with DOM calls (no markup strings, no inline styles: the CSP allows
// neither). Tokens are those of tokens.js; every number keeps its full precision in
// data-value, and every symbol of the drawing carries data-ref for two-way highlighting.

import { h } from "./dom.js";
import { fmt } from "./format.js";

export const MATHML = "http://www.w3.org/1998/Math/MathML";

export function m(name, children = [], cls = "") {
  const node = document.createElementNS(MATHML, name);
  if (cls) node.setAttribute("class", cls);
  for (const c of children) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return node;
}

const leaf = (name, txt, cls = "") => m(name, [txt], cls);

/** "n:l:j" for a neuron, "e:l:from:to" for an edge (API numbering). */
export const refKey = (ref) => ("neuron" in ref ? `n:${ref.layer}:${ref.neuron}` : `e:${ref.layer}:${ref.from}:${ref.to}`);

/** A number as <mn>, shown rounded, its full value in data-value. */
export function numberNode(value, cls = "num") {
  const node = leaf("mn", fmt(value), cls);
  node.setAttribute("data-value", String(value));
  return node;
}

/** "(l)" as a superscript: tight parentheses around the layer number. */
export function layerSup(l) {
  const paren = (c) => { const mo = leaf("mo", c); mo.setAttribute("lspace", "0"); mo.setAttribute("rspace", "0"); return mo; };
  return m("mrow", [paren("("), leaf("mn", String(l)), paren(")")]);
}

function symbol(tok) {
  const base = leaf("mi", tok.base);
  if (!tok.sub && !tok.sup) return base;
  if (!tok.sup) return m("msub", [base, leaf("mn", tok.sub)]);
  return m("msubsup", [base, leaf("mn", tok.sub || ""), layerSup(tok.sup)]);
}

/** The symbol with its value printed under it. */
function withValue(node, value) {
  const under = m("munder", [node, numberNode(value, "val")]);
  return under;
}

function tokenNode(tok) {
  switch (tok.t) {
    case "sym": {
      let node = symbol(tok);
      if (tok.value !== undefined && tok.value !== null) node = withValue(node, tok.value);
      if (tok.ref) {
        node = m("mrow", [node], "ref");
        node.setAttribute("data-ref", refKey(tok.ref));
      }
      return node;
    }
    case "op": return leaf("mo", tok.v);
    case "num": return numberNode(tok.value, tok.api ? "num api" : "num");
    case "text": return leaf("mtext", tok.v);
    case "paren": return m("mrow", [leaf("mo", "("), ...row(tok.items), leaf("mo", ")")]);
    case "group": return m("mrow", row(tok.items));   // one node, e.g. to print a value under it
    case "frac": return m("mfrac", [m("mrow", row(tok.num)), m("mrow", row(tok.den))]);
    default: return leaf("mtext", "");
  }
}

/** Items to nodes; a {t: "val"} token puts its value under the node before it. */
export function row(items) {
  const out = [];
  for (const tok of items) {
    if (tok.t === "val") {
      out.push(withValue(out.pop(), tok.value));
    } else {
      out.push(tokenNode(tok));
    }
  }
  return out;
}

// MathML Core does not wrap a line: a long one is set as a run of small <math> elements
// that wrap like words, a new one before each top-level operator below.
const BREAK_BEFORE = new Set(["=", "+", "−", "·", "⊙"]);

/** Parentheses at the top of a line become plain "(" and ")" tokens, so a sum inside them
 * can wrap too (not when a value is printed under the whole group). */
function openParens(items) {
  return items.flatMap((tok, i) => (tok.t === "paren" && !(items[i + 1] && items[i + 1].t === "val")
    ? [{ t: "op", v: "(" }, ...openParens(tok.items), { t: "op", v: ")" }] : [tok]));
}

/** MathML nodes of one line into `box` as wrapping pieces; returns box (a div.math-flow). */
export function flow(nodes, box = h("div", "math-flow")) {
  let piece = [];
  const flush = () => {
    if (!piece.length) return;
    if (box.lastChild) box.appendChild(document.createTextNode("\u200b"));   // a place to wrap
    box.appendChild(m("math", [m("mrow", piece)]));
    piece = [];
  };
  for (const node of nodes) {
    const before = piece[piece.length - 1];
    // Before an operator, or between two matrices (a product), never right after an operator.
    const matrixAfterMatrix = node.dataset && node.dataset.shaped && before && before.localName !== "mo";
    const breaks = node.localName === "mo" && BREAK_BEFORE.has(node.textContent);
    if ((breaks || matrixAfterMatrix) && piece.length) flush();
    // First in its piece an operator would be read as a prefix (no space after it): it is infix.
    if (breaks) node.setAttribute("form", "infix");
    piece.push(node);
  }
  flush();
  return box;
}

/** One line of tokens as a div.math-flow ({t: "br"} tokens only mark a place to wrap). */
export function mathFlow(items) {
  return flow(row(openParens(items).filter((tok) => tok.t !== "br")));
}

/** A matrix as an mtable; cell(i, j) gives {value, ref?}. */
export function matrix(rows, cols, cell) {
  const trs = [];
  for (let i = 0; i < rows; i += 1) {
    const tds = [];
    for (let j = 0; j < cols; j += 1) {
      const c = cell(i, j);
      const n = c.one ? leaf("mn", "1", "num one") : numberNode(c.value);
      if (c.ref) {
        n.setAttribute("data-ref", refKey(c.ref));
        n.classList.add("ref");
      }
      tds.push(m("mtd", [n]));
    }
    trs.push(m("mtr", tds));
  }
  return m("mtable", trs, "mat");   // the brackets are CSS: stretchy fences vary by font
}

/** A node with its shape written under it, e.g. "2 × 3". */
export function shaped(node, shape) {
  const out = m("munder", [node, leaf("mtext", `${shape[0]} × ${shape[1]}`, "shape")]);
  out.dataset.shaped = "1";   // a place to wrap between two matrices of a product
  return out;
}
