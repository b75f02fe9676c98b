// Animations of the three passes. Durations scale with the speed slider; with
// prefers-reduced-motion (or the fastest setting) everything appears at once.

import { svgEl } from "./dom.js";

const FACTORS = [2.5, 1.6, 1, 0.5, 0];           // slider 0..4: very slow .. instant
export const SPEED_NAMES = ["very slow", "slow", "normal", "fast", "instant"];
const LAYER_MS = 520;
const MAX_PULSES = 96;                            // per layer; beyond, only the layer lights up

export function createAnimator(view, getSpeed) {
  const reduce = window.matchMedia("(prefers-reduced-motion: reduce)");
  let generation = 0;                             // bumping it cancels running animations

  const factor = () => (reduce.matches ? 0 : FACTORS[getSpeed()] ?? 1);

  function frame(duration, onFrame, gen) {
    return new Promise((resolve) => {
      if (duration <= 0) { resolve(); return; }
      const start = performance.now();
      const tick = (now) => {
        if (gen !== generation) { resolve(); return; }
        const t = Math.min(1, (now - start) / duration);
        onFrame(t);
        if (t < 1) requestAnimationFrame(tick); else resolve();
      };
      requestAnimationFrame(tick);
    });
  }

  /** Dots moving along every edge into layer `l` (or out of it, backwards). */
  async function pulses(l, backwards, gen) {
    const layout = view.geometry();
    const duration = LAYER_MS * factor();
    if (duration <= 0 || !layout) return;
    const overlay = view.overlay();
    const dots = [];
    const from = layout.neurons[l - 1];
    const to = layout.neurons[l];
    if (from.length * to.length <= MAX_PULSES) {
      for (const a of from) {
        for (const b of to) {
          const dot = svgEl("circle", { r: backwards ? 5.5 : 5, class: backwards ? "pulse backward" : "pulse forward" }, overlay);
          dots.push({ dot, a: backwards ? b : a, b: backwards ? a : b });
        }
      }
    }
    await frame(duration, (t) => {
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      for (const { dot, a, b } of dots) {
        dot.setAttribute("cx", a.x + (b.x - a.x) * e);
        dot.setAttribute("cy", a.y + (b.y - a.y) * e);
      }
    }, gen);
    for (const { dot } of dots) dot.remove();
  }


  return {
    get instant() { return factor() === 0; },

    /** Layer by layer, left to right: pulses travel, then the layer lights up with a. */
    async forward(nLayers) {
      const gen = ++generation;
      view.clearValues();
      view.paint(0, "a");
      for (let l = 1; l < nLayers; l += 1) {
        await pulses(l, false, gen);
        if (gen !== generation) return;
        view.paint(l, "a");
      }
    },

    /** Right to left in the error colour: deltas appear, edges glow with |dC/dw|. */
    async backward(nLayers) {
      const gen = ++generation;
      view.clearValues();
      view.paint(0, "a");
      view.paint(nLayers - 1, "delta");
      for (let l = nLayers - 1; l >= 1; l -= 1) {
        await pulses(l, true, gen);
        if (gen !== generation) return;
        view.glow(l, true);
        if (l > 1) view.paint(l - 1, "delta");
      }
    },

    cancel() {
      generation += 1;
      const overlay = view.overlay && view.overlay();
      if (overlay) overlay.replaceChildren();
    },
  };
}
