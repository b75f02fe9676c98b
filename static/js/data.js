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

/** Which output activations and losses go together, and why not, in plain words. */
export function comboProblem(outputActivation, loss, nOutputs) {
  if (outputActivation === "softmax" && nOutputs < 2) {
    return "Softmax needs at least 2 output neurons (one per class): with 1 it always outputs 1.";
  }
  if (loss === "bce" && outputActivation !== "sigmoid") return "Binary cross-entropy needs a sigmoid output layer.";
  if (loss === "cross_entropy" && outputActivation !== "softmax") return "Cross-entropy needs a softmax output layer.";
  return null;
}

/** What data a network of these widths needs, in a sentence that says where to paste it. */
export function wantedData(layerSizes) {
  const [nIn, nOut] = [layerSizes[0], layerSizes[layerSizes.length - 1]];
  const s = (n) => (n === 1 ? "" : "s");
  return `This network takes ${nIn} input${s(nIn)} and gives ${nOut} output${s(nOut)}, and no built-in data set `
    + `has that shape: paste CSV data with ${nIn + nOut} columns per line (${nIn} input${s(nIn)}, then `
    + `${nOut} target${s(nOut)}) under “Use your own data (CSV)”, then press “Use this data”.`;
}
