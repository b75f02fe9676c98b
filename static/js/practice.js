// Exam practice: ask a question from /api/quizzes, check the answer, then reveal the worked
// solution one step at a time, highlighting on the drawing the neurons and edges each step uses.

import { createState } from "./state.js";
import { createNetworkView } from "./network-view.js";
import * as api from "./api.js";
import { svgEl } from "./dom.js";
import { fmt, parseNumber, pretty, value } from "./format.js";
import { choiceFields, choiceValues, outlineItems, showMarks } from "./practice-choices.js";

const $ = (id) => document.getElementById(id);
const SCORE_KEY = "backprop-lab:practice:score";

const state = createState();
const view = createNetworkView($("network"), state);
let question = null;
let shownSteps = 0;
let solution = [];
let answered = false;
let hinted = false;   // one wrong try: a hint and a second try before the answer is shown

function say(text) {
  $("message-text").textContent = text;
  $("message").hidden = !text;
}

// --- Score (kept in this browser) ----------------------------------------------------------
function loadScore() {
  try { return { right: 0, tried: 0, ...JSON.parse(localStorage.getItem(SCORE_KEY) || "{}") }; } catch { return { right: 0, tried: 0 }; }
}
function saveScore(score) {
  try { localStorage.setItem(SCORE_KEY, JSON.stringify(score)); } catch { /* private mode: the score lives on screen */ }
  renderScore(score);
}
function renderScore(score = loadScore()) {
  $("score").textContent = `Score: ${score.right} / ${score.tried}`;
  $("score").dataset.right = String(score.right);
  $("score").dataset.tried = String(score.tried);
}

// --- The drawing ----------------------------------------------------------------------------
function draw(q) {
  const has = Boolean(q.network);
  $("network-wrap").hidden = !has;
  $("no-network").hidden = has;
  view.reset();
  if (!has) return;
  state.network = q.network;
  state.data = q.data.targets && q.data.inputs ? { inputs: q.data.inputs, targets: q.data.targets } : null;
  state.config.sample = 0;
  view.render();
  const layout = view.layout;
  const overlay = view.overlay();
  // Every weight printed on its edge, near its source, as on an exam sheet.
  q.network.weights.forEach((w, l) => w.forEach((row, j) => row.forEach((wjk, k) => {
    const a = layout.neurons[l][k];
    const b = layout.neurons[l + 1][j];
    const t = 0.18 + 0.3 * (j / Math.max(1, w.length - 1));  // spread the labels leaving one neuron
    svgEl("text", { x: (a.x + (b.x - a.x) * t).toFixed(1), y: (a.y + (b.y - a.y) * t - 4).toFixed(1), class: "edge-label" }, overlay, fmt(wjk));
  })));
  // Inputs under the input neurons; given neuron values under their neurons.
  const labels = new Map();
  if (q.data.inputs) q.data.inputs[0].forEach((x, k) => labels.set(`0:${k}`, `x${"₁₂₃₄"[k] || ""} = ${fmt(x)}`));
  for (const g of q.given) {
    const layerVector = /^(a|delta)\^\(([0-9]+)\)$/.exec(g.symbol);  // e.g. a^(2): one label per neuron
    if (layerVector && Array.isArray(g.value)) {
      const letter = layerVector[1] === "a" ? "a" : "δ";
      g.value.forEach((v, j) => labels.set(`${layerVector[2] - 1}:${j}`, `${letter}${"₁₂₃₄"[j] || ""}⁽${"⁰¹²³⁴⁵⁶⁷⁸⁹"[layerVector[2]]}⁾ = ${fmt(v)}`));
    } else if (g.ref && g.ref.neuron !== undefined && !g.symbol.startsWith("y")) {
      labels.set(`${g.ref.layer}:${g.ref.neuron}`, `${pretty(g.symbol)} = ${value(g.value)}`);
    }
  }
  for (const [key, text] of labels) {
    const [l, j] = key.split(":").map(Number);
    const label = view.valueEl(l, j);
    if (label) label.textContent = text;
  }
  for (const ref of q.target) mark(ref, "asked");
}

