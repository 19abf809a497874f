// widgets.js maps widget kinds to the classes that mount them. The lab adds
// its own kinds with register.

import { h } from "./dom.js";
import { MLPWidget } from "./mlp-widget.js";
import { AttentionWidget } from "./attention-widget.js";
import { QuantWidget } from "./quant-widget.js";
import { DistillWidget } from "./distill-widget.js";
import { CNNWidget } from "./cnn-widget.js";

const kinds = new Map([
  ["mlp", MLPWidget],
  ["attention", AttentionWidget],
  ["quant", QuantWidget],
  ["distill", DistillWidget],
  ["cnn", CNNWidget],
]);

/** register adds a widget kind. */
export function register(kind, cls) {
  kinds.set(kind, cls);
}

/** mount turns a <div class="sg-widget"> placeholder into a live widget. */
export function mount(el, client) {
  const spec = {
    id: el.dataset.widget,
    kind: el.dataset.kind,
    options: parseOptions(el.dataset.options),
  };
  const cls = kinds.get(spec.kind);
  if (!cls) {
    el.replaceChildren(h("p", { class: "sgw-unavailable" }, `This page shows a “${spec.kind}” widget, which this version of Stepgraph does not have.`));
    return null;
  }
  return new cls(el, client, spec);
}

function parseOptions(text) {
  if (!text) return {};
  try {
    const o = JSON.parse(text);
    return o && typeof o === "object" && !Array.isArray(o) ? o : {};
  } catch {
    return {};
  }
}
