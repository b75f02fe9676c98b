// Animations of the three passes. Durations scale with the speed slider; with
// prefers-reduced-motion (or the fastest setting) everything appears at once.

import { fmt } from "./format.js";

const NS = "http://www.w3.org/2000/svg";
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
          const dot = document.createElementNS(NS, "circle");
          dot.setAttribute("r", backwards ? 5.5 : 5);
          dot.setAttribute("class", backwards ? "pulse backward" : "pulse forward");
          overlay.appendChild(dot);
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

  const pause = (ms, gen) => frame(ms * factor(), () => {}, gen);

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

    /** Edges re-thicken to the new weights; changed ones briefly show old → new. */
    async step(oldWeights, newWeights, redraw) {
      const gen = ++generation;
      const layout = view.geometry();
      redraw();
      if (factor() === 0 || !layout || !layout.legible) return;
      const overlay = view.overlay();
      const labels = [];
      newWeights.forEach((m, i) => m.forEach((rowW, j) => rowW.forEach((w, k) => {
        if (w === oldWeights[i][j][k]) return;
        const a = layout.neurons[i][k];
        const b = layout.neurons[i + 1][j];
        const t = 0.3 + 0.4 * ((j + k) % 3) / 2;   // stagger along the edge so labels overlap less
        const text = document.createElementNS(NS, "text");
        text.setAttribute("x", a.x + (b.x - a.x) * t);
        text.setAttribute("y", a.y + (b.y - a.y) * t - 3);
        text.setAttribute("class", "change");
        text.textContent = `${fmt(oldWeights[i][j][k], 3)}→${fmt(w, 3)}`;
        overlay.appendChild(text);
        labels.push(text);
      })));
      if (labels.length > 48) labels.splice(0).forEach((t) => t.remove());
      await pause(1600, gen);
      labels.forEach((t) => t.remove());
    },

    cancel() {
      generation += 1;
      const overlay = view.overlay && view.overlay();
      if (overlay) overlay.replaceChildren();
    },
  };
}
