// Pure tests of static/js/inspector-math.js against hand-computed numbers (run by
// tests/test_inspector_math.py, which runs node --test on a copy inside a {"type": "module"} package).
import { test } from "node:test";
import assert from "node:assert/strict";
import { agreement, neuronDerivation, vanishing, weightDerivation } from "../../static/js/inspector-math.js";

const sig = (z) => 1 / (1 + Math.exp(-z));

// A 1-1-1 sigmoid network, squared error, one sample, worked by hand.
const [w1, b1, w2, b2, x, y] = [0.8, -0.3, -1.4, 0.25, 0.5, 1];
const z1 = w1 * x + b1,
  a1 = sig(z1),
  z2 = w2 * a1 + b2,
  a2 = sig(z2);
const d2 = (a2 - y) * a2 * (1 - a2),
  d1 = w2 * d2 * a1 * (1 - a1);
const net = {
  layer_sizes: [1, 1, 1],
  weights: [[[w1]], [[w2]]],
  biases: [[b1], [b2]],
  hidden_activation: "sigmoid",
  output_activation: "sigmoid",
  loss: "mse",
  learning_rate: 0.5,
  l2: 0,
};
const result = {
  layers: [
    { a: [[x]] },
    { a: [[a1]], z: [[z1]], g_prime: [[a1 * (1 - a1)]], delta: [[d1]] },
    { a: [[a2]], z: [[z2]], g_prime: [[a2 * (1 - a2)]], delta: [[d2]] },
  ],
  cost_grad: [[a2 - y]], // dC/da of squared error, as the API sends it
  gradients: { weights: [[[d1 * x]], [[d2 * a1]]], biases: [[d1], [d2]] },
};
const ctx = {
  net,
  pass: { kind: "backward", result, batch: { rows: [0], targets: [[y]] }, shown: 0 },
  after: null,
  check: null,
};
const nums = (items) => items.flatMap((t) => (t.t === "num" ? [t.value] : t.t === "paren" ? nums(t.items) : []));
const syms = (items) =>
  items.flatMap((t) =>
    t.t === "sym" && t.value !== undefined
      ? [[t.base, t.value]]
      : t.t === "val"
        ? [["value of the term before", t.value]]
        : t.t === "paren"
          ? syms(t.items)
          : [],
  );

test("the hidden weight's chain has the lecture's five factors with the hand values", () => {
  const chain = weightDerivation(ctx, 1, 0, 0).find((s) => s.title.startsWith("The chain rule"));
  const line = chain.lines[0];
  assert.deepEqual(
    line.factors.map((f) => f.value),
    [a2 - y, a2 * (1 - a2), w2, a1 * (1 - a1), x],
  );
  assert.match(line.factors[0].words, /how the cost depends on the final activation/);
  assert.ok(Math.abs(nums(line.items).at(-1) - d1 * x) < 1e-15);
});

test("a neuron's z is expanded term by term and its delta moved back by equation 2", () => {
  const secs = neuronDerivation(ctx, 1, 0);
  const zLine = secs[0].lines[1];
  assert.deepEqual(syms(zLine.items), [
    ["w", w1],
    ["a", x],
    ["b", b1],
  ]);
  assert.equal(nums(zLine.items).at(-1), z1);
  const dLine = secs.find((s) => s.title.startsWith("Error")).lines[0];
  assert.deepEqual(syms(dLine.items), [
    ["w", w2],
    ["δ", d2],
    ["value of the term before", a1 * (1 - a1)],
  ]);
  assert.equal(nums(dLine.items).at(-1), d1);
});

test("output delta: (a - y) g'(z) for squared error, a - y for cross-entropy", () => {
  const mse = neuronDerivation(ctx, 2, 0).find((s) => s.title.startsWith("Error")).lines[0];
  assert.deepEqual(syms(mse.items), [
    ["a", a2],
    ["y", y],
    ["value of the term before", a2 * (1 - a2)],
  ]);
  const bce = { ...ctx, net: { ...net, loss: "bce" } };
  const line = neuronDerivation(bce, 2, 0).find((s) => s.title.startsWith("Error")).lines[0];
  assert.deepEqual(syms(line.items), [
    ["a", a2],
    ["y", y],
  ]);
});

test("dC/da in the chain is the API's cost_grad, never computed in the page", () => {
  const g = (0.25 - 1) / (0.25 * 0.75); // what binary cross-entropy's dC/da would be at a = 0.25, y = 1
  const bce = { ...ctx, net: { ...net, loss: "bce" }, pass: { ...ctx.pass, result: { ...result, cost_grad: [[g]] } } };
  const chain = weightDerivation(bce, 1, 0, 0).find((s) => s.title.startsWith("The chain rule"));
  assert.equal(chain.lines[0].factors[0].value, g);
  assert.equal(chain.lines[0].factors[0].value, bce.pass.result.cost_grad[0][0]);
});

