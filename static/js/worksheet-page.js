// The printable worked solution of one sample: /worksheet?network=ID&x=0.35,0.9&y=1. Shows the
// API's HTML sheet (MathML), prints on A4 or Letter, downloads the Markdown and LaTeX texts.

import * as api from "./api.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
const numbers = (text) => (text || "").split(",").filter((s) => s.trim() !== "").map(Number);
const sample = { id: params.get("network") || "", x: numbers(params.get("x")), y: numbers(params.get("y")) };

function say(text) {
  $("message-text").textContent = text;
  $("message").hidden = !text;
}

function request(format) {
  const blanks = $("blanks").checked;
  return { inputs: [sample.x], targets: [sample.y], format, blanks, ...(blanks ? { seed: Number($("seed").value) || 0 } : {}) };
}

async function show() {
  say("");
  const html = await api.worksheet(sample.id, request("html"));
  const doc = new DOMParser().parseFromString(html, "text/html");
  $("sheet").replaceChildren(...doc.body.childNodes);
  document.body.dataset.ready = "true";
}

async function download(format) {
  const text = await api.worksheet(sample.id, request(format));
  const suffix = format === "latex" ? "tex" : "md";
  const version = $("blanks").checked ? `-exercise-${Number($("seed").value) || 0}` : "";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: format === "latex" ? "application/x-latex" : "text/markdown" }));
  link.download = `worksheet-${sample.id}${version}.${suffix}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

const guard = (fn) => () => fn().catch((err) => say(err instanceof api.ApiError ? `The server said: ${err.message}` : `Something went wrong: ${err.message}`));
$("print").addEventListener("click", () => window.print());
$("download-markdown").addEventListener("click", guard(() => download("markdown")));
$("download-latex").addEventListener("click", guard(() => download("latex")));
$("blanks").addEventListener("change", () => { $("seed-label").hidden = !$("blanks").checked; guard(show)(); });
$("seed").addEventListener("change", guard(show));
$("paper").addEventListener("change", () => { document.body.dataset.paper = $("paper").value; });
$("back").href = sample.id ? `/?network=${encodeURIComponent(sample.id)}` : "/";
document.body.dataset.paper = $("paper").value;

if (!sample.id || !sample.x.length || !sample.y.length || [...sample.x, ...sample.y].some((v) => !Number.isFinite(v))) {
  say("This link names no network and sample: open the worksheet from the network page's Worksheet button.");
} else {
  guard(show)();
}
