// The page's one DOM helper: HTML and SVG elements from a tag, attributes and text.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, attrs, text, parent) {
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== "") node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

/** An HTML element: h("p", "small", "text"), or h("input", {type: "file", id: "x"}, "", parent). */
export function h(tag, clsOrAttrs = "", text = "", parent = null) {
  const attrs = typeof clsOrAttrs === "string" ? (clsOrAttrs ? { class: clsOrAttrs } : {}) : clsOrAttrs;
  return fill(document.createElement(tag), attrs, text, parent);
}

/** An SVG element with its attributes (numbers written as given), appended to parent if any. */
export function svgEl(name, attrs = {}, parent = null, text = undefined) {
  return fill(document.createElementNS(SVG_NS, name), attrs, text, parent);
}
