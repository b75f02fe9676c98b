// The projector view (a toggle, V, or ?view=projector in the address): large type, thick
// edges, high contrast, the settings folded away (C unfolds them as an overlay), the inspector
// as an overlay over the drawing. The drawing is laid out for a narrower page and scaled up
// (ZOOM), so every number and stroke grows together and nothing overlaps.

import { h } from "./dom.js";

export const ZOOM = 1.6;   // 13 px value labels become 20.8 px at any window width

export function projectorFromUrl() {
  return new URLSearchParams(window.location.search).get("view") === "projector";
}

export function createProjector(container, state, { svg, onChange }) {
  const button = h("button", { type: "button", id: "btn-projector", "aria-pressed": "false", "aria-keyshortcuts": "v",
    title: "Large type for a room (V); Space / arrow keys then go through a pass layer by layer" }, "Projector", container);
  let on = false;

  function writeUrl() {
    const url = new URL(window.location.href);
    if (on) url.searchParams.set("view", "projector"); else url.searchParams.delete("view");
    window.history.replaceState(null, "", url);
  }

  function set(value) {
    on = Boolean(value);
    state.config.view = on ? "projector" : undefined;   // url-state keeps it in the link
    document.body.classList.toggle("projector", on);
    document.body.classList.remove("config-open");
    button.setAttribute("aria-pressed", String(on));
    if (on) svg.dataset.zoom = String(ZOOM); else delete svg.dataset.zoom;
    writeUrl();
    state.emit("resize");
    onChange(on);
  }

  button.addEventListener("click", () => set(!on));
  return {
    get on() { return on; },
    set,
    toggle() { set(!on); },
    /** C: the settings as an overlay, and back. */
    toggleConfig() { if (on) document.body.classList.toggle("config-open"); },
  };
}
