// mlp.js: the lesson widget of a small MLP on 2-D points. Under the frame:
// its options (activation, data) and a training card, whose charts (loss,
// accuracy, decision regions) the server draws.

import { h, fmt, pct } from "../dom.js";
import { selects } from "../fields.js";
import { WidgetFrame } from "./frame.js";

// The options offered as selects: name → {label, values, def}.
const CHOICES = {
  act: { label: "activation", values: ["relu", "tanh", "sigmoid", "gelu_tanh"], def: "tanh" },
  data: { label: "data", values: ["xor", "circle", "spiral", "clusters"], def: "xor" },
};

/** METRICS are the numbers of an MLP's (or a CNN's) training card. */
export const METRICS = [
  { key: "step", label: "training steps", get: (m) => m.step },
  { key: "loss", label: "loss", get: (m) => m.values.loss, format: fmt },
  { key: "accuracy", label: "train accuracy", get: (m) => m.values.accuracy, format: pct },
  { key: "testAccuracy", label: "held-out accuracy", get: (m) => m.values.testAccuracy, format: pct },
];

// RUN_STEPS is a run's length unless the learner sets another (docs/protocol.md, train).
const RUN_STEPS = 3000;

/** mountMLP turns placeholder root into an mlp widget. */
export function mountMLP(root, client, spec) {
  const f = new WidgetFrame(root, client, spec);
  const card = f.train({ metrics: METRICS, steps: RUN_STEPS });
  f.add(footer(f, CHOICES, card));
  return f;
}

/** footer is the row under the graph: the option selects, then the training card. */
export function footer(f, choices, card) {
  return h(
    "div",
    { class: "sgw-footer" },
    h("div", { class: "sgw-controls" }, ...selects(choices, f.spec.options, (name, value) => f.channel.set(name, value))),
    card.el,
  );
}
