// Pure data helpers: the batch of a pass, the data a network wants. No DOM here (pasted CSV: csv.js).

/** The page's batch modes: the shown sample only, a mini-batch from it, or every sample. */
export const MODES = ["one", "mini", "full"];

/** The sample a page opens on: the first whose inputs are all non-zero, so that every
 * input weight's gradient δ·x can be non-zero in the first derivation a student opens. */
export function informativeSample(inputs) {
  const i = inputs.findIndex((x) => x.every((v) => v !== 0));
  return i >= 0 ? i : 0;
}

/** Which sample rows a Forward/Backward/Step uses, and where the shown sample sits in them. */
export function batchFor(m, { mode, batchSize, sample }) {
  const s = Math.min(Math.max(0, sample), m - 1);
  if (mode === "one") return { rows: [s], shown: 0 };
  if (mode === "mini") {
    const n = Math.max(1, Math.min(batchSize, m));
    return { rows: Array.from({ length: n }, (_, i) => (s + i) % m), shown: 0 };
  }
  return { rows: Array.from({ length: m }, (_, i) => i), shown: s };
}

/** The /train batch_size for a mode (undefined = full batch). */
export function trainBatchSize(m, { mode, batchSize }) {
  if (mode === "one") return 1;
  if (mode === "mini") return Math.max(1, Math.min(batchSize, m));
  return undefined;
}

/** The (x1, x2) of each training sample for drawing: the data set's points, or 2-D inputs themselves. */
export function drawnPoints(data) {
  if (data.points && data.points.length) return data.points;
  return data.inputs.length && data.inputs[0].length === 2 ? data.inputs : null;
}

/** The data holds held-out test samples. */
export const hasTest = (data) => Boolean(data.test_inputs && data.test_inputs.length);

/** The input columns are the plain x1, x2 (no feature inputs). */
export const plainFeatures = (names) => !names || names.join(",") === "x1,x2";

/** Why the API would refuse this output activation, loss and number of outputs (its own
 * sentence, from GET /api/rules), or null when it accepts them. */
export function comboProblem(rules, outputActivation, loss, nOutputs) {
  const width = rules.output_widths.find((w) => w.output_activation === outputActivation);
  if (width && nOutputs < width.at_least) return width.reason;
  const pair = rules.pairings.find((p) => p.output_activation === outputActivation && p.loss === loss);
  return pair && !pair.allowed ? pair.reason : null;
}

/** The rules of GET /api/rules in words: each loss that needs one output activation, each
 * activation that needs several outputs. `names` gives a loss its long name. */
export function rulesText(rules, names) {
  const needs = rules.losses.map((loss) => [loss, rules.pairings.filter((p) => p.loss === loss && p.allowed)])
    .filter(([, ok]) => ok.length === 1)
    .map(([loss, [ok]]) => `${names[loss] || loss} needs a ${ok.output_activation} output`);
  const widths = rules.output_widths.filter((w) => w.at_least > 1)
    .map((w) => `${w.output_activation} needs ${w.at_least} or more target columns`);
  return `${[...needs, ...widths].join("; ")}.`.replace(/^./, (c) => c.toUpperCase());
}

/** What data a network of these widths needs, in a sentence that says where to paste it. */
export function wantedData(layerSizes) {
  const [nIn, nOut] = [layerSizes[0], layerSizes[layerSizes.length - 1]];
  const s = (n) => (n === 1 ? "" : "s");
  return `This network takes ${nIn} input${s(nIn)} and gives ${nOut} output${s(nOut)}, and no built-in data set `
    + `has that shape: paste CSV data with ${nIn + nOut} columns per line (${nIn} input${s(nIn)}, then `
    + `${nOut} target${s(nOut)}) under “Use your own data (CSV)”, then press “Use this data”.`;
}
