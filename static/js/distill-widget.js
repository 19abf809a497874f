// distill-widget.js: the step widget for knowledge distillation. The graph
// is the teacher (frozen: dashed boxes, never a gradient), the student and
// the distillation loss. Under it: alpha, T and the student's size, and a
// training run of two students from the same start, one taught by the
// teacher and one not, with both held-out loss curves.

import { h, fmt } from "./dom.js";
import { TrainingWidget } from "./training-widget.js";
import { ServerType } from "./protocol.js";
import { plotImage } from "./chart.js";

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

export class DistillWidget extends TrainingWidget {
  extra() {
    this.metrics = h("dl", { class: "sgw-metrics sgd-metrics", "data-testid": "metrics" });
    this.plot = h("div", { class: "sgw-plot", "data-testid": "plot" }, h("p", { class: "insp__hint" }, "Train to see both students' held-out loss."));
    const fields = Object.entries(FIELDS).map(([name, f]) =>
      h(
        "label",
        { class: "sgw-field" },
        h("span", {}, f.label),
        h("input", {
          type: "number",
          class: "select sgd-input",
          "data-testid": `set-${name}`,
          min: f.min,
          max: f.max,
          step: f.step,
          value: this.spec.options[name] ?? f.def,
          onchange: (ev) => this.channel.set(name, ev.target.value),
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
    return h("div", { class: "sgw-footer" }, h("div", { class: "sgw-controls" }, ...fields, this.makeTrainButton("Train both students")), legend, this.metrics, this.plot);
  }

  receive(msg) {
    super.receive(msg);
    if (msg.type === ServerType.GRAPH) this.markRoles(msg);
  }

  /** markRoles styles each node by the model it belongs to. */
  markRoles(graph) {
    for (const n of graph.nodes) {
      const g = this.graph.nodes.get(n.id);
      if (!g) continue;
      for (const role of ROLES) g.classList.toggle(`sgd-role-${role}`, n.name.startsWith(`${role}.`));
    }
  }

  receiveMore(msg) {
    if (msg.type === ServerType.METRICS) this.showMetrics(msg);
    if (msg.type === ServerType.PLOT) {
      this.plot.querySelector(".insp__hint")?.remove();
      plotImage(this.plot, msg);
    }
  }

  showMetrics(m) {
    this.followTraining(m);
    const v = m.values;
    const run = (loss, acc) => `${fmt(loss)} · ${(100 * acc).toFixed(1)}%`;
    const item = (label, value, testid) => [h("dt", {}, label), h("dd", { "data-testid": testid }, value)];
    this.metrics.replaceChildren(
      ...item("steps", String(m.step), "distill-steps"),
      ...item("teacher (held out)", run(v.teacherLoss, v.teacherAccuracy), "distill-teacher"),
      ...item("without teacher", run(v.plainLoss, v.plainAccuracy), "distill-plain"),
      ...item("with teacher", run(v.distillLoss, v.distillAccuracy), "distill-taught"),
    );
  }
}
