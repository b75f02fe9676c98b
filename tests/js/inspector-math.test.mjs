// Pure tests of static/js/inspector-math.js against hand-computed numbers (run by
// tests/test_inspector_math.py, which runs node --test on a copy inside a {"type": "module"} package).
import { test } from "node:test";
import assert from "node:assert/strict";
import { agreement, costGradA, neuronDerivation, vanishing, weightDerivation } from "../../static/js/inspector-math.js";

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
  assert.equal(costGradA("bce", 0.25, 1), (0.25 - 1) / (0.25 * 0.75));
  assert.equal(costGradA("mse", 0.44, 1), 0.44 - 1); // the lecture's -0.56, with its sign
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
