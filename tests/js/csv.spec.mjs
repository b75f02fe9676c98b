// static/js/csv.js and limits.js under node's test runner, with the API's real OpenAPI
// document (tests/test_csv_parse.py writes it to the file named by OPENAPI_JSON).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseCSV } from "../../static/js/csv.js";
import { limitsFrom } from "../../static/js/limits.js";

const LIMITS = limitsFrom(JSON.parse(readFileSync(process.env.OPENAPI_JSON, "utf8")));
const refused = (text, nTargets = 1) => assert.throws(() => parseCSV(text, nTargets, LIMITS)).message;
const message = (text, nTargets = 1) => {
  try { parseCSV(text, nTargets, LIMITS); } catch (err) { return err.message; }
  return "accepted";
};

test("the API's limits are read from its schema", () => {
  assert.deepEqual(LIMITS.data, { min: -1e12, max: 1e12, integer: false });
  assert.deepEqual(LIMITS.samples, { min: 4, max: 10000, integer: true });
  assert.deepEqual(LIMITS.noise, { min: 0, max: 1, integer: false });
  assert.equal(LIMITS.neurons.max, 1024);
  assert.equal(LIMITS.rows.max, 10000);
});

test("decimal commas with semicolons are read as decimals, and said", () => {
  const out = parseCSV("0,5;1,5;1\n-2,25;3;0", 1, LIMITS);
  assert.deepEqual(out.inputs, [[0.5, 1.5], [-2.25, 3]]);
  assert.deepEqual(out.targets, [[1], [0]]);
  assert.match(out.note, /decimal mark/);
  assert.equal(parseCSV("0.5;1.5;1", 1, LIMITS).note, null);   // semicolons, decimal points: plain
});

test("errors name the physical line: blank and comment lines count", () => {
  assert.match(message("0,0,0\n\n# note\n0,x,1"), /^Line 4, column 2: "x" is not a number/);
  assert.match(message("# a comment, with commas\r\n1,2,3\r\n\r\n1,2"), /^Line 4 has 2 values, but line 2 has 3/);
});

test("a header only when the whole first line is words", () => {
  assert.deepEqual(parseCSV("x1,x2,y\n0,1,1", 1, LIMITS).inputs, [[0, 1]]);
  assert.match(message("0,0,O\n1,1,1"), /^Line 1, column 3: "O" is not a number/);
  assert.match(message("x1,2,y\n0,1,1"), /^Line 1, column 1: "x1" is not a number/);
  assert.equal(message("x,y"), "There is a header but no lines of numbers below it.");
});

test("RFC 4180 quoting", () => {
  const out = parseCSV('"0","1"\n"1", "0"\n', 1, LIMITS);
  assert.deepEqual(out.inputs, [[0], [1]]);
  assert.deepEqual(out.targets, [[1], [0]]);
  assert.match(message('1,"2\n3,4'), /^Line 1: a quoted value is not closed/);
});

test("only decimal numbers", () => {
  for (const bad of ["0x10", "0b11", "0o7", "Infinity", "NaN", "1_000", "1e", "--1", "½"]) {
    assert.match(message(`${bad},1`), new RegExp(`^Line 1, column 1: "${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}" is not a number`), bad);
  }
  assert.deepEqual(parseCSV("-1.5e-3,.5,+2,3.", 1, LIMITS).inputs, [[-0.0015, 0.5, 2]]);
});

test("values outside the API's range are refused with the range", () => {
  assert.equal(message("1e308,0,0"), 'Line 1, column 1: "1e308" is out of range: the network takes values from −1e12 to 1e12.');
  assert.match(message("0,0\n0,-1e400"), /^Line 2, column 2: "-1e400" is out of range/);
  assert.deepEqual(parseCSV("1e12,-1e12,0", 1, LIMITS).inputs, [[1e12, -1e12]]);
});

test("shapes and sizes", () => {
  assert.equal(message(""), "The data is empty: paste at least one line of numbers.");
  assert.match(message("1,2", 2), /leaves no inputs besides 2 target columns/);
  assert.match(message("1,2", 0), /Target columns must be a whole number from 1 to 1024/);
  assert.deepEqual(parseCSV("1\t2\t3\n4\t5\t6", 2, LIMITS), { inputs: [[1], [4]], targets: [[2, 3], [5, 6]], note: null });
  const many = Array.from({ length: 10001 }, () => "1,2").join("\n");
  assert.equal(message(many), "At most 10000 samples (lines of numbers).");
  assert.match(message(`1,${"x".repeat(500)}`), /"x{20}…" is not a number/);   // a bad cell is quoted short
});
