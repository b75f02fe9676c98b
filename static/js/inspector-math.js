// Pure: the derivations the inspector typesets, built from API results. No DOM here.
//
// A derivation is a list of sections {title, lines}; a line is {items, words?, note?}; items
// are the tokens of tokens.js.
// ctx = {net: the network the pass used, pass: {kind, result, batch, shown}, after: the
// network after a Step or null, check: a /gradient-check result or null}.

import { weightSym } from "./format.js";
import { C, d, neuronSym, num, op, partial, sum, text, weightTok } from "./tokens.js";

export const G_NAMES = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", linear: "id", softmax: "softmax" };
// Kept short: a long text in a MathML line overflows the panel (it cannot wrap).
const NOTES = { sigmoid: "σ′(z) ≤ 0.25 for every z", softmax: "for softmax, g′ is the diagonal of its Jacobian" };
const G_PRIME = {
  sigmoid: "σ(z)(1 − σ(z)) = a(1 − a)", tanh: "1 − tanh²(z) = 1 − a²", relu: "1 if z > 0, else 0",
  linear: "1", softmax: "a(1 − a)",
};
// The lecture's sentence "in words" for each factor of the chain.
export const WORDS = [
  "how the cost depends on the final activation",
  "how that activation depends on its weighted input",
  "how that weighted input depends on the hidden activation",
  "how the hidden activation depends on its weighted input",
  "how that weighted input depends on the weight",
];

const field = (pass, f, l) => pass.result.layers[l][f];
const outputShortcut = (net) => (net.loss === "bce" && net.output_activation === "sigmoid")
  || (net.loss === "cross_entropy" && net.output_activation === "softmax");

export function neuronDerivation(ctx, l, j) {
  const { net, pass } = ctx;
  const s = pass.shown;
  const L = net.layer_sizes.length - 1;
  const a = field(pass, "a", l)[s];
  if (l === 0) {
    return [{ title: "Input", lines: [{ items: [neuronSym("a", 0, j), op("="), neuronSym("x", 0, j), op("="), num(a[j], true)],
      words: "the input layer passes the sample's value on unchanged" }] }];
  }
  const prev = field(pass, "a", l - 1)[s];
  const z = field(pass, "z", l)[s][j];
  const gp = field(pass, "g_prime", l)[s][j];
  const act = l === L ? net.output_activation : net.hidden_activation;
  const w = net.weights[l - 1][j];
  const b = net.biases[l - 1][j];
  const terms = prev.map((ak, k) => [weightTok(l, j, k, w[k]), op("·"), neuronSym("a", l - 1, k, ak)]);
  const sections = [{ title: "Weighted input", lines: [
    { items: [neuronSym("z", l, j), op("="), text("∑ₖ"), { t: "sym", base: "w", sub: `${j + 1}k`, sup: String(l + 1) },
      { t: "sym", base: "a", sub: "k", sup: String(l) }, op("+"), neuronSym("b", l, j)] },
    { items: [neuronSym("z", l, j), op("="), ...sum([...terms, [neuronSym("b", l, j, b)]]), op("="), num(z, true)],
      words: `z is the weighted sum of the ${prev.length} activations of layer ${l} plus the bias` },
  ] }, { title: "Activation", lines: [
    { items: [neuronSym("a", l, j), op("="), text(G_NAMES[act]), { t: "paren", items: [neuronSym("z", l, j, z)] },
      op("="), num(a[j], true)] },
    { items: [{ t: "sym", base: "g′", sub: "", sup: "" }, { t: "paren", items: [neuronSym("z", l, j, z)] }, op("="),
      text(G_PRIME[act]), op("="), num(gp, true)], note: NOTES[act] },
  ] }];
  if (pass.kind === "forward") {
    sections.push({ title: "Error δ", lines: [{ items: [text("press Backward for δ")] }] });
    return sections;
  }
  const delta = field(pass, "delta", l)[s][j];
  sections.push({ title: "Error δ = ∂C/∂z", lines: [deltaLine(ctx, l, j, delta, gp)].flat() });
  sections.push(...paramSections(ctx, { layer: l, to: j, from: null }));
  return sections;
}

/** g′(z_j^(l)) with its value under it. */
const gOf = (l, j, gp) => [text("g′"), { t: "paren", items: [neuronSym("z", l, j)] }, { t: "val", value: gp }];

