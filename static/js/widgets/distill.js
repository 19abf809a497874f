// distill.js: the lesson widget of knowledge distillation. The graph is
// the teacher (frozen: dashed boxes, never a gradient), the student and
// the distillation loss. Under it: alpha, T and the student's size, a
// legend of the three parts, and a training card for two students from
// the same start, one taught by the teacher and one not, with both
// held-out loss curves.

import { h, fmt } from "../dom.js";
import { ServerType } from "../protocol.js";
import { WidgetFrame } from "./frame.js";

// The options offered as number fields, with the server's bounds
// (docs/protocol.md, "distill").
const FIELDS = {
  alpha: { label: "alpha", min: 0, max: 1, step: 0.05, def: 0.7 },
  T: { label: "temperature T", min: 0.5, max: 20, step: 0.5, def: 3 },
  width: { label: "student width", min: 1, max: 32, step: 1, def: 16 },
  points: { label: "labelled points", min: 8, max: 300, step: 1, def: 32 },
  steps: { label: "steps", min: 25, max: 2000, step: 25, def: 600 },
};

// The three parts of the graph, by name prefix.
const ROLES = ["teacher", "student", "distill"];

// run writes a model's held-out loss and accuracy.
const run = (loss, acc) => `${fmt(loss)} · ${(100 * acc).toFixed(1)}%`;
const METRICS = [
  { key: "step", label: "steps", testid: "distill-steps", get: (m) => m.step },
  { key: "teacherLoss", label: "teacher (held out)", testid: "distill-teacher", get: (m) => m.values.teacherLoss, format: (x, m) => run(x, m.values.teacherAccuracy) },
  { key: "plainLoss", label: "without teacher", testid: "distill-plain", get: (m) => m.values.plainLoss, format: (x, m) => run(x, m.values.plainAccuracy) },
  { key: "distillLoss", label: "with teacher", testid: "distill-taught", get: (m) => m.values.distillLoss, format: (x, m) => run(x, m.values.distillAccuracy) },
];

/** mountDistill turns placeholder root into a distill widget. */
export function mountDistill(root, client, spec) {
  const f = new WidgetFrame(root, client, spec);
  const card = f.train({ label: "Train both students", metrics: METRICS, plotHint: "Train to see both students' held-out loss." });
  const fields = Object.entries(FIELDS).map(([name, x]) =>
    h(
      "label",
      { class: "sgw-field" },
      h("span", {}, x.label),
      h("input", {
        type: "number",
        class: "select sgd-input",
        "data-testid": `set-${name}`,
        min: x.min,
        max: x.max,
        step: x.step,
        value: spec.options[name] ?? x.def,
        onchange: (ev) => f.channel.set(name, ev.target.value),
      }),
    ),
  );
  const legend = h(
    "p",
    { class: "sgd-legend" },
    h("span", { class: "sgd-legend__item sgd-legend--teacher" }, "teacher.*: frozen, gets no gradient"),
    h("span", { class: "sgd-legend__item sgd-legend--student" }, "student.*: learns"),
    h("span", { class: "sgd-legend__item sgd-legend--distill" }, "distill.*: the loss"),
  );
  f.add(h("div", { class: "sgw-footer" }, h("div", { class: "sgw-controls" }, ...fields), legend, card.el));
  // Each node is styled by the model it belongs to.
  f.on(ServerType.GRAPH, () => {
    for (const role of ROLES) f.graph.mark(`sgd-role-${role}`, (n) => n.name.startsWith(`${role}.`));
  });
  return f;
}
