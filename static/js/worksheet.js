// The Worksheet button: opens the printable worked solution of the shown sample
// (/worksheet?network=ID&x=...&y=..., served by the API's POST .../worksheet) in a new tab.

import { h } from "./dom.js";

/** Exact decimal text of each number, so the sheet is about this very sample. */
const list = (values) => values.map((v) => String(v)).join(",");

export function worksheetUrl(state) {
  const i = state.config.sample;
  const p = new URLSearchParams({ network: state.network.id, x: list(state.data.inputs[i]), y: list(state.data.targets[i]) });
  return `/worksheet?${p}`;
}

export function createWorksheetButton(container, state) {
  const button = h("button", { type: "button", id: "btn-worksheet", "aria-keyshortcuts": "w",
    title: "The worked solution of the shown sample, to print or download (W)" }, "Worksheet", container);
  const open = () => {
    if (!state.network || !state.data) return;
    window.open(worksheetUrl(state), "_blank", "noopener");
  };
  button.addEventListener("click", open);
  return { open };
}
