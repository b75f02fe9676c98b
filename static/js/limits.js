// The API's own limits, read from its OpenAPI schema (GET /openapi.json), so the page checks
// links, forms and pasted data against the numbers the server enforces, never re-typed ones.
// Pure: no DOM, no fetch (node tests feed it the real schema).

const range = (schema) => {
  const s = (schema && schema.anyOf) ? schema.anyOf.find((x) => x.type !== "null") : schema;
  if (!s || typeof s.minimum !== "number" || typeof s.maximum !== "number") {
    throw new Error("the server's schema has no limits for a field the page checks");
  }
  return { min: s.minimum, max: s.maximum, integer: s.type === "integer" };
};

/**
 * Ranges ({min, max, integer}) from the OpenAPI document: samples, noise and test_share of
 * GET /api/datasets/{name}, the /train batch_size, the smallest and largest input or target
 * value of a pass (data), the rows of a pass, and the neurons of a layer.
 */
export function limitsFrom(openapi) {
  const resolve = (s) => (s && s.$ref ? openapi.components.schemas[s.$ref.split("/").pop()] : s);
  const body = (path) => resolve(openapi.paths[path].post.requestBody.content["application/json"].schema).properties;
  const query = {};
  for (const p of openapi.paths["/api/datasets/{name}"].get.parameters) query[p.name] = p.schema;
  const inputs = body("/api/networks/{network_id}/forward").inputs;
  return {
    samples: range(query.samples),
    noise: range(query.noise),
    testShare: range(query.test_share),
    batchSize: range(body("/api/networks/{network_id}/train").batch_size),
    data: range(inputs.items.items),
    rows: { min: inputs.minItems, max: inputs.maxItems, integer: true },
    neurons: range(resolve(body("/api/networks").layer_sizes).items),
  };
}

/** "4 to 10000", "−1e12 to 1e12": a range as a page says it. */
export function rangeText({ min, max }) {
  const say = (v) => (Math.abs(v) >= 1e6 ? v.toExponential().replace("e+", "e") : String(v)).replace(/^-/, "−");
  return `${say(min)} to ${say(max)}`;
}

/** Is the number v inside the range (and whole when the range is of integers)? */
export const within = (v, { min, max, integer }) =>
  Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