function mark(ref, cls) {
  const node = ref.neuron !== undefined ? view.neuronEl(ref.layer, ref.neuron) : view.edgeEl(ref.layer, ref.from, ref.to);
  if (node) node.classList.add(cls);
}

function highlight(uses) {
  view.clearHighlight();
  for (const ref of uses) {
    if (ref.neuron !== undefined) view.highlight(ref);
    else view.highlightEdge(ref);
  }
}

// --- The question -------------------------------------------------------------------------
function showQuestion(q) {
  question = q;
  answered = false;
  hinted = false;
  solution = [];
  shownSteps = 0;
  $("q-title").textContent = q.title;
  // A question in words shows its outline as a list, the choices in the answer's selects.
  $("prompt").textContent = pretty(q.outline ? q.prompt.split(" 1. ")[0] : q.prompt);
  $("given").replaceChildren(...(q.outline ? outlineItems(q) : q.given.map((g) => {
    const li = document.createElement("li");
    li.textContent = `${pretty(g.symbol)} = ${value(g.value)}`;
    return li;
  })));
  $("asks").textContent = pretty(q.asks);
  const n = q.answer_length || 1;
  $("answer-fields").replaceChildren(...(q.choices ? choiceFields(q) : Array.from({ length: n }, (_, i) => {
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.className = "answer-input";
    input.setAttribute("aria-label", n > 1 ? `${pretty(q.asks)}, entry ${i + 1}` : pretty(q.asks));
    return input;
  })));
  $("tolerance").textContent = q.choices ? "Choose one step for each blank; each blank is marked on its own." : `Accepted within ${q.tolerance.absolute} + ${q.tolerance.relative * 100}% of the answer`
    + (n > 1 ? ", for each of the " + n + " entries." : ".") + " Keep 4 digits in the steps.";
  $("verdict").hidden = true;
  delete $("verdict").dataset.correct;
  $("solution-box").hidden = true;
  $("check").disabled = false;
  $("give-up").disabled = false;
  document.body.dataset.quiz = q.id;
  draw(q);
  const first = $("answer-fields").querySelector("input, select");
  if (first) first.focus();
}

async function newQuestion() {
  say("");
  const kind = $("kind").value;
  const q = await api.newQuiz(kind ? { kind } : {});
  const url = new URL(window.location.href);
  url.searchParams.set("q", q.id);
  window.history.replaceState(null, "", url);
  showQuestion(q);
}

async function submit(giveUp) {
  if (!question || answered) return;
  let payload = null;
  if (!giveUp && question.choices) {
    const chosen = choiceValues($("answer-fields"));
    if (chosen.values === undefined) {
      say(`Choose a step for blank ${chosen.missing + 1}.`);
      chosen.selects[chosen.missing].focus();
      return;
    }
    payload = chosen.values;
  } else if (!giveUp) {
    const inputs = [...$("answer-fields").querySelectorAll("input")];
    const values = inputs.map((i) => parseNumber(i.value));
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      say(`Entry ${bad + 1} is not a number: type e.g. 0.25 or -0.0355.`);
      inputs[bad].focus();
      return;
    }
    payload = question.answer_length ? values : values[0];
  }
  say("");
  const res = await api.answerQuiz(question.id, payload);
  if (res.marks) showMarks($("answer-fields"), res.marks);
  const verdict = $("verdict");
  verdict.hidden = false;
  verdict.dataset.correct = String(res.correct);
  const score = loadScore();
  if (!giveUp && !res.correct && !hinted) {
    // The first wrong try counts, and earns a hint (the solution's first step) and a retry.
    hinted = true;
    saveScore({ right: score.right, tried: score.tried + 1 });
    verdict.textContent = `Not quite.${res.slip ? " " + res.slip : ""} Try again`
      + (question.choices ? " (or press Show solution)." : ": the first step of the solution is below as a hint (or press Show solution).");
    // A question in words: the marks and the sentence about each wrong blank are the hint.
    if (!question.choices) showSolution(res.solution, 1, { hint: true });
    const first = $("answer-fields").querySelector("input");
    if (first) first.select();
    return;
  }
  answered = true;
  $("check").disabled = true;
  $("give-up").disabled = true;
  if (giveUp) {
    verdict.textContent = `The answer is ${value(res.expected)}.`;
  } else {
    // A right first try scores; a right second try (after the hint) does not, the first try counted already.
    if (!hinted) saveScore({ right: score.right + (res.correct ? 1 : 0), tried: score.tried + 1 });
    verdict.textContent = res.correct
      ? `Correct: ${value(res.expected)}.`
      : `Not quite again: the answer is ${value(res.expected)}.${res.slip ? " " + res.slip : ""}`;
  }
  showSolution(res.solution, res.correct ? 0 : res.solution.length > 1 ? 1 : res.solution.length);
}

