// The matrix view of one layer: z = W a + b (or the lecture's Θ form with a₀ = 1) and
// delta = (W_next)ᵀ delta_next ⊙ g'(z), as real matrices with their shapes, for the shown
// sample. Entries carry data-value (full precision) and data-ref (their edge or neuron).

import { matrixData } from "./inspector-math.js";
import { flow, layerSup, m, matrix, shaped } from "./mathml.js";
import { h } from "./dom.js";

const MAX_SIDE = 12;   // beyond this a matrix is described, not printed

const big = (r, c) => r > MAX_SIDE || c > MAX_SIDE;
const leafMi = (base, sup) => m("msup", [m("mi", [base]), layerSup(sup)]);
const column = (values, ref) => matrix(values.length, 1, (i) => ({ value: values[i], ref: ref && ref(i) }));

export function createMatrixView() {
  const element = h("div", "matrix-view");
  const controls = h("div", "matrix-controls");
  const label = h("label", "", "Layer ");
  const select = h("select");
  select.id = "matrix-layer";
  label.appendChild(select);
  const thetaLabel = h("label", "check");
  const theta = h("input");
  theta.type = "checkbox";
  theta.id = "matrix-theta";
  thetaLabel.append(theta, document.createTextNode(" bias unit form Θ (a₀ = 1)"));
  controls.append(label, thetaLabel);
  const out = h("div", "matrix-body");
  element.append(controls, out);
  let last = null;
  let layer = null;

  /** One wrapping line per row: the symbols first, then "= numbers" lines. */
  function lines(eq, ...rows) {
    const box = h("div", "matrix-eq");
    box.dataset.eq = eq;
    for (const parts of rows) box.appendChild(flow(parts));
    return box;
  }

  function zEquation(md, ui) {
    const { W, b, aPrev, z } = md;
    const [n, nPrev] = md.shapes.W;
    if (big(n, nPrev + 1)) {
      return h("p", "small", `W${sup(ui)} is ${n} × ${nPrev}: too large to print here; the equation is z = W a + b.`);
    }
    const l = md.layer;
    const edge = (i, k) => ({ layer: l, from: k, to: i });
    const eq = m("mo", ["="]);
    const zCol = shaped(column(z, (i) => ({ layer: l, neuron: i })), [n, 1]);
    if (theta.checked) {
      const th = matrix(n, nPrev + 1, (i, k) => (k === 0 ? { value: b[i], ref: { layer: l, neuron: i } }
        : { value: W[i][k - 1], ref: edge(i, k - 1) }));
      const aOne = matrix(nPrev + 1, 1, (k) => (k === 0 ? { one: true }
        : { value: aPrev[k - 1], ref: { layer: l - 1, neuron: k - 1 } }));
      const a0 = m("msub", [m("mi", ["a"]), m("mn", ["0"])]);
      return lines("z", [leafMi("z", ui), eq, leafMi("Θ", ui), leafMi("a", ui - 1), m("mtext", ["\u00a0with\u00a0"]), a0,
        m("mo", ["="]), m("mn", ["1"])],
      [m("mo", ["="]), shaped(th, [n, nPrev + 1]), shaped(aOne, [nPrev + 1, 1])], [m("mo", ["="]), zCol]);
    }
    return lines("z", [leafMi("z", ui), eq, leafMi("W", ui), leafMi("a", ui - 1), m("mo", ["+"]), leafMi("b", ui)],
      [m("mo", ["="]), shaped(matrix(n, nPrev, (i, k) => ({ value: W[i][k], ref: edge(i, k) })), [n, nPrev]),
        shaped(column(aPrev, (k) => ({ layer: l - 1, neuron: k })), [nPrev, 1]), m("mo", ["+"]),
        shaped(column(b, (i) => ({ layer: l, neuron: i })), [n, 1])],
      [m("mo", ["="]), zCol]);
  }

  function deltaEquation(md, ui) {
    const l = md.layer;
    const n = md.shapes.W[0];
    const neuron = (lay) => (i) => ({ layer: lay, neuron: i });
    const dCol = shaped(column(md.delta, neuron(l)), [n, 1]);
    const gCol = shaped(column(md.gPrime, neuron(l)), [n, 1]);
    const lhs = [leafMi("δ", ui), m("mo", ["="])];
    const gz = [m("mi", ["g′"]), m("mrow", [m("mo", ["("]), leafMi("z", ui), m("mo", [")"])])];
    if (md.output) {
      const diff = [shaped(column(md.a, neuron(l)), [n, 1]), m("mo", ["−"]), shaped(column(md.y), [n, 1])];
      const aMinusY = [leafMi("a", ui), m("mo", ["−"]), m("mi", ["y"])];
      if (md.shortcut) return lines("delta", [...lhs, ...aMinusY], [m("mo", ["="]), ...diff], [m("mo", ["="]), dCol]);
      if (md.softmax) {
        return lines("delta", [...lhs, m("mtext", ["softmax Jacobian applied to (a − y)"])], [m("mo", ["="]), dCol]);
      }
      return lines("delta", [...lhs, m("mrow", [m("mo", ["("]), ...aMinusY, m("mo", [")"])]), m("mo", ["⊙"]), ...gz],
        [m("mo", ["="]), m("mrow", [m("mo", ["("]), ...diff, m("mo", [")"])]), m("mo", ["⊙"]), gCol], [m("mo", ["="]), dCol]);
    }
    const nNext = md.deltaNext.length;
    if (big(n, nNext)) return h("p", "small", `(W${sup(ui + 1)})ᵀ is ${n} × ${nNext}: too large to print here.`);
    const wt = matrix(n, nNext, (i, k) => ({ value: md.Wnext[k][i], ref: { layer: l + 1, from: i, to: k } }));
    return lines("delta",
      [...lhs, m("msup", [m("mrow", [m("mo", ["("]), leafMi("W", ui + 1), m("mo", [")"])]), m("mi", ["T"])]), leafMi("δ", ui + 1),
        m("mo", ["⊙"]), ...gz],
      [m("mo", ["="]), shaped(wt, [n, nNext]), shaped(column(md.deltaNext, neuron(l + 1)), [nNext, 1]), m("mo", ["⊙"]), gCol],
      [m("mo", ["="]), dCol]);
  }

  const sup = (n) => `⁽${n}⁾`;

  function draw() {
    out.replaceChildren();
    const c = last;
    if (!c || !c.pass) {
      out.appendChild(h("p", "small", "Press Forward (and Backward) first: the matrices hold the shown sample's numbers."));
      return;
    }
    const md = matrixData(c, layer);
    const ui = layer + 1;
    out.appendChild(h("h3", "", `Layer ${ui}: the forward pass`));
    out.appendChild(zEquation(md, ui));
    out.appendChild(h("p", "words", theta.checked
      ? `Θ${sup(ui)} puts the biases in column 0 and multiplies a with a₀ = 1 prepended: the older slides' form of the same sum.`
      : `Row j of W${sup(ui)} holds the weights into neuron j; column k those out of neuron k of layer ${ui - 1}.`));
    out.appendChild(h("h3", "", `Layer ${ui}: the error`));
    if (md.delta) {
      out.appendChild(deltaEquation(md, ui));
      out.appendChild(h("p", "words", md.output ? "Equation 1, for every output neuron at once."
        : `Equation 2, vectorised: the transposed weights carry the error of layer ${ui + 1} back; ⊙ multiplies entry by entry.`));
    } else {
      out.appendChild(h("p", "small", "Press Backward for δ."));
    }
  }

  select.addEventListener("change", () => { layer = Number(select.value); draw(); });
  theta.addEventListener("change", draw);

  return {
    element,
    /** ctx as in inspector-math.js; prefer = the layer to show when none was chosen yet. */
    render(ctx, prefer) {
      last = ctx;
      const sizes = ctx.net ? ctx.net.layer_sizes : [];
      if (select.options.length !== sizes.length - 1) {
        select.replaceChildren(...sizes.slice(1).map((n, i) => {
          const o = h("option", "", `${i + 2}${i + 2 === sizes.length ? " (output)" : " (hidden)"}`);
          o.value = String(i + 1);
          return o;
        }));
        layer = null;
      }
      if (layer === null || layer >= sizes.length) layer = prefer || sizes.length - 1;
      select.value = String(layer);
      draw();
    },
    reset() { layer = null; last = null; select.replaceChildren(); out.replaceChildren(); },
  };
}