/** The line (or, for a coupled softmax output, the lines) of the neuron's δ. */
function deltaLine(ctx, l, j, delta, gp) {
  const { net, pass } = ctx;
  const s = pass.shown;
  const L = net.layer_sizes.length - 1;
  const lhs = [neuronSym("δ", l, j), op("=")];
  if (l === L) {
    const a = field(pass, "a", l)[s][j];
    const y = pass.batch.targets[s][j];
    const diff = [neuronSym("a", l, j, a), op("−"), neuronSym("y", l, j, y)];
    if (outputShortcut(net)) {
      return { items: [...lhs, ...diff, op("="), num(delta, true)],
        words: "equation 1 for cross-entropy: the derivative of the loss and of the output activation cancel to a − y" };
    }
    if (net.output_activation === "softmax") return softmaxDeltaLines(ctx, l, j, delta);
    return { items: [...lhs, { t: "paren", items: diff }, op("·"), ...gOf(l, j, gp),
      op("="), num(delta, true)], words: "equation 1: how wrong the output is, times how fast it moves with z",
    note: "the slide's y − a has the opposite sign: ∂C/∂a = a − y" };
  }
  const next = field(pass, "delta", l + 1)[s];
  const terms = next.map((dk, k) => [weightTok(l + 1, k, j, net.weights[l][k][j]), op("·"), neuronSym("δ", l + 1, k, dk)]);
  return { items: [...lhs, { t: "paren", items: sum(terms) }, op("·"), ...gOf(l, j, gp),
    op("="), num(delta, true)],
  words: `equation 2: moves the error from the inputs of the neurons in layer ${l + 2} back to the output of this neuron` };
}

/** Equation 1 for a softmax output with MSE (the only loss besides cross-entropy a softmax
 * output may have): δⱼ = aⱼ (gⱼ − ∑ₖ gₖ aₖ), g = a − y. */
function softmaxDeltaLines(ctx, l, j, delta) {
  const { net, pass } = ctx;
  const [a, y] = [field(pass, "a", l)[pass.shown], pass.batch.targets[pass.shown]];
  const g = pass.result.cost_grad[pass.shown];   // dC_i/da_k of the output layer, the API's
  const dot = g.reduce((acc, gk, k) => acc + gk * a[k], 0);
  const gSym = (k, value) => ({ ...neuronSym("g", l, k, value), sup: "" });
  const sumK = { t: "group", items: [text("∑ₖ"), { t: "sym", base: "g", sub: "k", sup: "" },
    { t: "sym", base: "a", sub: "k", sup: String(l + 1) }] };
  const terms = a.map((ak, k) => [gSym(k, g[k]), op("·"), neuronSym("a", l, k, ak)]);
  return [
    { items: [gSym(j), op("="), partial(C, neuronSym("a", l, j)), op("="), neuronSym("a", l, j, a[j]), op("−"),
      neuronSym("y", l, j, y[j]), op("="), num(g[j])], words: "how the cost depends on this output's activation",
    note: "the slide's y − a has the opposite sign: ∂C/∂a = a − y" },
    { items: [sumK, op("="), ...sum(terms), { t: "br" }, op("="), num(dot)],
      words: `every output's g weighted by its activation, over the ${a.length} outputs` },
    { items: [neuronSym("δ", l, j), op("="), neuronSym("a", l, j, a[j]), op("·"),
      { t: "paren", items: [gSym(j, g[j]), op("−"), sumK, { t: "val", value: dot }] }, op("="), num(delta, true)],
    words: "softmax couples the outputs: δⱼ = aⱼ (gⱼ − ∑ₖ gₖ aₖ) with g = ∂C/∂a = a − y" },
  ];
}

