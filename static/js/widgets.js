// widgets.js maps the lesson widget kinds to the modules that mount them
// (static/js/widgets/), each a composition of the shared components.

import { h } from "./dom.js";
import { mountMLP } from "./widgets/mlp.js";
import { mountAttention } from "./widgets/attention.js";
import { mountQuant } from "./widgets/quant.js";
import { mountDistill } from "./widgets/distill.js";
import { mountCNN } from "./widgets/cnn.js";

const kinds = new Map([
  ["mlp", mountMLP],
  ["attention", mountAttention],
  ["quant", mountQuant],
  ["distill", mountDistill],
  ["cnn", mountCNN],
]);

/** mount turns a <div class="sg-widget"> placeholder into a live widget. */
export function mount(el, client) {
  const spec = {
    id: el.dataset.widget,
    kind: el.dataset.kind,
    options: parseOptions(el.dataset.options),
  };
  const kind = kinds.get(spec.kind);
  if (!kind) {
    el.replaceChildren(h("p", { class: "sgw-unavailable" }, `This page shows a “${spec.kind}” widget, which this version of Stepgraph does not have.`));
    return null;
  }
  return kind(el, client, spec);
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
