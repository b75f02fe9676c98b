// Pure data helpers: parse pasted CSV, choose the batch of a pass. No DOM here.

export const MAX_ROWS = 10000;
export const MAX_COLUMNS = 64;

/**
 * Parse "inputs..., targets..." lines. Returns {inputs, targets}; throws an Error whose
 * message says, in plain words, what is wrong and where.
 */
export function parseCSV(text, nTargets) {
  if (!Number.isInteger(nTargets) || nTargets < 1) throw new Error("Target columns must be a whole number of at least 1.");
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length === 0) throw new Error("The data is empty: paste at least one line of numbers.");
  const rows = [];
  lines.forEach((line, i) => {
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const nums = cells.map(Number);
    const bad = cells.findIndex((c, k) => c === "" || !Number.isFinite(nums[k]));
    if (bad >= 0) {
      if (i === 0 && rows.length === 0) return;   // a header line
      throw new Error(`Line ${i + 1}, column ${bad + 1}: "${cells[bad].slice(0, 20)}" is not a number.`);
    }
    rows.push(nums);
  });
  if (rows.length === 0) throw new Error("There is a header but no lines of numbers below it.");
  if (rows.length > MAX_ROWS) throw new Error(`At most ${MAX_ROWS} samples, not ${rows.length}.`);
  const width = rows[0].length;
  const odd = rows.findIndex((r) => r.length !== width);
  if (odd >= 0) throw new Error(`Every line needs ${width} numbers like the first, but sample ${odd + 1} has ${rows[odd].length}.`);
  if (width <= nTargets) throw new Error(`Each line has ${width} numbers: that leaves no inputs besides ${nTargets} target column(s).`);
  if (width - nTargets > MAX_COLUMNS) throw new Error(`At most ${MAX_COLUMNS} input columns, not ${width - nTargets}.`);
  return {
    inputs: rows.map((r) => r.slice(0, width - nTargets)),
    targets: rows.map((r) => r.slice(width - nTargets)),
  };
}

/** The page's batch modes: the shown sample only, a mini-batch from it, or every sample. */
export const MODES = ["one", "mini", "full"];

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
