// inspector.js: the lab's inspector. For the node of the last node
// message it shows the op, its formula (MathML from the server), the
// actual shapes of its inputs and output (MathML built here), whether its
// value and gradient are known, the gradients the last backward step added
// to, and the value and gradient as heatmaps on a per-tensor or shared
// colour scale, with a hover readout and a table for screen readers.

import { h } from "../dom.js";
import { formulaBox } from "../formula.js";
import { labMap, hoverReadout, sharedScale } from "./maps.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

export class Inspector {
  /**
   * el is the inspector's pane. ctx gives what the pane needs from the
   * rest of the page: inputs(id) the boxes feeding a node, name(id) a node's
   * name, hidden(name) the attention mask of a probabilities node (or
   * null), labels(name, view) the tokens along a tensor's axes (or none),
   * exportMap(node, tensor) downloads a heatmap.
   */
  constructor(el, ctx) {
    this.el = el;
    this.ctx = ctx;
    this.shared = false;
    this.msg = null;
    this.readout = h("p", { class: "lab-readout", "aria-hidden": "true" });
    this.body = h("div", { class: "insp-body" });
    this.scale = h("div", { class: "insp-scale" });
    this.el.replaceChildren(h("div", { class: "lab-pane__head" }, h("h2", { class: "lab-pane__title" }, "Inspector"), this.scale), this.body, this.readout);
    hoverReadout(this.body, this.readout);
    this.empty();
  }

  empty() {
    this.scale.replaceChildren();
    this.body.replaceChildren(h("p", { class: "lab-hint" }, "Step forward, or click a node of the graph, to see its value and its gradient."));
  }

  /** show renders the node of a node message, or the hint without one. */
  show(msg) {
    this.msg = msg;
    if (!msg || !msg.node) {
      this.empty();
      return;
    }
    const n = msg.node;
    const parts = [
      h(
        "div",
        { class: "insp-head" },
        h("span", { class: `badge badge--${n.kind}` }, n.kind),
        h("span", { class: "insp-op" }, n.op),
        h("span", { class: "insp-shape" }, `[${n.shape.join(", ")}]`),
      ),
      h("h3", { class: "insp-name", "data-testid": "inspector-name" }, n.name),
      formulaBox(n, "insp-formula", "lab-muted"),
      this.shapes(n),
      this.state(msg),
    ];
    const writes = this.writes(msg);
    if (writes) parts.push(writes);
    this.scale.replaceChildren(this.scaleSwitch());
    const hidden = this.ctx.hidden(n.name);
    const scale = this.shared ? sharedScale([n.value, n.grad]) : null;
    const labels = this.ctx.labels(n.name, n.value);
    parts.push(
      labMap(n.value, { title: "Value", testid: "inspector-value", scale, hidden, ...labels, exported: () => this.ctx.exportMap(n.name, "value") }),
    );
    if (n.grad) {
      parts.push(
        labMap(n.grad, { title: "Gradient ∂L/∂·", testid: "inspector-grad", scale, hidden, ...labels, exported: () => this.ctx.exportMap(n.name, "grad") }),
      );
    }
    this.body.replaceChildren(...parts);
  }

  // shapes writes each input and the output as name ∈ ℝ^{shape}.
  shapes(n) {
    const rows = this.ctx.inputs(n.id).map((b) => shapeLine(short(b.name), b.shape, "input"));
    rows.push(shapeLine(short(n.name), n.shape, "output"));
    return h("ul", { class: "insp-shapes", "aria-label": "shapes" }, ...rows);
  }

  // state says whether the value and the gradient are known, with a line
  // of explanation when one of them waits.
  state(msg) {
    const n = msg.node;
    const st = msg.step;
    const op = n.kind === "op" || n.kind === "loss";
    let text = "";
    if (op && !n.computed) text = "Not computed yet in this run: the value shown is from before.";
    else if (n.grad && !n.gradKnown && st.phase === "backward" && st.index > 0) {
      text = `Its gradient is not complete yet: ${n.users} node${n.users === 1 ? "" : "s"} read it, and each adds its part.`;
    }
    return h(
      "p",
      { class: "insp-state" },
      h("span", { class: !op || n.computed ? "chip chip--done" : "chip" }, op ? (n.computed ? "value ✓" : "value pending") : n.kind === "input" ? "input data" : "learned"),
      h("span", { class: n.gradKnown ? "chip chip--grad" : "chip" }, n.gradKnown ? "gradient ✓" : n.grad ? "gradient pending" : "no gradient"),
      text ? h("span", { class: "insp-state__text" }, text) : null,
    );
  }

  // writes lists the gradients the last backward step added to, when this
  // node is the step's node: "+= 2/2" when the part completes a gradient
  // that several nodes feed.
  writes(msg) {
    const w = msg.step.writes || [];
    if (!w.length || msg.step.node !== msg.node.id) return null;
    return h(
      "p",
      { class: "insp-writes" },
      "This step added to the gradients of ",
      ...w.flatMap((x, i) => [
        i ? ", " : "",
        h("code", {}, this.ctx.name(x.node)),
        x.users > 1 ? h("span", { class: x.count === x.users ? "pill pill--complete" : "pill", title: x.count < x.users ? `${x.users - x.count} more part${x.users - x.count === 1 ? "" : "s"} to come` : "complete: its parts are summed" }, `+= ${x.count}/${x.users}`) : null,
      ]),
      ".",
    );
  }

  scaleSwitch() {
    const button = (shared, label) =>
      h(
        "button",
        {
          type: "button",
          class: this.shared === shared ? "seg__btn is-on" : "seg__btn",
          "aria-pressed": String(this.shared === shared),
          "data-testid": shared ? "scale-shared" : "scale-own",
          onclick: () => {
            this.shared = shared;
            this.show(this.msg);
          },
        },
        label,
      );
    return h("div", { class: "seg", role: "group", "aria-label": "colour scale of the value and the gradient", title: "Colour the value and the gradient each on its own scale, or both on one" }, button(false, "Own scales"), button(true, "One scale"));
  }
}

// short drops a node name's scope: "layers.0.attn.head.1.probs" -> "probs".
function short(name) {
  const i = name.lastIndexOf(".");
  return i < 0 ? name : name.slice(i + 1);
}

function shapeLine(name, shape, role) {
  const dims = [];
  shape.forEach((d, i) => {
    if (i) dims.push(m("mo", {}, "×"));
    dims.push(m("mn", {}, String(d)));
  });
  const space = shape.length ? m("msup", {}, m("mi", {}, "ℝ"), m("mrow", {}, ...dims)) : m("mi", {}, "ℝ");
  return h(
    "li",
    { class: `insp-shapes__row insp-shapes__row--${role}` },
    h("span", { class: "insp-shapes__role" }, role),
    m("math", {}, m("mrow", {}, m("mi", {}, name), m("mo", {}, "∈"), space)),
  );
}

// m builds a MathML element.
function m(tag, attrs, ...children) {
  const el = document.createElementNS(MATHML, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}
