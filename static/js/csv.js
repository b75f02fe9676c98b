// Pasted data -> {inputs, targets}: Papa Parse reads the CSV (RFC 4180 quoting), this module
// says what the numbers may be. No DOM here. Every error names the physical line (blank and
// `#` comment lines count) and says what is allowed; the limits are the API's (limits.js).

import Papa from "../vendor/papaparse/papaparse.esm.js";
import { rangeText } from "./limits.js";

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;   // no 0x10, 0b11, Infinity, 1_000
const DECIMAL_COMMA = /^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$/;
const WORD = /^[\p{L}_][\p{L}\p{N}_ .()\-]*$/u;   // a header cell: a name, not a number
const MAX_QUOTE = 20;                            // characters of a bad cell quoted in a message

const quote = (cell) => `"${cell.length > MAX_QUOTE ? `${cell.slice(0, MAX_QUOTE)}…` : cell}"`;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

class CsvError extends Error {}

/** The separator of the data lines: ";" wherever one appears (its locales write 0,5), else "," or tab. */
function separatorOf(lines) {
  const data = lines.filter((l) => l.trim() && !l.trim().startsWith("#"));
  if (data.some((l) => l.includes(";"))) return ";";
  if (data.some((l) => l.includes(","))) return ",";
  return data.some((l) => l.includes("\t")) ? "\t" : ",";
}

/** Papa Parse's rows, each with the physical line (1-based) it starts on. */
function rowsWithLines(text, delimiter) {
  const rows = [];
  let line = 1;
  let counted = 0;   // text before this index has been counted into `line`
  let start = 0;
  const breaks = /\r\n|\r|\n/g;
  Papa.parse(text, {
    delimiter, quoteChar: '"', skipEmptyLines: false, comments: false,
    step: (res) => {
      breaks.lastIndex = 0;
      line += (text.slice(counted, start).match(breaks) || []).length;
      counted = start;
      rows.push({ cells: res.data, line, errors: res.errors });
      start = res.meta.cursor;
    },
  });
  return rows;
}

/**
 * Parse "inputs..., targets..." lines. `nTargets`: how many of the last columns are targets.
 * `limits` (limitsFrom): data (the value range), rows, neurons (columns of inputs or of targets).
 * Returns {inputs, targets, note}: note (or null) says how the text was read when that was not
 * plain CSV (decimal commas). Throws an Error whose message says, in plain words, what is wrong
 * and where, and what is allowed.
 */
export function parseCSV(text, nTargets, limits) {
  const maxCols = limits.neurons.max;
  if (!Number.isInteger(nTargets) || nTargets < 1 || nTargets > maxCols) {
    throw new CsvError(`Target columns must be a whole number from 1 to ${maxCols}.`);
  }
  const separator = separatorOf(text.split(/\r\n|\r|\n/));
  let decimalCommas = false;
  const number = (cell, line, col) => {
    // Papa Parse unquotes "0"; a space before the quote (, "0") is outside RFC 4180 but common
    let s = cell.trim().replace(/^"([^"]*)"$/, "$1").trim();
    if (separator === ";" && DECIMAL_COMMA.test(s) && s.includes(",")) {
      s = s.replace(",", ".");
      decimalCommas = true;
    }
    if (!DECIMAL.test(s)) {
      throw new CsvError(`Line ${line}, column ${col}: ${quote(cell.trim())} is not a number: `
        + "write decimal numbers such as 2, -0.5 or 1e-3.");
    }
    const v = Number(s);
    if (!(v >= limits.data.min && v <= limits.data.max)) {
      throw new CsvError(`Line ${line}, column ${col}: ${quote(cell.trim())} is out of range: `
        + `the network takes values from ${rangeText(limits.data)}.`);
    }
    return v;
  };
  const rows = [];
  let width = 0;
  let widthLine = 0;
  for (const { cells, line, errors } of rowsWithLines(text, separator)) {
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.every((c) => c === "") || trimmed[0].startsWith("#")) continue;   // blank or comment
    if (errors.length) throw new CsvError(`Line ${line}: a quoted value is not closed: end it with ".`);
    if (!rows.length && !widthLine && trimmed.every((c) => WORD.test(c))) {   // a header: names only
      widthLine = line;
      width = cells.length;
      continue;
    }
    const nums = cells.map((c, k) => number(c, line, k + 1));
    if (!rows.length && !width) {
      width = nums.length;
      widthLine = line;
    }
    if (nums.length !== width) {
      throw new CsvError(`Line ${line} has ${plural(nums.length, "value")}, but line ${widthLine} has ${width}: `
        + "every line needs the same number of values.");
    }
    if (rows.length >= limits.rows.max) throw new CsvError(`At most ${limits.rows.max} samples (lines of numbers).`);
    rows.push(nums);
  }
  if (!rows.length) {
    throw new CsvError(widthLine ? "There is a header but no lines of numbers below it."
      : "The data is empty: paste at least one line of numbers.");
  }
  if (width <= nTargets) {
    throw new CsvError(`Each line has ${plural(width, "value")}: that leaves no inputs besides `
      + `${plural(nTargets, "target column")}.`);
  }
  if (width - nTargets > maxCols) throw new CsvError(`At most ${maxCols} input columns, not ${width - nTargets}.`);
  return {
    inputs: rows.map((r) => r.slice(0, width - nTargets)),
    targets: rows.map((r) => r.slice(width - nTargets)),
    note: decimalCommas ? "Your data has semicolons between values and commas as decimal marks: 0,5 was read as 0.5." : null,
  };
}
