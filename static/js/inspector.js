// inspector.js: the inspector component. For the node of the last node
// message it shows the node's kind, op and shape, its name, its formula
// (the server's MathML, in a box that scrolls when it is wider), the
// shapes of its inputs and output, whether its value and its gradient are
// known (two chips, exactly as the node message says), the gradients the
// last backward step added to ("+= 1/2" where several nodes feed one), and
// its value and gradient as heatmaps with the server's axes and labels, on
// a scale each or one shared, with the value under the pointer in a line
// at the bottom. With ctx.check it offers a gradient check of a node whose
// gradient is complete, and with ctx.checkAll (the Lab) of every
// parameter (gradcheck.js).

import { h, parseMathML } from "./dom.js";
import { heatmap, hoverReadout, sharedScale } from "./heatmap.js";
import { OptimizerPanel } from "./optimizer-panel.js";
import { GradCheck } from "./gradcheck.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

export class Inspector {
  /**
   * el is the element the inspector fills. ctx gives what it needs from
   * the rest of the widget: name(id) names a node, inputs(id) returns the
   * graph message's boxes that feed a node. Optional:
   *   heading          "h2" or "h3" (default), the level of its title;
   *   hidden(name)     the attention mask of a probabilities node, or null;
   *   exportMap(node, tensor)  downloads a map ("value" or "grad"); without
   *                    it the maps have no export button;
   *   note(msg)        an element (or null) the host adds above the maps;
   *   optimize(node)   sends an optimize request: the inspector then has the
   *                    optimizer's step under its maps (optimizer-panel.js),
   *                    which the host feeds with showOptimizer.
   *   check(name)      sends a gradient check of a node: a "Check gradient"
   *                    button then shows for a node whose gradient is complete;
   *   checkAll()       sends a check of every parameter: a "Check every
   *                    parameter" panel then follows the maps.
   * The host passes the gradcheck messages to showCheck and the refusals
   * of check requests to checkRefused.
   */
  constructor(el, ctx) {
    this.el = el;
    this.ctx = ctx;
    this.shared = false;
    this.msg = null;
    const heading = ctx.heading || "h3";
    this.nameTag = heading === "h2" ? "h3" : "h4";
    this.scale = h("div", { class: "insp__scale" });
    this.body = h("div", { class: "insp__body" });
    // The readout's class is read by the Lab's browser tests.
    this.readout = h("p", { class: "lab-readout", "aria-hidden": "true" });
    el.classList.add("insp");
    this.optim = ctx.optimize ? new OptimizerPanel(ctx.optimize, this.nameTag) : null;
    this.check = ctx.check || ctx.checkAll ? new GradCheck(ctx, this.nameTag, () => this.redraw()) : null;
    // replaceChildren writes a null as the text "null": the parts a kind
    // does not have are left out.
    el.replaceChildren(...[h("div", { class: "insp__bar" }, h(heading, { class: "insp__title" }, "Inspector"), this.scale), this.body, this.optim ? this.optim.el : null, this.check && this.check.allEl, this.readout].filter(Boolean));
    hoverReadout(this.body, this.readout);
    if (this.optim) hoverReadout(this.optim.el, this.readout);
    // The formula box's size changes with the pane's and with the formula.
    this.fits = new ResizeObserver((entries) => entries.forEach((e) => scrollable(e.target, scrollLabel(e.target))));
    this.show(null);
  }

  /** show renders the node of node message msg, or a hint without one. */
  show(msg) {
    this.msg = msg;
    if (this.optim) this.optim.setNode(msg && msg.node);
    if (this.check) this.check.update(msg);
    if (!msg || !msg.node) {
      this.scale.replaceChildren();
      this.body.replaceChildren(h("p", { class: "insp__hint" }, "Press Next step, or click a node of the graph, to see its value and its gradient."));
      return;
    }
    const n = msg.node;
    const box = formula(n);
    this.fits.disconnect();
    this.fits.observe(box);
    const parts = [
      h(
        "div",
        { class: "insp__head" },
        h("span", { class: `badge badge--${n.kind}` }, n.kind),
        h("span", { class: "insp__op" }, n.op),
        h("span", { class: "insp__shape" }, `[${n.shape.join(", ")}]`),
      ),
      h(this.nameTag, { class: "insp__name", "data-testid": "inspector-name" }, n.name),
      box,
      this.seeded(msg),
      this.shapes(n),
      this.state(msg),
      this.writes(msg),
      this.check ? this.check.part(msg) : null,
      this.ctx.note ? this.ctx.note(msg) : null,
    ];
    this.scale.replaceChildren(this.scaleSwitch());
    const hidden = this.ctx.hidden ? this.ctx.hidden(n.name) : null;
    const scale = this.shared ? sharedScale([n.value, n.grad]) : null;
    const map = (view, title, tensor) =>
      heatmap(view, {
        title,
        testid: `inspector-${tensor}`,
        scale,
        hidden,
        exported: this.ctx.exportMap ? () => this.ctx.exportMap(n.name, tensor) : null,
      });
    parts.push(map(n.value, "Value", "value"));
    if (n.grad) parts.push(map(n.grad, "Gradient ∂L/∂·", "grad"));
    this.body.replaceChildren(...parts.filter(Boolean));
    scrollable(box);
    // A map wider than the pane (a 16×64 weight), or a gradient check's
    // table on a phone, scrolls sideways in its box, which then takes the
    // focus too.
    for (const el of this.body.querySelectorAll(".heatmap__scroll, .gc__scroll")) this.fits.observe(el);
  }

  /** showCheck shows a gradcheck message; checkRefused the error of a refused check. */
  showCheck(m) {
    if (this.check) this.check.receive(m);
  }
  checkRefused(e) {
    if (this.check) this.check.refused(e);
  }

