// optimizer-panel.js: the optimizer's step, seen. A part of the inspector
// (inspector.js) for the widgets whose model has an optimizer: a "Take one
// optimizer step" button (data-testid optim-step) that sends an optimize
// request, and the server's optimizer message drawn side by side: W
// before, the gradient, ΔW (delta-w) and W after; for Adam its moments m
// (adam-m) and v (adam-v), the bias-corrected m̂ and v̂ and each entry's
// step size; for SGD with momentum the velocity (sgd-velocity). Every map
// is coloured on a diverging scale symmetric around 0, so that 0 is the
// neutral colour on each; W before and W after share theirs, so that the
// eye compares them.

import { h, fmt } from "./dom.js";
import { heatmap } from "./heatmap.js";

export class OptimizerPanel {
  /**
   * optimize(node) sends the request for the parameter node (or "" to
   * let the server choose: the inspected parameter, else the first).
   * heading is the tag of its title, one level under the inspector's.
   */
  constructor(optimize, heading = "h4") {
    this.optimize = optimize;
    this.param = ""; // the inspected node, when it is a parameter
    this.held = false;
    this.button = h(
      "button",
      { type: "button", class: "btn btn--primary", "data-testid": "optim-step", onclick: () => this.optimize(this.param) },
      "Take one optimizer step",
    );
    this.target = h("span", { class: "optim__target", "data-testid": "optim-target" });
    this.status = h("p", { class: "optim__status", role: "status", "data-testid": "optim-status" });
    this.result = h("div", { class: "optim__result", "data-testid": "optim-result" });
    this.el = h(
      // A group, not a region: a page may have several widgets, and each
      // landmark of a page needs a name of its own.
      "div",
      { class: "optim", role: "group", "aria-label": "Optimizer step" },
      h(heading, { class: "optim__title" }, "The optimizer's step"),
      h("div", { class: "optim__bar" }, this.button, this.target),
      h(
        "p",
        { class: "optim__hint" },
        "One step with the gradient of the stepped example, as at the end of the backward pass. If the backward pass is not finished, the step runs it to the end first. Every parameter moves; the panel shows one. Then the example runs again with the new weights: step, look, step.",
      ),
      this.status,
      this.result,
    );
    this.setNode(null);
  }

  /** setNode tells the panel the inspected node view (or null). */
  setNode(n) {
    this.param = n && n.kind === "parameter" && n.grad ? n.name : "";
    this.target.replaceChildren(...(this.param ? ["shows ", h("code", {}, this.param)] : ["shows the first parameter; inspect another to see its step"]));
  }

  /** hold disables the button while the model trains (training owns the optimizer). */
  hold(on) {
    this.held = on;
    this.button.disabled = on;
    this.button.title = on ? "Pause training to step the optimizer yourself" : "";
  }

  /** refused shows the server's refusal of an optimize request. */
  refused(msg) {
    this.status.textContent = msg.message;
    this.status.classList.add("is-error");
  }

  /** show draws an optimizer message. */
  show(msg) {
    this.status.classList.remove("is-error");
    const adam = msg.optimizer === "adam";
    const name = adam ? "Adam" : `SGD with momentum ${msg.momentum}`;
    this.status.replaceChildren(
      `${name}, step t = ${msg.t}, lr ${msg.lr}, on `,
      h("code", {}, msg.node),
      msg.ranBackward ? ": the backward pass was not finished, so the step ran it to the end first." : ": the gradient of the finished backward pass.",
      ` Loss of the stepped example ${fmt(msg.lossBefore)} → ${fmt(msg.lossAfter)}.`,
    );
    const w = symmetric(msg.before, msg.after);
    // Small cells, so that two maps of a 16-wide weight fit side by side
    // in the lab's inspector, four across a wider pane (app.css .optim__row).
    const cell = Math.max(4, Math.min(12, Math.floor(144 / Math.max(msg.before.cols, 1))));
    const map = (hm, title, testid, scale) => (hm ? heatmap(hm, { title, testid, cell, scale: scale || symmetric(hm) }) : null);
    const rows = [
      row(
        "the step",
        map(msg.before, "W before", "optim-before", w),
        map(msg.grad, "gradient g = ∂L/∂W", "optim-grad"),
        map(msg.delta, adam ? "ΔW = −lr·m̂/(√v̂+ε)" : "ΔW = −lr·v", "delta-w"),
        map(msg.after, "W after = W + ΔW", "optim-after", w),
      ),
    ];
    if (adam) {
      rows.push(
        row(
          "Adam's state after the step",
          map(msg.m, `m = ${msg.beta1}·m + ${round(1 - msg.beta1)}·g`, "adam-m"),
          map(msg.v, `v = ${msg.beta2}·v + ${round(1 - msg.beta2)}·g²`, "adam-v"),
          map(msg.mHat, `m̂ = m/(1−${msg.beta1}^${msg.t})`, "adam-mhat"),
          map(msg.vHat, `v̂ = v/(1−${msg.beta2}^${msg.t})`, "adam-vhat"),
          map(msg.stepSize, "step size lr·m̂/(√v̂+ε)", "adam-step"),
        ),
      );
    } else {
      rows.push(row("the velocity after the step", map(msg.velocity, `velocity v = ${msg.momentum}·v + g`, "sgd-velocity")));
    }
    this.result.replaceChildren(...rows);
  }
}

// row is one labelled row of maps, side by side (wrapping when narrow).
function row(label, ...maps) {
  return h("div", { class: "optim__row", role: "group", "aria-label": label }, ...maps.filter(Boolean));
}

// symmetric returns a colour range centred on 0 that covers every view of
// hms: the diverging map, 0 its neutral middle.
function symmetric(...hms) {
  const a = Math.max(0, ...hms.filter(Boolean).map((m) => Math.max(Math.abs(m.min), Math.abs(m.max))));
  return { min: -a, max: a };
}

// round drops the float noise of 1 - 0.9.
function round(x) {
  return Number(x.toPrecision(6));
}
