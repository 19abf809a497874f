// mlp.js: the lesson widget of a small MLP on 2-D points. Under the frame:
// its options, one control per row of the mlp option table (knobs.js),
// and a training card, whose charts (loss, accuracy, decision regions)
// the server draws.

import { h, fmt, pct } from "../dom.js";
import { WidgetFrame } from "./frame.js";

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
  f.add(footer(f.knobs(), card));
  return f;
}

/** footer is the row under the graph: the option controls, then the training card. */
export function footer(knobs, card) {
  return h("div", { class: "sgw-footer" }, knobs.el, card.el);
}
