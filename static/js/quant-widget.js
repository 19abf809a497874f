// quant-widget.js: the step widget for a quantized MLP. The graph marks
// what the pass inserted (.q integer weights, .fq fake-quant nodes, .obs
// observers, integer matmuls). Under it: the scheme and the pass, what
// quantizing cost (loss, accuracy, bytes), every node's error against the
// float model, and a histogram of one weight's rounding error.

import { h, fmt, pct } from "./dom.js";
import { StepWidget } from "./step-widget.js";
import { ServerType } from "./protocol.js";
import { plotImage } from "./chart.js";
import { selects } from "./fields.js";

// The options offered as selects: name → {label, values, def}. The values
// are the server's (docs/protocol.md, "quant").
const CHOICES = {
  bits: { label: "bits", values: ["8", "4"], def: "8" },
  symmetry: { label: "grid", values: ["symmetric", "asymmetric"], def: "symmetric" },
  granularity: { label: "scales", values: ["per-tensor", "per-channel"], def: "per-tensor" },
  pass: { label: "pass", values: ["dynamic", "static", "qat"], def: "dynamic" },
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

export class QuantWidget extends StepWidget {
  extra() {
    this.values = {};
    this.summary = h("dl", { class: "sgw-metrics sgq-summary", "data-testid": "quant-summary" });
    this.table = h("div", { class: "sgq-errors", "data-testid": "quant-errors" });
    this.plot = h("div", { class: "sgw-plot", "data-testid": "plot" });
    const legend = h(
      "p",
      { class: "sgq-legend" },
      h("span", { class: "sgq-legend__item sgq-legend--inserted" }, "inserted by the pass: .q integer weights, .fq fake quantization, .obs observers, integer matmuls"),
    );
    return h(
      "div",
      { class: "sgw-footer" },
      h("div", { class: "sgw-controls" }, ...selects(CHOICES, this.spec.options, (name, value) => this.channel.set(name, value))),
      legend,
      this.summary,
      h("div", { class: "sgq-report" }, this.table, this.plot),
    );
  }

  receive(msg) {
    super.receive(msg);
    if (msg.type === ServerType.GRAPH) this.markInserted(msg);
  }

  receiveMore(msg) {
    if (msg.type === ServerType.METRICS) this.showReport(msg.values);
    if (msg.type === ServerType.PLOT) plotImage(this.plot, msg);
  }

  /** markInserted styles the nodes the pass put in the graph. */
  markInserted(graph) {
    for (const n of graph.nodes) {
      const g = this.graph.nodes.get(n.id);
      if (g) g.classList.toggle("sgq-inserted", INSERTED.test(n.name) || /^int\d/.test(n.op));
    }
    if (Object.keys(this.values).length) this.showErrors();
  }

  showReport(v) {
    this.values = v;
    const item = (label, value, testid) => [h("dt", {}, label), h("dd", { "data-testid": testid }, value)];
    const num = (x) => (x === undefined ? "—" : fmt(x));
    const ratio = v.bytes > 0 ? ` (${(v.floatBytes / v.bytes).toFixed(1)}× smaller)` : "";
    this.summary.replaceChildren(
      ...item("loss: float → quantized", `${num(v.floatLoss)} → ${num(v.quantLoss)}`, "quant-loss"),
      ...item("held-out accuracy", `${pct(v.floatAccuracy)} → ${pct(v.quantAccuracy)}`, "quant-accuracy"),
      ...item("parameters", `${v.floatBytes} B → ${v.bytes} B${ratio}`, "quant-bytes"),
      ...item("of which", `weights ${v.weightBytes} B · scales ${v.scaleBytes} B · zero points ${v.zeroBytes} B · float ${v.otherBytes} B`, "quant-bytes-parts"),
    );
    this.showErrors();
  }

  /** showErrors lists every node that has an error, in graph order. */
  showErrors() {
    const v = this.values;
    const names = [];
    for (const n of this.graphMsg ? this.graphMsg.nodes : []) {
      const e = errorName(n.name);
      if (`mse:${e}` in v && !names.includes(e)) names.push(e);
    }
    const selected = this.state && this.state.node ? errorName(this.state.node.name) : "";
    const sqnr = (x) => (x === undefined ? "exact" : x.toFixed(1));
    const rows = names.map((name) =>
      h(
        "tr",
        { class: name === selected ? "is-selected" : "", "data-testid": `quant-error-${name}` },
        h("th", { scope: "row" }, h("button", { type: "button", class: "sgq-node", onclick: () => this.selectByError(name) }, name)),
        h("td", {}, fmt(v[`mse:${name}`])),
        h("td", {}, fmt(v[`maxAbs:${name}`])),
        h("td", {}, sqnr(v[`sqnr:${name}`])),
      ),
    );
    this.table.replaceChildren(
      h(
        "table",
        { class: "sgq-table" },
        h("caption", {}, "Error against the float model, on every held-out point"),
        h("thead", {}, h("tr", {}, ...["node", "MSE", "max |error|", "SQNR (dB)"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, ...rows),
      ),
    );
  }

  /** selectByError inspects the node an error row stands for. */
  selectByError(name) {
    const have = new Set((this.graphMsg ? this.graphMsg.nodes : []).map((n) => n.name));
    const node = [`${name}.q`, `${name}.fq`, name].find((n) => have.has(n)) || name;
    this.channel.select(node);
  }

  showNode(msg) {
    super.showNode(msg);
    if (this.graphMsg) this.showErrors();
  }

  showInspector(msg) {
    super.showInspector(msg);
    const name = errorName(msg.node.name);
    const v = this.values;
    if (!(`mse:${name}` in v)) return;
    const sqnr = v[`sqnr:${name}`];
    this.inspector.insertBefore(
      h(
        "p",
        { class: "sgq-node-error", "data-testid": "inspector-quant-error" },
        `Against the float model (every held-out point): MSE ${fmt(v[`mse:${name}`])}, max |error| ${fmt(v[`maxAbs:${name}`])}, SQNR ${sqnr === undefined ? "∞ (exact)" : `${sqnr.toFixed(1)} dB`}.`,
      ),
      this.inspector.querySelector(".heatmap"),
    );
  }
}