// --- The worked solution, step by step on the drawing ---------------------------------------
/** hint: a one-step solution shows its formula without the numbers (they are the answer). */
function showSolution(steps, start, { hint = false } = {}) {
  solution = steps;
  shownSteps = 0;
  $("steps").replaceChildren(...steps.map((s) => {
    const li = document.createElement("li");
    li.hidden = true;
    const eq = document.createElement("div");
    eq.className = "eq";
    eq.textContent = `${pretty(s.symbol)} = ${pretty(s.formula)}`;
    const nums = document.createElement("div");
    nums.className = "nums";
    nums.textContent = `= ${pretty(s.numbers)} = ${value(s.value)}`;
    nums.hidden = hint && steps.length === 1;
    li.append(eq, nums);
    if (s.note) {
      const note = document.createElement("div");
      note.className = "note";
      note.textContent = pretty(s.note);
      li.append(note);
    }
    return li;
  }));
  $("solution-box").hidden = false;
  for (let i = 0; i < Math.max(1, start); i += 1) nextStep();
}

function nextStep() {
  const items = [...$("steps").children];
  if (shownSteps >= items.length) return;
  items.forEach((li) => li.classList.remove("current"));
  const li = items[shownSteps];
  li.hidden = false;
  li.classList.add("current");
  highlight(solution[shownSteps].uses);
  shownSteps += 1;
  $("next-step").disabled = shownSteps >= items.length;
  $("all-steps").disabled = shownSteps >= items.length;
}

// --- Wiring ---------------------------------------------------------------------------------
const guard = (fn) => (...args) => fn(...args).catch((err) => say(`Something went wrong: ${err.message}`));
$("new-question").addEventListener("click", guard(newQuestion));
$("answer-form").addEventListener("submit", (ev) => { ev.preventDefault(); guard(submit)(false); });
$("give-up").addEventListener("click", guard(() => submit(true)));
$("next-step").addEventListener("click", nextStep);
$("all-steps").addEventListener("click", () => { while (shownSteps < solution.length) nextStep(); });
$("reset-score").addEventListener("click", () => saveScore({ right: 0, tried: 0 }));

async function boot() {
  renderScore();
  const kinds = await api.quizKinds();
  for (const k of kinds) {
    const o = document.createElement("option");
    o.value = k.name;
    o.textContent = `${k.title} (${pretty(k.description)})`;
    $("kind").appendChild(o);
  }
  const wanted = new URLSearchParams(window.location.search).get("q");
  if (wanted && /^[a-z_]+-[0-9]+$/.test(wanted)) {
    try { showQuestion(await api.getQuiz(wanted)); } catch { await newQuestion(); }
  } else {
    await newQuestion();
  }
  document.body.dataset.ready = "true";
}
guard(boot)();