test("vanishing: warns when a hidden layer's mean |delta| is 2+ orders below the output's", () => {
  const layers = (...means) => [
    { a: [[0]] },
    ...means.map((v) => ({
      delta: [
        [v, -v],
        [v, -v],
      ],
    })),
  ];
  assert.equal(vanishing(layers(0.02, 0.05, 0.1), "sigmoid"), null);
  const found = vanishing(layers(1e-5, 1e-3, 0.1), "sigmoid");
  assert.equal(found.layer, 1);
  assert.ok(Math.abs(found.ratio - 1e-4) < 1e-12);
  assert.equal(found.orders, 4);
  assert.match(found.reason, /0\.25/);
  assert.equal(vanishing(layers(1e-9, 0), "sigmoid"), null); // a perfect output: nothing to move back
  assert.equal(vanishing([{ a: [[0]] }, { delta: [[1]] }], "sigmoid"), null); // no hidden layer
});

test("agreement thresholds", () => {
  assert.deepEqual([0, 9e-7, 1e-6, 5e-4, 1e-3, 1].map(agreement), ["ok", "ok", "warn", "warn", "bad", "bad"]);
});

// A 2-2-3 network, sigmoid hidden layer, softmax output, squared error, one sample, by hand.
const sm = (() => {
  const x = [0.6, -0.2], y = [0, 1, 0];
  const W1 = [[0.5, -0.7], [0.3, 0.9]], b1 = [0.1, -0.2];
  const W2 = [[1.2, -0.4], [-0.8, 0.6], [0.3, 1.1]], b2 = [0.05, -0.1, 0.2];
  const z1 = W1.map((r, j) => r[0] * x[0] + r[1] * x[1] + b1[j]), a1 = z1.map(sig);
  const z2 = W2.map((r, j) => r[0] * a1[0] + r[1] * a1[1] + b2[j]);
  const e = z2.map(Math.exp), a2 = e.map((v) => v / (e[0] + e[1] + e[2]));
  const g = [a2[0] - y[0], a2[1] - y[1], a2[2] - y[2]];
  const dot = g[0] * a2[0] + g[1] * a2[1] + g[2] * a2[2];
  const d2 = a2.map((ai, i) => ai * (g[i] - dot));
  const d1 = a1.map((aj, j) => (W2[0][j] * d2[0] + W2[1][j] * d2[1] + W2[2][j] * d2[2]) * aj * (1 - aj));
  const net = { layer_sizes: [2, 2, 3], weights: [W1, W2], biases: [b1, b2], hidden_activation: "sigmoid",
    output_activation: "softmax", loss: "mse", learning_rate: 0.5, l2: 0 };
  const result = { layers: [{ a: [x] }, { a: [a1], z: [z1], g_prime: [a1.map((v) => v * (1 - v))], delta: [d1] },
    { a: [a2], z: [z2], g_prime: [a2.map((v) => v * (1 - v))], delta: [d2] }], cost_grad: [g],
  gradients: { weights: [d1.map((dj) => x.map((xk) => dj * xk)), d2.map((di) => a1.map((ak) => di * ak))], biases: [d1, d2] } };
  const ctx = { net, pass: { kind: "backward", result, batch: { rows: [0], targets: [y] }, shown: 0 }, after: null, check: null };
  return { x, y, W2, a1, a2, g, dot, d1, d2, ctx };
})();
const close = (got, want) => assert.ok(Math.abs(got - want) < 1e-15 * Math.max(1, Math.abs(want)), `${got} != ${want}`);

test("softmax + squared error: g = a - y, the sum g_k a_k term by term, then delta = a_j (g_j - sum)", () => {
  const j = 1;
  const lines = neuronDerivation(sm.ctx, 2, j).find((s) => s.title.startsWith("Error")).lines;
  assert.equal(lines.length, 3);
  const [gLine, sumLine, dLine] = lines;
  assert.deepEqual(syms(gLine.items), [["a", sm.a2[j]], ["y", sm.y[j]]]);
  close(nums(gLine.items).at(-1), sm.g[j]);
  assert.deepEqual(syms(sumLine.items).map(([b]) => b), ["g", "a", "g", "a", "g", "a"]);
  syms(sumLine.items).forEach(([b, v], n) => close(v, b === "g" ? sm.g[n >> 1] : sm.a2[n >> 1]));
  close(nums(sumLine.items).at(-1), sm.dot);
  const dSyms = syms(dLine.items);
  assert.deepEqual(dSyms.map(([b]) => b), ["a", "g", "value of the term before"]);
  close(dSyms[0][1], sm.a2[j]);
  close(dSyms[1][1], sm.g[j]);
  close(dSyms[2][1], sm.dot);
  assert.equal(nums(dLine.items).at(-1), sm.d2[j]);
  assert.match(dLine.words, /softmax couples the outputs/);
});

test("softmax + squared error: a hidden weight's chain goes through the output deltas", () => {
  const [j, k] = [1, 0];
  const chain = weightDerivation(sm.ctx, 1, j, k).find((s) => s.title.startsWith("The chain rule"));
  const perOutput = chain.lines.filter((line) => line.chain);
  assert.equal(perOutput.length, 3);
  perOutput.forEach((line, i) => {
    assert.deepEqual(line.factors.map((f) => f.value), [sm.d2[i], sm.W2[i][j], sm.a1[j] * (1 - sm.a1[j]), sm.x[k]]);
  });
  close(nums(chain.lines.at(-1).items).at(-1), sm.d1[j] * sm.x[k]);
  assert.match(chain.note, /softmax couples the outputs/);
});
