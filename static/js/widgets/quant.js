// quant.js: the lesson widget of a quantized MLP. The graph marks what the
// pass inserted (.q integer weights, .fq fake-quant nodes, .obs observers,
// integer matmuls). Under it: the scheme and the pass, what quantizing
// cost (loss, accuracy, bytes), every node's error against the float
// model, and a histogram of one weight's rounding error; the inspector adds
// the inspected node's error.

import { h, fmt } from "../dom.js";
import { selects } from "../fields.js";
import { plotImage } from "../chart.js";
import { ServerType } from "../protocol.js";
import { WidgetFrame } from "./frame.js";
import { QuantErrors, showQuantReport, showCalibration } from "../quant-errors.js";

// The options offered as selects: name → {label, values, def}. The values
// are the server's (docs/protocol.md, "quant").
const CHOICES = {
  bits: { label: "bits", values: ["8", "4"], def: "8" },
  symmetry: { label: "grid", values: ["symmetric", "asymmetric"], def: "symmetric" },
  granularity: { label: "scales", values: ["per-tensor", "per-channel"], def: "per-tensor" },
  pass: { label: "pass", values: ["dynamic", "static", "qat"], def: "dynamic" },
  observer: { label: "observer (static)", values: ["minmax", "percentile"], def: "minmax" },
  view: { label: "graph", values: ["integer", "prepared"], def: "integer" },
  weight: { label: "histogram of", values: ["layers.0.w", "layers.1.w", "layers.2.w"], def: "layers.1.w" },
};

// A node the pass inserted or replaced: its name ends in .q, .fq or .obs,
// or its op runs on integers.
const INSERTED = /\.(q|fq|obs)$/;

/** errorName returns the name a node's error is reported under: a weight's
 * .q or .fq node reports the weight's round trip. */
function errorName(name) {
  return name.replace(/\.(q|fq)$/, "");
}

const sqnrText = (x) => (x === undefined ? "∞ (exact)" : `${x.toFixed(1)} dB`);

