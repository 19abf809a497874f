// quant-errors.js: a quantized model's error on the shared graph view. It
// takes the server's quantError messages (protocol.js QUANT_ERROR): it
// colours every node that has an error by its SQNR band, writes the dB
// value in a pill under the node's box (so the colour never says it
// alone), draws the legend of the bands from the server's edges, and gives
// the inspector the clicked node's float and quantized values with their
// error map. The page computes none of the numbers.

import { h, fmt, pct } from "./dom.js";
import { heatmap } from "./heatmap.js";

/** dbText is how a node's SQNR reads: "23.4 dB", "exact", or "no signal". */
export function dbText(n, unit = "dB") {
  if (n.exact) return "exact";
  if (n.sqnr === null || n.sqnr === undefined) return "no signal";
  return `${n.sqnr.toFixed(1)} ${unit}`;
}

export class QuantErrors {
  /** graph is a GraphView. */
  constructor(graph) {
    this.graph = graph;
    this.msg = null; // the last quantError message
    this.legend = h("figure", { class: "sgq-error-legend", "data-testid": "quant-error-legend", hidden: true });
  }

  /** clear takes the colours and the legend away (a float model again). */
  clear() {
    this.msg = null;
    this.graph.tag(new Map(), "sgq-tag");
    this.legend.hidden = true;
  }

  /** show colours the graph by msg, and draws the legend. */
  show(msg) {
    this.msg = msg;
    const tags = new Map();
    for (const n of msg.nodes) {
      const cls = n.exact ? "exact" : `band-${n.band}`;
      tags.set(n.id, { text: dbText(n, msg.unit), cls });
    }
    this.graph.tag(tags, "sgq-tag");
    this.drawLegend(msg);
  }

  // drawLegend lists the bands, most error first: their colour, their
  // range in dB, and how many nodes of the graph fall in each.
  drawLegend(msg) {
    const e = msg.edges;
    const count = (cls) => msg.nodes.filter((n) => (n.exact ? "exact" : `band-${n.band}`) === cls).length;
    const bands = [];
    for (let b = 0; b <= e.length; b++) {
      const range = b === 0 ? `below ${e[0]} ${msg.unit}` : b === e.length ? `${e[b - 1]} ${msg.unit} and above` : `${e[b - 1]} to ${e[b]} ${msg.unit}`;
      bands.push([`band-${b}`, range]);
    }
    bands.push(["exact", "exact (no error)"]);
    this.legend.hidden = false;
    this.legend.replaceChildren(
      h("figcaption", {}, `Node colour: SQNR against the float model, in ${msg.unit} (higher is less error), on ${msg.over}`),
      h(
        "ul",
        { class: "sgq-error-legend__list" },
        ...bands.map(([cls, range]) =>
          h(
            "li",
            { class: "sgq-error-legend__item", "data-band": cls, "data-testid": `quant-error-band-${cls}` },
            h("span", { class: `sgq-swatch sgq-tag--${cls}`, "aria-hidden": "true" }),
            h("span", {}, `${range}: ${count(cls)} node${count(cls) === 1 ? "" : "s"}`),
          ),
        ),
      ),
    );
  }

  /**
   * compare returns the inspector's part for node message msg: the node's
   * SQNR and its float, quantized and error maps, when the last quantError
   * compares this node; else null.
   */
  compare(msg) {
    const c = this.msg && this.msg.node;
    if (!c || !msg.node || c.id !== msg.node.id) return null;
    const where = c.float.rowAxis === "example" ? `the ${c.float.rows} stepped points` : "";
    return h(
      "div",
      { class: "sgq-compare", "data-testid": "quant-compare" },
      h(
        "p",
        { class: "sgq-compare__sqnr", "data-testid": "quant-compare-sqnr" },
        `Float against quantized${c.of === c.name ? "" : ` (${c.of}, its round trip)`}: SQNR ${dbText(c, this.msg.unit)}`,
      ),
      h("p", { class: "sgq-compare__where" }, where ? `The maps below are of ${where}.` : "The maps below are of the whole tensor."),
      heatmap(c.float, { title: "Float x", testid: "quant-float" }),
      heatmap(c.quantized, { title: "Quantized x̂", testid: "quant-quantized" }),
      heatmap(c.error, { title: "Error x − x̂", testid: "quant-error-map" }),
    );
  }
}

