// Questions answered in words (the backprop pseudocode): the outline with its blanks, one
// select of the numbered choices per blank, and each blank marked right or wrong after checking.

import { h } from "./dom.js";
import { pretty } from "./format.js";

/** The outline as list items ("[blank n]" lines stand out) for the question's given list. */
export function outlineItems(q) {
  return q.outline.map((line) => h("li", /\[blank \d+\]/.test(line) ? "blank-line" : "", pretty(line)));
}

/** One labelled select per blank, its options the numbered choices. */
export function choiceFields(q) {
  return Array.from({ length: q.answer_length }, (_, b) => {
    const label = h("label", "choice-field", `Blank ${b + 1}: `);
    const select = h("select", { class: "answer-input answer-choice", "aria-label": `Blank ${b + 1}` }, "", label);
    h("option", { value: "" }, "choose a step…", select);
    q.choices.forEach((text, c) => h("option", { value: String(c + 1) }, `(${c + 1}) ${pretty(text)}`, select));
    return label;
  });
}

/** The chosen numbers, or the index of the first blank left unchosen. */
export function choiceValues(container) {
  const selects = [...container.querySelectorAll("select")];
  const missing = selects.findIndex((s) => s.value === "");
  return missing >= 0 ? { missing, selects } : { values: selects.map((s) => Number(s.value)) };
}

export function showMarks(container, marks) {
  [...container.querySelectorAll("select")].forEach((s, i) => {
    s.dataset.mark = marks[i] ? "right" : "wrong";
    s.setAttribute("aria-invalid", marks[i] ? "false" : "true");
  });
}