/** mountQuant turns placeholder root into a quant widget. */
export function mountQuant(root, client, spec) {
  let values = {}; // the report: the last metrics message's values
  const has = (name) => `mse:${name}` in values;
  let qe = null; // the graph's colours by error, once the frame has a graph view
  const f = new WidgetFrame(root, client, spec, {
    inspector: {
      // The inspected node's error, from the report, and its float and
      // quantized values (quantError).
      note: (msg) => {
        const name = errorName(msg.node.name);
        const cmp = qe ? qe.compare(msg) : null;
        if (!has(name)) return cmp;
        const report = h(
          "p",
          { class: "sgq-node-error", "data-testid": "inspector-quant-error" },
          `Against the float model (every held-out point): MSE ${fmt(values[`mse:${name}`])}, max |error| ${fmt(values[`maxAbs:${name}`])}, SQNR ${sqnrText(values[`sqnr:${name}`])}.`,
        );
        return cmp ? h("div", {}, report, cmp) : report;
      },
    },
  });
  qe = new QuantErrors(f.graph);
  // The static pass's calibration set: its size, a field of the option
  // calibration (docs/protocol.md, "quant": 1 to 300), and what it gave.
  const calibrationField = h(
    "label",
    { class: "sgw-field" },
    h("span", {}, "calibration points (static)"),
    h("input", {
      type: "number",
      class: "select sgd-input",
      "data-testid": "calibration-size",
      min: 1,
      max: 300,
      step: 1,
      value: spec.options.calibration ?? 300,
      onchange: (ev) => f.channel.set("calibration", ev.target.value),
    }),
  );
  // It scrolls sideways on a narrow screen: a region the keyboard reaches.
  const calibration = h("div", {
    class: "sgq-calibration",
    "data-testid": "calibration",
    tabindex: 0,
    role: "region",
    "aria-label": "Calibration: each observer's range and grid",
    hidden: true,
  });
  // The qat pass trains live: its fine-tuning beside a float one, both
  // training losses on one chart (docs/protocol.md, "quant").
  const card = f.train({
    label: "Train QAT live",
    plots: ["loss"],
    plotTestid: "qat-plot",
    metrics: [
      { key: "step", label: "steps", testid: "qat-steps", get: (m) => m.step },
      { key: "floatTrainLoss", label: "float training loss", testid: "qat-float-loss", get: (m) => m.values.floatTrainLoss, format: fmt },
      { key: "qatTrainLoss", label: "QAT training loss", testid: "qat-loss", get: (m) => m.values.qatTrainLoss, format: fmt },
    ],
    plotHint: "Train to see the float and the QAT fine-tuning's loss, step by step, on one chart.",
  });
  card.el.hidden = spec.options.pass !== "qat";
  const summary = h("dl", { class: "sgw-metrics sgq-summary", "data-testid": "quant-summary" });
  const errors = h("div", { class: "sgq-errors", "data-testid": "quant-errors" });
  const plot = h("div", { class: "sgw-plot", "data-testid": "plot" });
  f.add(
    h(
      "div",
      { class: "sgw-footer" },
      h("div", { class: "sgw-controls" }, ...selects(CHOICES, spec.options, (name, value) => f.channel.set(name, value)), calibrationField),
      h("p", { class: "sgq-legend" }, h("span", { class: "sgq-legend__item sgq-legend--inserted" }, "inserted by the pass: .q integer weights, .fq fake quantization, .obs observers, integer matmuls")),
      qe.legend,
      summary,
      calibration,
      card.el,
      h("div", { class: "sgq-report" }, errors, plot),
    ),
  );

  // showErrors lists every node that has an error, in graph order.
  const showErrors = () => {
    const names = [];
    for (const n of f.graphMsg ? f.graphMsg.nodes : []) {
      const e = errorName(n.name);
      if (has(e) && !names.includes(e)) names.push(e);
    }
    const node = f.nodeMsg && f.nodeMsg.node;
    const selected = node ? errorName(node.name) : "";
    const rows = names.map((name) =>
      h(
        "tr",
        { class: name === selected ? "is-selected" : "", "data-testid": `quant-error-${name}` },
        h("th", { scope: "row" }, h("button", { type: "button", class: "sgq-node", onclick: () => f.channel.select(nodeOf(name)) }, name)),
        h("td", {}, fmt(values[`mse:${name}`])),
        h("td", {}, fmt(values[`maxAbs:${name}`])),
        h("td", {}, values[`sqnr:${name}`] === undefined ? "exact" : values[`sqnr:${name}`].toFixed(1)),
      ),
    );
    errors.replaceChildren(
      h(
        "table",
        { class: "sgq-table" },
        h("caption", {}, "Error against the float model, on every held-out point"),
        h("thead", {}, h("tr", {}, ...["node", "MSE", "max |error|", "SQNR (dB)"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, ...rows),
      ),
    );
  };
  // nodeOf returns the node an error row stands for: the weight's .q or
  // .fq node where the graph has one.
  const nodeOf = (name) => {
    const drawn = new Set((f.graphMsg ? f.graphMsg.nodes : []).map((n) => n.name));
    return [`${name}.q`, `${name}.fq`, name].find((n) => drawn.has(n)) || name;
  };

  f.on(ServerType.GRAPH, (g) => {
    card.el.hidden = !g.options || g.options.pass !== "qat";
    f.graph.mark("sgq-inserted", (n) => INSERTED.test(n.name) || /^int\d/.test(n.op));
    if (Object.keys(values).length) showErrors();
  });
  f.on(ServerType.NODE, () => {
    if (f.graphMsg) showErrors();
  });
  f.on(ServerType.METRICS, (m) => {
    values = m.values;
    showQuantReport(summary, values);
    showErrors();
    f.inspector.redraw();
  });
  f.on(ServerType.PLOT, (p) => {
    if (p.name === "error") plotImage(plot, p);
  });
  f.on(ServerType.QUANT_ERROR, (m) => {
    qe.show(m);
    showCalibration(calibration, m.calibration);
    f.inspector.redraw();
  });
  return f;
}
