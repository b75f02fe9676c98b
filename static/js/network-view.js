// The SVG drawing of the network: structure, weights, values of the shown sample.
// Exposes render/reset plus a highlight API other modules (inspector, matrix view) use.

import { computeLayout, divergingColor, edgeWidth, scaleBound } from "./layout.js";
import { svgEl } from "./dom.js";
import { fmt, inputName, layerName, sub, sym, weightSym } from "./format.js";


export function createNetworkView(svg, state) {
  let layout = null;
  let sizesKey = "";
  let groups = {};
  let painted = new Map();   // layer -> "a" | "delta"
  let features = null;       // [l][j] -> data URL (hidden layers only)
  // Node references kept from build(): updates while training touch only what changed
  // (no querySelector per neuron and chunk, no attribute written twice with one value).
  let neurons = [];          // [l][j] -> {g, body, label, image}
  let edges = [];            // {g, line, glow, l, from, to}

  // What the drawing's structure depends on: layer sizes, width, and the input neurons' names.
  const keyOf = (width) => `${state.network.layer_sizes.join(",")}@${width}@${(state.data && state.data.features) || ""}`;
  const neuronEl = (l, j) => (neurons[l] && neurons[l][j] ? neurons[l][j].g : null);
  const edgeEl = (l, from, to) =>
    svg.querySelector(`.edge[data-layer="${l}"][data-from="${from}"][data-to="${to}"]`);
  /** Write an attribute, a data field or a text only when the value changes. */
  const setAttr = (node, name, value) => { if (node.getAttribute(name) !== value) node.setAttribute(name, value); };
  const setData = (node, key, value) => { if (node.dataset[key] !== value) node.dataset[key] = value; };
  const setText = (node, value) => { if (node.textContent !== value) node.textContent = value; };

  // data-zoom (the projector view): laid out for a narrower page, then scaled up to the full width
  const drawWidth = () => Math.max(320, Math.floor((svg.parentElement.clientWidth || 800) / (Number(svg.dataset.zoom) || 1)));

  function build() {
    const sizes = state.network.layer_sizes;
    const width = drawWidth();
    layout = computeLayout(sizes, width);
    sizesKey = keyOf(width);
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    svg.setAttribute("width", layout.width);
    svg.setAttribute("height", layout.height);
    svg.classList.toggle("dense", !layout.legible);
    const defs = svgEl("defs", {}, svg);
    const clip = svgEl("clipPath", { id: "neuron-clip", clipPathUnits: "objectBoundingBox" }, defs);
    svgEl("circle", { cx: 0.5, cy: 0.5, r: 0.5 }, clip);
    groups = {
      labels: svgEl("g", { class: "labels" }, svg),
      glow: svgEl("g", { class: "glows" }, svg),
      edges: svgEl("g", { class: "edges" }, svg),
      neurons: svgEl("g", { class: "neurons" }, svg),
      overlay: svgEl("g", { class: "overlay" }, svg),
    };
    const focusable = layout.legible ? 0 : -1;
    neurons = sizes.map(() => []);
    edges = [];
    sizes.forEach((n, l) => {
      const heading = svgEl("text", { x: layout.columns[l], y: 14, class: "layer-heading" }, groups.labels);
      const [name, role] = layerName(l, sizes.length).split(": ");
      svgEl("tspan", { x: layout.columns[l], dy: 0 }, heading).textContent = name;
      if (layout.colGap >= 44) svgEl("tspan", { x: layout.columns[l], dy: 14, class: "role" }, heading).textContent = role;
      if (l === 0) return;
      for (let j = 0; j < n; j += 1) {
        for (let k = 0; k < sizes[l - 1]; k += 1) {
          const a = layout.neurons[l - 1][k];
          const b = layout.neurons[l][j];
          // role button: aria-label needs a role that permits it, and Enter edits the weight
          const g = svgEl("g", { class: "edge", "data-layer": l, "data-from": k, "data-to": j, tabindex: focusable,
            role: "button", "aria-label": `weight ${weightSym(l, j, k)}` }, groups.edges);
          const coords = { x1: a.x + layout.r, y1: a.y, x2: b.x - layout.r, y2: b.y };
          if (layout.legible) svgEl("line", { ...coords, class: "edge-hit" }, g);
          const line = svgEl("line", { ...coords, class: "edge-line" }, g);
          const glowLine = svgEl("line", { ...coords, class: "edge-glow", "data-layer": l, "data-from": k, "data-to": j }, groups.glow);
          edges.push({ g, line, glow: glowLine, l, from: k, to: j });
        }
      }
    });
    sizes.forEach((n, l) => {
      for (let j = 0; j < n; j += 1) {
        const { x, y } = layout.neurons[l][j];
        const g = svgEl("g", { class: "neuron", "data-layer": l, "data-neuron": j, tabindex: focusable,
          role: "button", "aria-label": `neuron ${sym("a", l, j)}`, transform: `translate(${x} ${y})` }, groups.neurons);
        const body = svgEl("circle", { r: layout.r, class: "body" }, g);
        // The texts sit beside the button, not in it: a button's name must hold its visible text
        // (WCAG 2.5.3), and these change with every pass.
        const texts = layout.showValues ? svgEl("g", { class: "neuron-text", "data-layer": l, "data-neuron": j, transform: `translate(${x} ${y})` }, groups.neurons) : null;
        const label = texts ? svgEl("text", { y: layout.r + 13, class: "value" }, texts) : null;
        if (texts && l === 0) svgEl("text", { x: -layout.r - 6, y: 4, class: "input-name" }, texts, inputName(state.data && state.data.features, j));
        const target = texts && l === sizes.length - 1 ? svgEl("text", { x: layout.r + 6, y: 4, class: "target" }, texts) : null;
        neurons[l][j] = { g, body, label, target, image: null };
      }
    });
    painted = new Map();
    renderWeights();
    renderFeatures();
  }

  function renderWeights() {
    const weights = state.network.weights;
    const maxAbs = scaleBound(weights.flat(2));
    for (const { g, line, l, from, to } of edges) {
      const w = weights[l - 1][to][from];
      setAttr(line, "stroke-width", edgeWidth(w, maxAbs, layout.legible).toFixed(2));
      setAttr(line, "class", w < 0 ? "edge-line negative" : "edge-line positive");
      setData(g, "w", String(w));
    }
  }

  /** The shown sample's row of a layer field (a, z, g_prime, delta), or null. */
  function row(field, l) {
    const pass = state.pass;
    if (!pass) return null;
    const layer = pass.result.layers[l];
    return layer && layer[field] ? layer[field][pass.shown] : null;
  }

  /** Put the API's numbers on the elements (data-a, data-delta, data-target), full precision. */
  function applyData() {
    const pass = state.pass;
    const sizes = state.network.layer_sizes;
    const withDelta = pass && pass.kind !== "forward";
    const L = sizes.length - 1;
    const y = withDelta ? pass.batch.targets[pass.shown] : null;
    sizes.forEach((n, l) => {
      const fields = pass ? { a: row("a", l), z: row("z", l), gPrime: row("g_prime", l),
        delta: withDelta ? row("delta", l) : null, target: l === L ? y : null } : {};
      for (let j = 0; j < n; j += 1) {
        const g = neurons[l][j].g;
        for (const key of ["a", "z", "gPrime", "delta", "target"]) {
          const values = fields[key];
          if (values) setData(g, key, String(values[j]));
          else if (key in g.dataset) delete g.dataset[key];
        }
      }
    });
  }

  function paintBound(kind) {
    const values = [];
    state.network.layer_sizes.forEach((_, l) => {
      const r = row(kind, l);
      if (r) values.push(...r);
    });
    return scaleBound(values);
  }

  /** Colour layer l by `kind` ("a" or "delta") on a scale of ±bound and print the numbers. */
  function paintLayer(l, kind, bound) {
    painted.set(l, kind);
    const values = row(kind, l);
    const letter = kind === "a" ? "a" : "δ";
    if (!values) return;
    values.forEach((v, j) => {
      const { g, body, label } = neurons[l][j];
      const fill = divergingColor(v, bound);
      if (body.style.fill !== fill) body.style.fill = fill;  // CSS beats a fill attribute
      if (!g.classList.contains("lit")) g.classList.add("lit");
      if (label) {
        setText(label, `${sym(letter, l, j)} ${fmt(v, 3)}`);
        setAttr(label, "fill", "#111");
      }
    });
  }

  /** Colour layer l by `kind` ("a" or "delta") and print the numbers. */
  function paint(l, kind) {
    const bound = paintBound(kind);
    paintLayer(l, kind, bound);
    if (row(kind, l)) state.emit("legend", { kind, bound });
  }

  function unpaint(l) {
    painted.delete(l);
    for (const { g, body, label } of neurons[l] || []) {
      if (body.style.fill) body.style.fill = "";
      if (g.classList.contains("lit")) g.classList.remove("lit");
      if (label) setText(label, "");
    }
  }

  function renderTargets() {
    const L = state.network.layer_sizes.length - 1;
    const y = state.data && state.data.targets[state.config.sample];
    (neurons[L] || []).forEach(({ target }, j) => {
      if (target) target.textContent = y ? `y${sub(j + 1)} = ${fmt(y[j])}` : "";
    });
  }

  /** Edges glow with |dC/dw| of the current pass (backward), layer l only, or off. */
  function glow(l, on) {
    const grads = state.pass && state.pass.result.gradients;
    const bound = on && grads ? scaleBound(grads.weights.flat(2)) : 1;
    for (const { glow: line, l: layer, from, to } of edges) {
      if (layer !== l) continue;
      if (!on || !grads) {
        if (line.hasAttribute("stroke-width")) line.removeAttribute("stroke-width");
        if (line.classList.contains("on")) line.classList.remove("on");
        continue;
      }
      const g = Math.abs(grads.weights[l - 1][to][from]);
      line.setAttribute("stroke-width", (2 + 12 * g / bound).toFixed(2));
      line.setAttribute("stroke-opacity", (0.15 + 0.75 * g / bound).toFixed(2));
      line.classList.add("on");
    }
  }

  /** The feature maps inside hidden neurons: one <image> each, kept and given a new href. */
  function renderFeatures() {
    const show = features && layout && layout.legible;
    neurons.forEach((layer, l) => layer.forEach((n, j) => {
      const url = show && features[l] ? features[l][j] : null;
      if (!url) { if (n.image) { n.image.remove(); n.image = null; } return; }
      const s = layout.r * 1.05;  // leaves a ring of the value colour around the feature map
      if (!n.image) {
        n.image = svgEl("image", { x: -s / 2, y: -s / 2, width: s, height: s, class: "feature",
          "clip-path": "url(#neuron-clip)", preserveAspectRatio: "none" }, n.g);
      }
      setAttr(n.image, "href", url);
    }));
  }

  const api = {
    get layout() { return layout; },
    neuronEl,
    /** The value text beside neuron j of layer l (null when values are not drawn). */
    valueEl: (l, j) => (neurons[l] && neurons[l][j] ? neurons[l][j].label : null),
    edgeEl,
    /** Full redraw when the structure or width changed; otherwise weights and values only. */
    render() {
      if (!state.network) return;
      const width = drawWidth();
      if (keyOf(width) !== sizesKey) build();
      else renderWeights();
      renderTargets();
    },
    /** Data attributes and colours for the current pass, all layers at once. */
    showPass({ paintAll = true } = {}) {
      applyData();
      if (!state.pass) { this.clearValues(); return; }
      if (!paintAll) return;
      const kind = state.pass.kind === "forward" ? "a" : "delta";
      const bound = paintBound(kind);
      paintLayer(0, "a", kind === "a" ? bound : paintBound("a"));  // the input has no delta: it keeps its a = x
      for (let l = 1; l < state.network.layer_sizes.length; l += 1) {
        paintLayer(l, kind, bound);
        glow(l, kind === "delta");
      }
      state.emit("legend", { kind, bound });   // once, not once per layer
    },
    paint,
    unpaint,
    glow,
    clearValues() {
      state.network.layer_sizes.forEach((_, l) => { unpaint(l); glow(l, false); });
      state.emit("legend", null);
    },
    setFeatures(next) { features = next; renderFeatures(); },
    renderTargets,
    reset() { sizesKey = ""; features = null; neurons = []; edges = []; svg.replaceChildren(); },
    highlight({ layer, neuron }) {
      const g = neuronEl(layer, neuron);
      if (g) g.classList.add("highlight");
    },
    highlightEdge({ layer, from, to }) {
      const g = edgeEl(layer, from, to);
      if (g) g.classList.add("highlight");
    },
    clearHighlight() {
      for (const g of svg.querySelectorAll(".highlight")) g.classList.remove("highlight");
    },
    /** Centre of a neuron and edge endpoints in SVG units (for the animator). */
    geometry() { return layout; },
    overlay() { return groups.overlay; },
  };

  // The state's channels this view draws.
  state.on("reset", () => api.reset());
  state.on("network", () => api.render());
  state.on("pass", (pass) => { if (state.network) api.showPass({ paintAll: !(pass && pass.animate) }); });
  state.on("features", (urls) => api.setFeatures(urls));
  state.on("sample", () => { if (state.network) renderTargets(); });
  state.on("resize", () => { if (state.network) { api.render(); api.showPass(); } });
  return api;
}
