// mlp.js: the lesson widget of a small MLP on 2-D points. Under the frame:
// the maps of the highlighted hidden layer's neurons (where each is
// active over the plane, from the server's neurons message), its options,
// one control per row of the mlp option table (knobs.js), and a training
// card, whose charts (loss, accuracy, decision regions) the server draws.

import { h, fmt, pct } from "../dom.js";
import { heatmap, sharedScale } from "../heatmap.js";
import { ServerType } from "../protocol.js";
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
  const neurons = h("div", { class: "mlp-neurons", "data-testid": "mlp-neurons" });
  showNeurons(neurons, null);
  f.on(ServerType.NEURONS, (m) => showNeurons(neurons, m));
  f.add(neurons, footer(f.knobs(), card));
  return f;
}

// showNeurons draws neurons message m: one map per neuron of a hidden
// layer, on one colour scale, or a hint when no hidden layer is selected.
function showNeurons(el, m) {
  if (!m || m.layer < 0) {
    el.replaceChildren(
      h("h4", { class: "cnn-maps__title" }, "Hidden neurons"),
      h("p", { class: "insp__hint" }, "Click a node of a hidden layer (layers.0.act, or its w) to see where each of its neurons is active over the plane."),
    );
    return;
  }
  const scale = sharedScale(m.units);
  el.replaceChildren(
    h("h4", { class: "cnn-maps__title" }, `${m.node}: each neuron's activation over [${m.lo}, ${m.hi}]², top of the map = top of the plane`),
    h(
      "div",
      { class: "cnn-maps__row" },
      ...m.units.map((u, j) => heatmap(u, { title: `neuron ${j}`, testid: `neuron-${m.layer}-${j}`, cell: 6, scale })),
    ),
  );
}

/** footer is the row under the graph: the option controls, then the training card. */
export function footer(knobs, card) {
  return h("div", { class: "sgw-footer" }, knobs.el, card.el);
}