/** Equation 3 or 4 over the batch, L2, the update, the gradient check. from = null: bias. */
function paramSections(ctx, { layer: l, to: j, from: k }) {
  const { net, pass, after, check } = ctx;
  const isBias = k === null;
  const m = pass.batch.rows.length;
  const deltas = field(pass, "delta", l).map((r) => r[j]);
  const prev = field(pass, "a", l - 1).map((r) => r[k]);
  const p = isBias ? net.biases[l - 1][j] : net.weights[l - 1][j][k];
  const grad = isBias ? pass.result.gradients.biases[l - 1][j] : pass.result.gradients.weights[l - 1][j][k];
  const pTok = isBias ? neuronSym("b", l, j) : weightTok(l, j, k);
  const dPar = d({ ...C, base: "∂C" }, { ...pTok, base: "∂" + pTok.base });
  const term = (i) => (isBias ? [neuronSym("δ", l, j, deltas[i])]
    : [neuronSym("δ", l, j, deltas[i]), op("·"), neuronSym("a", l - 1, k, prev[i])]);
  const value = (i) => (isBias ? deltas[i] : deltas[i] * prev[i]);
  const s = pass.shown;
  const lines = [{ items: [dPar, op("="), ...term(s), op("="), num(value(s))],
    words: isBias ? "equation 3: ∂z/∂b = 1, so the bias's gradient is the neuron's δ"
      : "equation 4: the error of the neuron the weight feeds, times the activation it carries", sample: true }];
  const sampleNo = `(sample #${pass.batch.rows[s] + 1})`;
  const sections = [{ title: isBias ? `Bias gradient ${sampleNo}` : `Gradient ${sampleNo}`, lines }];
  const batchLines = [];
  const l2 = !isBias && net.l2 > 0;
  if (m > 1) {
    const rows = pass.batch.rows.map((r, i) => ({ items: [text(`#${r + 1}`), ...term(i), op("="), num(value(i))], perSample: i }));
    batchLines.push(...(rows.length > 12 ? [...rows.slice(0, 11), { items: [text(`… ${rows.length - 11} more`)] }] : rows));
    const mean = pass.batch.rows.reduce((acc, _, i) => acc + value(i), 0) / m;
    const terms = pass.batch.rows.map((_, i) => [num(value(i))]);
    const sumItems = m <= 6 ? [text(`1/${m}`), op("·"), { t: "paren", items: sum(terms) }] : [text(`1/${m} · (the ${m} terms)`)];
    batchLines.push({ items: [text("mean"), op("="), ...sumItems, { t: "br" }, op("="), num(mean)],
      words: `the average over the m = ${m} samples of the batch`, mean: true });
  }
  if (l2) {
    batchLines.push({ items: [text("L2 term"), { t: "sym", base: "λ", sub: "", sup: "", value: net.l2 }, op("/"),
      { t: "sym", base: "m", sub: "", sup: "", value: m }, op("·"), { ...pTok, value: p }, op("="), num(net.l2 / m * p)],
    words: "the regularisation term, added separately (biases are not regularised)", l2: true });
  }
  const total = [dPar, op("="), ...(m > 1 ? [text("mean")] : term(s)), ...(l2 ? [op("+"), text("(λ/m) w")] : []),
    op("="), num(grad, true)];
  batchLines.push({ items: total, words: m > 1 ? "what backprop returns for the batch" : "what backprop returns", total: true });
  sections.push({ title: m > 1 ? `Over the batch (m = ${m})` : "With everything", lines: batchLines });
  const alpha = { t: "sym", base: "α", sub: "", sup: "", value: net.learning_rate };
  const upd = [{ ...pTok, value: p }, op("−"), alpha, op("·"), { ...dPar, value: undefined }, { t: "val", value: grad }, op("=")];
  if (pass.kind === "step" && after) {
    const nw = isBias ? after.biases[l - 1][j] : after.weights[l - 1][j][k];
    sections.push({ title: "The update (this Step)",
      lines: [{ items: [...upd, num(nw, true)], words: "a small step against the gradient", update: true }] });
  } else {
    sections.push({ title: "The update", lines: [{ items: [...upd, text("(press Step)")],
      words: "a small step against the gradient; Step computes the new value" }] });
  }
  if (check) {
    const g = (part) => (isBias ? check[part].biases[l - 1][j] : check[part].weights[l - 1][j][k]);
    sections.push({ title: "Gradient check", check: true, lines: [
      { items: [text("backprop"), op("="), num(g("backprop"), true)] },
      { items: [text("numerical"), op("="), d(text("C(p + ε) − C(p − ε)"), text("2ε")), op("="), num(g("numerical"), true)] },
      { items: [text("relative error"), op("="), num(g("relative_error"), true)],
        words: "|backprop − numerical| / (|backprop| + |numerical|); below 1e−6 they agree" },
    ] });
  }
  return sections;
}

export function weightDerivation(ctx, l, j, k) {
  const { net, pass } = ctx;
  if (pass.kind === "forward") {
    return [{ title: "Gradient", lines: [{ items: [text("press Backward for ∂C/∂w")] }] }];
  }
  const sections = paramSections(ctx, { layer: l, to: j, from: k });
  const L = net.layer_sizes.length - 1;
  if (l < L) sections.splice(1, 0, chainSection(ctx, l, j, k));
  return sections;
}

