// The configuration form: data, sample, batch mode, architecture, activations, loss,
// learning rate, L2. It validates and explains; main.js turns its intents into API calls.

import { comboProblem, rulesText } from "./data.js";
import { parseCSV } from "./csv.js";
import { h } from "./dom.js";
import { fmt, inputName } from "./format.js";

export const MAX_HIDDEN_LAYERS = 8;
export const MAX_HIDDEN_NEURONS = 32;
const PAIR = { softmax: "cross_entropy", sigmoid: "bce", linear: "mse" };
const LOSS_NAMES = { mse: "squared error", sse: "squared error without ½", bce: "binary cross-entropy",
  cross_entropy: "cross-entropy" };

/** A button; label (optional) names it for screen readers where its text is a symbol. */
function button(text, label, onClick) {
  const b = h("button", label ? { type: "button", "aria-label": label } : { type: "button" }, text);
  b.addEventListener("click", onClick);
  return b;
}

export function createControls(form, state, handlers) {
  const $ = (id) => form.querySelector(`#${id}`);
  const f = {
    dataset: $("dataset"), desc: $("dataset-desc"), params: $("dataset-params"), samples: $("samples"),
    noise: $("noise"), csv: $("csv"), csvTargets: $("csv-targets"), sample: $("sample"), mode: $("mode"),
    batchLabel: $("batch-size-label"), batchSize: $("batch-size"), layers: $("layers-editor"),
    hidden: $("hidden-activation"), output: $("output-activation"), loss: $("loss"), note: $("combo-note"),
    lr: $("learning-rate"), l2: $("l2"), testShare: $("test-share"), features: $("features"),
    shuffleLabel: $("shuffle-label"), shuffle: $("shuffle"), reduction: $("batch-reduction"), l2Biases: $("l2-biases"),
    csvBox: $("csv-box"), csvNote: $("csv-note"),
  };
  let infos = [];
  let hiddenSizes = [];

  // the data's target columns; without data (a linked network waiting for it), the network's outputs
  const nOutputs = () => (state.data ? state.data.targets[0].length
    : state.network ? state.network.layer_sizes[state.network.layer_sizes.length - 1] : 1);

  function architecture() {
    return { hidden: hiddenSizes.slice(), hidden_activation: f.hidden.value,
      output_activation: f.output.value, loss: f.loss.value };
  }

  /** Disable the combinations the engine refuses (its rules, GET /api/rules), and say why in the note. */
  function guardCombos(changed) {
    const rules = state.rules;
    if (!rules) return;
    let note = "";
    const problem = (output, loss) => comboProblem(rules, output, loss, nOutputs());
    for (const opt of f.output.options) {
      opt.disabled = [...f.loss.options].every((l) => problem(opt.value, l.value));
    }
    if (f.output.selectedOptions[0] && f.output.selectedOptions[0].disabled) f.output.value = "sigmoid";
    if (changed === "output" && problem(f.output.value, f.loss.value)) {
      const old = f.loss.value;
      f.loss.value = PAIR[f.output.value];
      note = `Loss changed from ${LOSS_NAMES[old]} to ${LOSS_NAMES[f.loss.value]}: ${problem(f.output.value, old)}. `;
    }
    for (const opt of f.loss.options) opt.disabled = Boolean(problem(f.output.value, opt.value));
    f.note.textContent = note + rulesText(rules, LOSS_NAMES);
  }

  function renderLayers() {
    const sizes = state.network ? state.network.layer_sizes : [];
    f.layers.replaceChildren();
    const line = (text) => h("p", "layer-line", text, f.layers);
    if (!sizes.length) return;
    line(`Layer 1 (input): ${sizes[0]} neuron${sizes[0] > 1 ? "s" : ""}, one per input column`);
    hiddenSizes.forEach((n, i) => {
      const p = line(`Layer ${i + 2} (hidden)`);
      const count = h("span", "count", `${n} neuron${n > 1 ? "s" : ""}`);
      const change = (delta) => () => {
        const next = hiddenSizes[i] + delta;
        if (next < 1 || next > MAX_HIDDEN_NEURONS) {
          handlers.message(`A hidden layer has between 1 and ${MAX_HIDDEN_NEURONS} neurons here.`);
          return;
        }
        hiddenSizes[i] = next;
        handlers.onArchitecture(architecture());
      };
      p.append(button("−", `fewer neurons in layer ${i + 2}`, change(-1)), count,
        button("+", `more neurons in layer ${i + 2}`, change(1)),
        button("remove", `remove layer ${i + 2}`, () => { hiddenSizes.splice(i, 1); handlers.onArchitecture(architecture()); }));
    });
    const add = button("+ add hidden layer", null, () => {
      if (hiddenSizes.length >= MAX_HIDDEN_LAYERS) {
        handlers.message(`At most ${MAX_HIDDEN_LAYERS} hidden layers.`);
        return;
      }
      hiddenSizes.push(hiddenSizes.length ? hiddenSizes[hiddenSizes.length - 1] : 3);
      handlers.onArchitecture(architecture());
    });
    add.className = "add-layer";
    f.layers.appendChild(add);
    const L = sizes.length;
    line(`Layer ${L} (output): ${sizes[L - 1]} neuron${sizes[L - 1] > 1 ? "s" : ""}, one per target column`);
  }

  function renderSamples() {
    const data = state.data;
    f.sample.replaceChildren();
    if (!data) return;
    const limit = Math.min(data.inputs.length, 2000);
    for (let i = 0; i < limit; i += 1) {
      h("option", { value: i }, `#${i + 1}: x = (${data.inputs[i].map((v) => fmt(v, 3)).join(", ")}), `
        + `y = (${data.targets[i].map((v) => fmt(v, 3)).join(", ")})`, f.sample);
    }
    f.sample.value = String(Math.min(state.config.sample, limit - 1));
  }

  /** One checkbox per feature input the data set offers (2-D built-in sets), in the API's order. */
  function renderFeatures(info) {
    const offered = info && state.config.dataset !== "custom" ? info.features : [];
    f.features.hidden = offered.length === 0;
    f.features.querySelectorAll("label").forEach((n) => n.remove());
    for (const { name } of offered) {
      const box = h("input", { type: "checkbox", value: name, "data-feature": name });
      box.checked = state.config.features.includes(name);
      box.addEventListener("change", () => {
        const chosen = [...f.features.querySelectorAll("input:checked")].map((b) => b.value);
        if (chosen.length === 0) {
          box.checked = true;
          handlers.message("Keep at least one feature input: the network needs an input neuron.");
          return;
        }
        handlers.onDataset({ features: chosen });
      });
      const l = h("label", "check", "", f.features);
      l.append(box, document.createTextNode(` ${inputName([name], 0)}`));
    }
  }

  /** A number field checked against a range (limits.js: the API's own limits where it has one). */
  function readNumber(input, { min, max, exclusiveMin = false, name }) {
    const v = Number(input.value);
    const ok = input.value.trim() !== "" && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max;
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (!ok) handlers.message(`${name} must be a number ${exclusiveMin ? "above" : "of at least"} ${min} and at most ${max}.`);
    return ok ? v : null;
  }

  f.dataset.addEventListener("change", () => {
    if (f.dataset.value === "custom") return;
    handlers.onDataset({ dataset: f.dataset.value });
  });
  for (const input of [f.samples, f.noise]) {
    input.addEventListener("change", () => {
      const samples = readNumber(f.samples, { ...state.limits.samples, name: "Samples" });
      const noise = readNumber(f.noise, { ...state.limits.noise, name: "Noise" });
      if (samples !== null && noise !== null) handlers.onDataset({ samples: Math.round(samples), noise });
    });
  }
  $("csv-use").addEventListener("click", () => {
    try {
      const parsed = parseCSV(f.csv.value, Number(f.csvTargets.value), state.limits);
      f.csv.setAttribute("aria-invalid", "false");
      f.csvNote.textContent = "";
      handlers.onCustomData({ ...parsed, csv: f.csv.value, csvTargets: Number(f.csvTargets.value) });
      if (parsed.note) handlers.message(parsed.note, "info");
    } catch (err) {
      f.csv.setAttribute("aria-invalid", "true");
      handlers.message(`Your data: ${err.message}`);
    }
  });
  f.testShare.addEventListener("change", () => handlers.onDataset({ testShare: Number(f.testShare.value) }));
  f.sample.addEventListener("change", () => handlers.onSample(Number(f.sample.value)));
  f.mode.addEventListener("change", () => {
    f.batchLabel.hidden = f.mode.value !== "mini";
    f.shuffleLabel.hidden = f.mode.value === "full";
    handlers.onMode({ mode: f.mode.value });
  });
  f.shuffle.addEventListener("change", () => handlers.onMode({ shuffle: f.shuffle.checked }));
  f.batchSize.addEventListener("change", () => {
    const n = readNumber(f.batchSize, { ...state.limits.batchSize, name: "The mini-batch size n" });
    if (n !== null) handlers.onMode({ batchSize: Math.round(n) });
  });
  f.hidden.addEventListener("change", () => handlers.onArchitecture(architecture()));
  f.output.addEventListener("change", () => { guardCombos("output"); handlers.onArchitecture(architecture()); });
  f.loss.addEventListener("change", () => { guardCombos("loss"); handlers.onArchitecture(architecture()); });
  f.lr.addEventListener("change", () => {
    const v = readNumber(f.lr, { min: 0, max: 1000, exclusiveMin: true, name: "The learning rate α" });
    if (v !== null) handlers.onHyper({ learning_rate: v });
  });
  f.reduction.addEventListener("change", () => handlers.onHyper({ batch_reduction: f.reduction.value }));
  f.l2Biases.addEventListener("change", () => handlers.onHyper({ l2_biases: f.l2Biases.checked }));
  f.l2.addEventListener("change", () => {
    const v = readNumber(f.l2, { min: 0, max: 1000, name: "L2 λ" });
    if (v !== null) handlers.onHyper({ l2: v });
  });
  form.addEventListener("submit", (ev) => ev.preventDefault());

  const api = {
    setDatasets(list) {
      infos = list;
      f.dataset.replaceChildren();
      for (const info of list) {
        h("option", { value: info.name }, info.name, f.dataset);
      }
      h("option", { value: "custom", disabled: "" }, "your data (CSV)", f.dataset);
    },
    /** Sync every field with the state (after load, a new network or new data). */
    render() {
      const { config, network, data } = state;
      f.dataset.value = config.dataset;
      const custom = f.dataset.querySelector('option[value="custom"]');
      if (custom) custom.disabled = config.dataset !== "custom";
      const info = infos.find((i) => i.name === config.dataset);
      f.desc.textContent = config.dataset === "custom" ? "Your own data, pasted below." : info ? info.description : "";
      f.params.hidden = config.dataset === "custom" || (data && data.fixed);
      f.samples.value = String(config.samples);
      f.noise.value = String(config.noise);
      f.mode.value = config.mode;
      f.batchLabel.hidden = config.mode !== "mini";
      f.shuffleLabel.hidden = config.mode === "full";
      f.shuffle.checked = config.shuffle !== false;
      f.batchSize.value = String(config.batchSize);
      f.testShare.value = String(config.testShare || 0);
      renderFeatures(info);
      if (config.csv !== undefined && !f.csv.value) f.csv.value = config.csv;
      if (network) {
        hiddenSizes = network.layer_sizes.slice(1, -1);
        f.hidden.value = network.hidden_activation;
        f.output.value = network.output_activation;
        f.loss.value = network.loss;
        f.lr.value = String(network.learning_rate);
        f.l2.value = String(network.l2);
        f.reduction.value = network.batch_reduction;
        f.l2Biases.checked = network.l2_biases;
      }
      guardCombos(null);
      renderLayers();
      renderSamples();
    },
    architecture,
    /** A network waits for data of its widths: open the CSV box, preset its target columns, say so. */
    askForData(nInputs, nTargets, text) {
      f.csvBox.open = true;
      f.csvTargets.value = String(nTargets);
      f.csvNote.textContent = text;
      const names = [...Array.from({ length: nInputs }, (_, i) => `x${i + 1}`), ...Array.from({ length: nTargets }, (_, i) => `y${i + 1}`)];
      f.csv.placeholder = names.join(",");   // a header of the right width shows the shape wanted
    },
    reset() { hiddenSizes = []; f.layers.replaceChildren(); },
  };

  state.on("network", () => api.render());
  state.on("data", () => api.render());
  state.on("sample", () => { f.sample.value = String(state.config.sample); });
  return api;
}