  /** showOptimizer draws an optimizer message; optimizerRefused an error that refused optimize; holdOptimizer(on) disables the step while the model trains. */
  showOptimizer(msg) {
    if (this.optim) this.optim.show(msg);
  }
  optimizerRefused(msg) {
    if (this.optim) this.optim.refused(msg);
  }
  holdOptimizer(on) {
    if (this.optim) this.optim.hold(on);
  }

  /** redraw shows the last node message again (its labels, mask or note changed). */
  redraw() {
    this.show(this.msg);
  }

  // shapes writes each input and the output as name ∈ ℝ^{shape}.
  shapes(n) {
    const rows = this.ctx.inputs(n.id).map((b) => shapeLine(short(b.name), b.shape, "input"));
    rows.push(shapeLine(short(n.name), n.shape, "output"));
    return h("ul", { class: "insp__shapes", "aria-label": "shapes" }, ...rows);
  }

  // state says whether the value and the gradient are known, as the node
  // message says (computed, gradKnown), in two chips (data-state pending,
  // complete or none), with a line of explanation when one of them waits.
  state(msg) {
    const n = msg.node;
    const st = msg.step;
    const op = n.kind === "op" || n.kind === "loss";
    let text = "";
    if (op && !n.computed) text = "Not computed yet in this run: the value shown is from before.";
    else if (n.kind === "loss" && n.grad && !n.gradKnown) {
      text = "Its gradient waits for the backward pass, whose first step, the seed, sets ∂L/∂L = 1.";
    } else if (n.grad && !n.gradKnown && st.phase === "backward") {
      text = `Its gradient is not complete yet: ${n.users} node${n.users === 1 ? "" : "s"} read it, and each adds its part.`;
    }
    const value = op
      ? { state: n.computed ? "complete" : "pending", text: n.computed ? "value computed" : "value pending" }
      : { state: "none", text: n.kind === "input" ? "input data" : "learned weights" };
    const grad = n.gradKnown ? { state: "complete", text: "gradient complete" } : n.grad ? { state: "pending", text: "gradient pending" } : { state: "none", text: "no gradient" };
    return h(
      "p",
      { class: "insp__state" },
      h("span", { class: !op || n.computed ? "chip chip--done" : "chip", "data-testid": "chip-value", "data-state": value.state }, value.text),
      h("span", { class: n.gradKnown ? "chip chip--grad" : "chip", "data-testid": "chip-grad", "data-state": grad.state }, grad.text),
      text ? h("span", { class: "insp__state-text" }, text) : null,
    );
  }

  // seeded says what the seed step did, when it is the last step and this
  // node is the loss it seeded.
  seeded(msg) {
    if (!msg.step.seed || msg.step.node !== msg.node.id) return null;
    return h("p", { class: "insp__writes insp__seed", "data-testid": "inspector-seed" }, "This step seeds the backward pass: ∂L/∂L = 1. The next steps carry it back, node by node.");
  }

  // writes lists the gradients the last backward step added to, when this
  // node is the step's node: "+= 2/2" when the part completes a gradient
  // that several nodes feed.
  writes(msg) {
    const w = msg.step.writes || [];
    if (!w.length || msg.step.node !== msg.node.id) return null;
    return h(
      "p",
      { class: "insp__writes" },
      "This step added to the gradients of ",
      ...w.flatMap((x, i) => [
        i ? ", " : "",
        h("code", {}, this.ctx.name(x.node)),
        x.users > 1
          ? h("span", { class: x.count === x.users ? "pill pill--complete" : "pill", title: x.count < x.users ? `${x.users - x.count} more part${x.users - x.count === 1 ? "" : "s"} to come` : "complete: its parts are summed" }, `+= ${x.count}/${x.users}`)
          : null,
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
            this.redraw();
          },
        },
        label,
      );
    return h("div", { class: "seg", role: "group", "aria-label": "colour scale of the value and the gradient", title: "Colour the value and the gradient each on its own scale, or both on one" }, button(false, "Own scales"), button(true, "One scale"));
  }
}

// formula returns a box with node view n's formula: the server's MathML,
// else its TeX as code, else what an input or a parameter is. A formula
// wider than the box scrolls inside it, and the box then takes the focus,
// so that a keyboard scrolls it too.
function formula(n) {
  const box = h("div", { class: "insp__formula", "data-testid": "inspector-formula" });
  const math = n.formulaHtml ? parseMathML(n.formulaHtml) : null;
  if (math) box.append(math);
  else if (n.formula) box.append(h("code", {}, n.formula));
  else {
    box.append(
      h(
        "span",
        { class: "insp__muted" },
        n.kind === "input"
          ? "Data fed in from outside: no op computes it, and it takes no gradient."
          : "A parameter: no op computes it; training learns it. The forward pass reads it as it is, the backward pass gives its gradient.",
      ),
    );
    return box;
  }
  return box;
}

// scrollable makes a box (a formula's, a map's) that is wider than it shows
// a region in the tab order (a keyboard then scrolls it), named label, and
// a box that fits plain.
function scrollable(box, label = "formula, scrolls sideways") {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (scrolls) {
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
  } else {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
  }
}

// scrollLabel names a box that scrolls: the formula's, a map's by its
// title ("Gradient ∂L/∂·, scrolls sideways"), a gradient check's by its
// node.
function scrollLabel(box) {
  const title = box.classList.contains("heatmap__scroll") ? box.closest("figure")?.querySelector("figcaption")?.textContent : box.dataset.label;
  return title ? `${title}, scrolls sideways` : "formula, scrolls sideways";
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
    { class: `insp__shapes-row insp__shapes-row--${role}` },
    h("span", { class: "insp__shapes-role" }, role),
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