/** The chain rule for a hidden weight, each factor with its value and the lecture's words. */
function chainSection(ctx, l, j, k) {
  const { net, pass } = ctx;
  const s = pass.shown;
  const L = net.layer_sizes.length - 1;
  const gp = field(pass, "g_prime", l)[s][j];
  const ak = field(pass, "a", l - 1)[s][k];
  const w = weightTok(l, j, k);
  const aj = neuronSym("a", l, j);
  const zj = neuronSym("z", l, j);
  const tail = [[partial(aj, zj), gp, WORDS[3]], [partial(zj, w), ak, WORDS[4]]];
  const lines = [];
  let total = 0;
  const nNext = net.layer_sizes[l + 1];
  const elementwise = l + 1 === L && net.output_activation !== "softmax";
  for (let i = 0; i < nNext; i += 1) {
    const zi = neuronSym("z", l + 1, i);
    const wij = net.weights[l][i][j];
    let factors;
    if (elementwise) {
      const ai = neuronSym("a", L, i);
      factors = [[partial({ ...C, base: "C" }, ai), pass.result.cost_grad[s][i], WORDS[0]],
        [partial(ai, zi), field(pass, "g_prime", L)[s][i], WORDS[1]]];
    } else {
      factors = [[partial({ ...C, base: "C" }, zi), field(pass, "delta", l + 1)[s][i],
        `how the cost depends on the weighted input of neuron ${i + 1} in layer ${l + 2}: its δ`]];
    }
    factors.push([partial(zi, aj), wij, `${WORDS[2]} (the weight ${weightSym(l + 1, i, j)})`]);
    const all = [...factors, ...tail];
    const product = all.reduce((acc, f) => acc * f[1], 1);
    total += product;
    const items = all.flatMap((f, n) => [...(n ? [op("·")] : []), f[0], { t: "val", value: f[1] }]);
    lines.push({ items: [...items, op("="), num(product)],
      factors: all.map((f) => ({ value: f[1], words: f[2] })), chain: true });
  }
  if (nNext > 1) {
    lines.push({ items: [text(`sum over the ${nNext} neurons of layer ${l + 2}`), op("="), num(total)], chainTotal: true });
  }
  const softmaxOut = l + 1 === L && net.output_activation === "softmax";
  const note = softmaxOut ? `the softmax couples the outputs (each zᵢ moves every a), so the chain goes through the output's `
    + `δᵢ = ∂C/∂zᵢ = ${outputShortcut(net) ? "aᵢ − yᵢ" : "aᵢ (gᵢ − ∑ₖ gₖ aₖ)"}, not through ∂C/∂aᵢ · ∂aᵢ/∂zᵢ alone`
    : `∂C/∂z of layer ${l + 2} is its δ, already the whole chain from the output back to there`;
  return { title: `The chain rule (sample #${pass.batch.rows[s] + 1})`, lines, note: elementwise ? "" : note };
}

/** Agreement of one gradient-check entry: "ok" (< 1e-6), "warn" (< 1e-3) or "bad". */
export const agreement = (relErr) => (relErr < 1e-6 ? "ok" : relErr < 1e-3 ? "warn" : "bad");

const REASONS = {
  sigmoid: "each layer back multiplies δ by σ′(z) ≤ 0.25 (near 0 for saturated neurons), "
    + "so the layers near the input barely learn",
  tanh: "each layer back multiplies δ by tanh′(z) = 1 − a², near 0 for saturated neurons, "
    + "so the layers near the input barely learn",
  relu: "ReLUs with z ≤ 0 pass no error back (g′ = 0), so the layers near the input barely learn",
  linear: "the weights on the way back are small, so the error shrinks at every layer",
};

/**
 * Vanishing gradients: mean |δ| per layer (over the batch) compared with the output layer's.
 * layers: the API's layers (index 0 = input, no delta). Returns null, or the hidden layer
 * with the smallest ratio when it is at least `orders` orders of magnitude below the output.
 */
export function vanishing(layers, hiddenActivation, orders = 2) {
  const meanAbs = (rows) => rows.reduce((acc, r) => acc + r.reduce((x, v) => x + Math.abs(v), 0), 0)
    / (rows.length * rows[0].length);
  const L = layers.length - 1;
  if (L < 2 || !layers[L].delta) return null;
  const out = meanAbs(layers[L].delta);
  if (!(out > 0)) return null;
  let worst = null;
  for (let l = 1; l < L; l += 1) {
    const ratio = meanAbs(layers[l].delta) / out;
    if (!worst || ratio < worst.ratio) worst = { layer: l, ratio, mean: meanAbs(layers[l].delta), output: out };
  }
  if (!worst || worst.ratio > 10 ** -orders) return null;
  const drop = worst.ratio > 0 ? Math.floor(-Math.log10(worst.ratio)) : Infinity;
  return { ...worst, orders: drop, reason: REASONS[hiddenActivation] || REASONS.sigmoid };
}

/** The numbers of the matrix view for layer l >= 1 and the shown sample. */
export function matrixData(ctx, l) {
  const { net, pass } = ctx;
  const s = pass.shown;
  const L = net.layer_sizes.length - 1;
  const lay = pass.result.layers;
  const out = {
    layer: l, W: net.weights[l - 1], b: net.biases[l - 1], aPrev: lay[l - 1].a[s], z: lay[l].z[s], a: lay[l].a[s],
    gPrime: lay[l].g_prime[s], shapes: { W: [net.layer_sizes[l], net.layer_sizes[l - 1]] }, output: l === L,
  };
  if (lay[l].delta) {
    out.delta = lay[l].delta[s];
    if (l < L) {
      out.Wnext = net.weights[l];
      out.deltaNext = lay[l + 1].delta[s];
    } else {
      out.y = pass.batch.targets[s];
      out.shortcut = outputShortcut(net);
      out.softmax = net.output_activation === "softmax";
    }
  }
  return out;
}
