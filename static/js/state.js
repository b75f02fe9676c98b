// One state object with named channels: a view subscribes to what it shows.
//
// Channels used by the page (other modules may add their own):
//   "network"         the network resource changed (structure or weights)
//   "data"            the dataset changed
//   "pass"            a forward/backward/step result arrived for the current batch
//   "config"          a configuration field changed
//   "history"         cost points were added or cleared ({x, cost, testCost?})
//   "findings"        {findings, plateau} from /diagnose, or null
//   "training"        training started or stopped
//   "neuron-selected" {layer, neuron}        (API numbering: layer 0 = input)
//   "edge-selected"   {layer, from, to}      (layer = the layer the edge feeds)
//   "message"         {text, kind}           plain-words notice or error
//   "legend"          {kind, bound} or null  what the neuron colours mean right now

export function createState() {
  const listeners = new Map();
  const state = {
    network: null,        // the API's Network resource
    data: null,           // {name, description, inputs, targets, custom}
    config: {
      dataset: "xor", samples: 100, noise: 0.1, seed: 0,
      mode: "full", batchSize: 8, sample: 0,
      testShare: 0,                 // share of the samples held out for testing (never trained on)
      features: ["x1", "x2"],       // the input columns of a 2-D data set (Playground's feature inputs)
      shuffle: true,                // /train visits mini-batches in a random order (false: in the order given)
    },
    pass: null,           // {kind, result, batch: {inputs, targets, rows}, shown}
    history: [],          // [{x: steps, cost}] from the API's costs
    training: false,
    limits: null,         // the API's limits, from its OpenAPI schema (limits.js), set at boot
    rules: null,          // GET /api/rules: pairings and output widths the engine accepts, set at boot

    /** Subscribe fn(detail, state) to a channel; returns the unsubscribe function. */
    on(channel, fn) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(fn);
      return () => listeners.get(channel).delete(fn);
    },

    emit(channel, detail) {
      for (const fn of listeners.get(channel) || []) fn(detail, state);
    },

    /** Assign fields, then tell the channel's subscribers. */
    set(channel, fields) {
      Object.assign(state, fields);
      state.emit(channel, fields);
    },
  };
  return state;
}
