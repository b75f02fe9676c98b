// A small popover to type a new weight; the inspector panel can stay open beside it.

import { weightSym } from "./format.js";

export function createEdgeEditor(form, state, { onSubmit }) {
  const input = form.querySelector("#edge-editor-value");
  const label = form.querySelector("#edge-editor-label");
  let edge = null;
  let returnFocus = null;
  let shown = "";   // the rounded value the field opened with

  function close() {
    form.hidden = true;
    edge = null;
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
    returnFocus = null;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (input.value === shown) { close(); return; }   // unchanged: the rounded text must not replace the weight
    const value = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(value)) {
      input.setCustomValidity("Type a number, such as 0.5 or -1.2");
      input.reportValidity();
      return;
    }
    const target = edge;
    close();
    await onSubmit(target, value);
  });
  input.addEventListener("input", () => input.setCustomValidity(""));
  form.querySelector("#edge-editor-cancel").addEventListener("click", close);
  form.addEventListener("keydown", (ev) => { if (ev.key === "Escape") { ev.stopPropagation(); close(); } });

  return {
    open(target, anchor) {
      edge = target;
      returnFocus = anchor;
      label.textContent = weightSym(target.layer, target.to, target.from);
      // 6 significant digits: readable in the field; the full value stays unless it is edited.
      shown = String(Number(state.network.weights[target.layer - 1][target.to][target.from].toPrecision(6)));
      input.value = shown;
      form.hidden = false;
      const box = anchor.getBoundingClientRect();
      form.style.left = `${Math.max(4, window.scrollX + box.left + box.width / 2 - form.offsetWidth / 2)}px`;
      form.style.top = `${window.scrollY + box.top + box.height / 2 + 12}px`;
      input.focus();
      input.select();
    },
    close,
    reset: close,
  };
}