/**
 * showQuantReport writes what quantizing cost, from a metrics message's
 * values (docs/protocol.md): loss, accuracy and bytes, and, where the
 * server measured them (the Lab), the time of the linear layers.
 */
export function showQuantReport(el, v) {
  const item = (label, value, testid) => [h("dt", {}, label), h("dd", { "data-testid": testid }, value)];
  const num = (x) => (x === undefined ? "—" : fmt(x));
  const ratio = v.bytes > 0 ? ` (${(v.floatBytes / v.bytes).toFixed(1)}× smaller)` : "";
  const parts = [
    ...item("loss: float → quantized", `${num(v.floatLoss)} → ${num(v.quantLoss)}`, "quant-loss"),
    ...item("held-out accuracy", `${pct(v.floatAccuracy)} → ${pct(v.quantAccuracy)}`, "quant-accuracy"),
    ...item("parameters", `${v.floatBytes} B → ${v.bytes} B${ratio}`, "quant-bytes"),
    ...item("of which", `weights ${v.weightBytes} B · scales ${v.scaleBytes} B · zero points ${v.zeroBytes} B · float ${v.otherBytes} B`, "quant-bytes-parts"),
  ];
  if (v.int8MatmulNs !== undefined) {
    const us = (ns) => `${(ns / 1000).toFixed(ns < 10000 ? 2 : 0)} µs`;
    parts.push(
      ...item(
        "matmul time, one pass",
        `float64 ${us(v.floatMatmulNs)} · int8 ${us(v.int8MatmulNs)} · whole int linears ${us(v.int8LinearNs)}`,
        "quant-times",
      ),
      ...item("measured on", `${v.linears} linear layers, ${v.matmulMACs.toLocaleString("en")} multiply-adds, median of 5 rounds on the server`, "quant-macs"),
    );
  }
  if (v.qatSteps !== undefined) parts.push(...item("QAT fine-tuning", `${v.qatSteps} steps, loss ${num(v.qatFirstLoss)} → ${num(v.qatLastLoss)}`, "quant-qat"));
  el.replaceChildren(...parts);
}

// showCalibration writes which training points the static pass's
// observers saw, each observer's range and the grid it fixed; it hides
// the part for the other passes (c null).
export function showCalibration(el, c) {
  el.hidden = !c;
  if (!c) return el.replaceChildren();
  const ex = c.examples;
  const which = c.inputs
    ? `the sequences ${c.inputs.join(", ")}`
    : ex.length === 1
      ? `training point ${ex[0]}`
      : `training points ${ex[0]} to ${ex[ex.length - 1]}`;
  const what = c.inputs ? (c.points === 1 ? "sequence" : "sequences") : c.points === 1 ? "point" : "points";
  const num = (x) => fmt(x);
  el.replaceChildren(
    h(
      "table",
      { class: "sgq-table", "data-testid": "calibration-table" },
      h("caption", { "data-testid": "calibration-set" }, `Calibration: ${c.points} ${what} (${which}); each observer's range fixes its activation's grid`),
      h("thead", {}, h("tr", {}, ...["observer", "kind", "min", "max", "scale", "zero point"].map((x) => h("th", { scope: "col" }, x)))),
      h(
        "tbody",
        {},
        ...c.observers.map((o) =>
          h(
            "tr",
            { "data-testid": `calibration-row-${o.activation}` },
            h("th", { scope: "row" }, o.node),
            h("td", {}, o.observer),
            h("td", { "data-testid": "calibration-lo" }, num(o.lo)),
            h("td", { "data-testid": "calibration-hi" }, num(o.hi)),
            h("td", { "data-testid": "calibration-scale" }, num(o.scale)),
            h("td", { "data-testid": "calibration-zero" }, String(o.zero)),
          ),
        ),
      ),
    ),
  );
}
