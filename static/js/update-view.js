// What a Step did, in one place under the drawing: every weight and bias as
// w − α ∂C/∂w = new, with the digits that tell old and new apart (the digits that changed in
// bold). All numbers are the API's: the network before, the gradients and α, the network after.

import { h } from "./dom.js";
import { digitsToTell, fmt, sym, weightSym } from "./format.js";

const MAX_ROWS = 40;   // beyond, the inspector shows any one parameter's update

/** The new value's text split where it stops agreeing with the old one's. */
export function splitChange(oldText, newText) {
  let i = 0;
  while (i < oldText.length && oldText[i] === newText[i]) i += 1;
  return [newText.slice(0, i), newText.slice(i)];
}

export function createUpdateView(box, state) {
  let before = null;   // the network the Step's pass was computed with

  function row(name, w, g, alpha, next) {
    const d = digitsToTell(w, next);
    const [same, changed] = splitChange(fmt(w, d, { pad: true }), fmt(next, d, { pad: true }));
    const tr = h("tr");
    h("th", { scope: "row" }, name, tr);
    h("td", "", fmt(w, d, { pad: true }), tr);
    h("td", "op", "−", tr);
    h("td", "", fmt(alpha), tr);
    h("td", "op", "·", tr);
    h("td", "", fmt(g), tr);
    h("td", "op", "=", tr);
    const cell = h("td", "new", "", tr);
    cell.dataset.value = String(next);
    cell.append(document.createTextNode(same), h("strong", "", changed));
    return tr;
  }

  function render(pass) {
    box.replaceChildren();
    box.hidden = !(pass && pass.kind === "step" && before);
    if (box.hidden) return;
    const after = pass.result.network;
    const grads = pass.result.gradients;
    const alpha = before.learning_rate;
    const rows = [];
    before.weights.forEach((m, i) => m.forEach((r, j) => r.forEach((w, k) => {
      rows.push([weightSym(i + 1, j, k), w, grads.weights[i][j][k], after.weights[i][j][k]]);
    })));
    before.biases.forEach((b, i) => b.forEach((v, j) => rows.push([sym("b", i + 1, j), v, grads.biases[i][j], after.biases[i][j]])));
    h("h3", "", `This Step's update: w − α ∂C/∂w = new (α = ${fmt(alpha)})`, box);
    const table = h("table", "", "", box);
    const head = h("tr", "", "", h("thead", "", "", table));
    for (const text of ["", "w", "", "α", "", "∂C/∂w", "", "new"]) h("th", { scope: "col" }, text, head);
    const body = h("tbody", "", "", table);
    for (const r of rows.slice(0, MAX_ROWS)) body.appendChild(row(r[0], r[1], r[2], alpha, r[3]));
    if (rows.length > MAX_ROWS) {
      h("p", "small", `… and ${rows.length - MAX_ROWS} more: click any weight for its update in the inspector.`, box);
    }
    h("p", "small", "In bold: the digits the update changed. ∂C/∂w is the batch's mean"
      + (before.l2 > 0 ? ", the L2 term (λ/n) w included." : "."), box);
  }

  state.on("pass", (pass) => { if (!pass || pass.kind !== "step") render(null); });
  state.on("network", () => { if (state.pass && state.pass.kind === "step") render(state.pass); });
  state.on("reset", () => { before = null; render(null); });
  // A Step's pass arrives while state.network is still the network it was computed with.
  state.on("pass", (pass) => { if (pass && pass.kind === "step") before = state.network; });
  return { render };
}
