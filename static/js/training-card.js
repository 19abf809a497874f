// training-card.js: the training card component. The server trains; the
// card has the controls of a run and shows what the server says of it:
//
//   - Train starts a run of the learner's step budget (a number field;
//     the train request's steps), at the speed the speed menu sets (its
//     rate, steps a second, from 1 to full speed); changing the speed while
//     the model trains sends start again with the new rate;
//   - Pause stops the run, and Resume (a start without steps) carries it
//     on to its end: the weights, the curves and the stepped view stay;
//   - the numbers of the server's metrics messages, the run's progress
//     (step / runEnd, from the metrics), the charts of its plot messages
//     (drawn with gonum/plot as SVG, shown at their size as images, each
//     with a button that opens it large: chart.js) and, where the metrics
//     carry them, a few held-out predictions.

import { h } from "./dom.js";
import { chartFigure } from "./chart.js";

// SPEEDS are the speed menu's rates, steps a second; 0 is full speed.
const SPEEDS = [1, 2, 4, 10, 30, 100, 0];
const MAX_STEPS = 100000; // the largest run (docs/protocol.md, train)

export class TrainingCard {
  /**
   * el is the element the card fills. Options:
   *   metrics     the numbers shown, in order: [{key, label, get(msg), format(x, msg),
   *               testid}]; get returns the number from a metrics message
   *               (undefined shows "—"), format writes it (default String);
   *   start({rate, steps})  asks the server to train: rate always, steps
   *               for a new run (none resumes the paused one);
   *   stop()      asks the server to pause;
   *   change(on)  is told whenever training starts or stops (a click, or
   *               the server's metrics: training also ends by itself);
   *   steps       the step budget's first value; without it the card has no
   *               budget (the kind trains a length of its own) and Train
   *               sends no steps;
   *   title       a heading for the card ("h2" text), none by default;
   *   label, stopLabel  the button's text while idle (default "Train") and
   *               while training (default "Pause"); hint its tooltip;
   *   plotTestid  the data-testid of the charts' box (default "plot");
   *   plotHint    a line in that box while it has no chart;
   *   samples     a line that holds the place of the predictions table.
   */
  constructor(el, opts) {
    this.el = el;
    this.opts = { label: "Train", stopLabel: "Pause", plotTestid: "plot", ...opts };
    this.training = false;
    this.step = 0; // the last metrics' step and runEnd
    this.runEnd = 0;
    this.plots = 0;
    const o = this.opts;
    this.button = h("button", { type: "button", class: "btn btn--train", "data-testid": "train", "aria-pressed": "false", title: o.hint, onclick: () => this.toggle() }, o.label);
    this.resumeButton = h(
      "button",
      { type: "button", class: "btn btn--small", "data-testid": "resume", hidden: true, title: "Carry on the paused run to its end", onclick: () => this.resume() },
      "Resume",
    );
    this.speed = h(
      "select",
      { class: "select select--small", "data-testid": "train-rate", onchange: () => this.rateChanged() },
      ...SPEEDS.map((v) => h("option", { value: String(v), selected: v === 0 }, v ? `${v} step${v === 1 ? "" : "s"}/s` : "full speed")),
    );
    this.budget = o.steps
      ? h("input", { type: "number", class: "select select--small train__budget", "data-testid": "train-steps", min: 1, max: MAX_STEPS, step: 1, value: String(o.steps), inputmode: "numeric" })
      : null;
    this.progress = h("output", { class: "train__progress", "data-testid": "train-progress", "aria-live": "off" }, "");
    const field = (label, control, title) => h("label", { class: "train__field", title }, h("span", { class: "train__field-label" }, label), control);
    // Between a term and its value a space, so that the card's text reads
    // (and copies) as words: "training steps 120 loss 0.42".
    this.values = new Map(); // key -> <dd>
    this.metrics = h(
      "dl",
      { class: "train__metrics", "data-testid": "metrics" },
      ...o.metrics.map((m) => {
        const dd = h("dd", { "data-metric": m.key, "data-testid": m.testid }, "—");
        this.values.set(m.key, dd);
        return h("div", {}, h("dt", {}, m.label), " ", dd, " ");
      }),
    );
    this.hint = o.plotHint ? h("p", { class: "train__hint" }, o.plotHint) : null;
    this.plot = h("div", { class: "train__plot", "data-testid": o.plotTestid }, this.hint);
    this.samples = o.samples ? h("div", { class: "train__samples", "data-testid": "samples" }, h("p", { class: "train__hint" }, o.samples)) : null;
    el.classList.add("train");
    el.replaceChildren(
      ...[
        h("div", { class: "train__head" }, o.title ? h("h2", { class: "train__title" }, o.title) : null, h("div", { class: "train__buttons" }, this.button, this.resumeButton)),
        h(
          "div",
          { class: "train__controls" },
          field("speed", this.speed, "Training steps a second; at a few a second the graph, the inspector and the maps follow every step"),
          this.budget ? field("steps", this.budget, "How many steps a new run trains") : null,
          this.progress,
        ),
        this.metrics,
        this.plot,
        this.samples,
      ].filter(Boolean),
    );
  }

  /** rate is the speed menu's rate: steps a second, 0 for full speed. */
  rate() {
    return Number(this.speed.value) || 0;
  }

  /** toggle starts a new run, or pauses the one that trains. */
  toggle() {
    if (this.training) {
      this.setTraining(false);
      this.opts.stop();
      return;
    }
    const fields = { rate: this.rate() };
    if (this.budget) {
      const n = Math.round(Number(this.budget.value));
      fields.steps = Number.isFinite(n) ? Math.min(Math.max(n, 1), MAX_STEPS) : this.opts.steps;
      this.budget.value = String(fields.steps);
    }
    this.setTraining(true);
    this.opts.start(fields);
  }

  /** resume carries the paused run on to its end. */
  resume() {
    if (this.training) return;
    this.setTraining(true);
    this.opts.start({ rate: this.rate() });
  }

  // rateChanged sends the new rate at once while the model trains.
  rateChanged() {
    if (this.training) this.opts.start({ rate: this.rate() });
  }

  /** setTraining shows whether the server trains. */
  setTraining(on) {
    if (on === this.training) return;
    this.training = on;
    this.button.textContent = on ? this.opts.stopLabel : this.opts.label;
    this.button.setAttribute("aria-pressed", String(on));
    this.button.classList.toggle("is-running", on);
    this.el.classList.toggle("is-training", on);
    this.showResume();
    if (this.opts.change) this.opts.change(on);
  }

  // showResume offers Resume while a run is paused before its end (a
  // model that has not trained has no run to resume).
  showResume() {
    this.resumeButton.hidden = this.training || !(this.step > 0 && this.runEnd > this.step);
  }

  /** showMetrics shows a metrics message; its running (or training) says whether training goes on. */
  showMetrics(msg) {
    const on = msg.running ?? msg.training;
    if (typeof msg.step === "number") this.step = msg.step;
    if (typeof msg.runEnd === "number") this.runEnd = msg.runEnd;
    if (on !== undefined) this.setTraining(on);
    this.showResume();
    this.progress.textContent = this.runEnd > 0 ? `step ${this.step} / ${this.runEnd}` : "";
    this.progress.dataset.step = String(this.step);
    this.progress.dataset.runEnd = String(this.runEnd);
    for (const m of this.opts.metrics) {
      const dd = this.values.get(m.key);
      const x = m.get(msg);
      dd.textContent = x === undefined ? "—" : m.format ? m.format(x, msg) : String(x);
      if (x === undefined) delete dd.dataset.value;
      else dd.dataset.value = String(x);
    }
    if (this.samples && Array.isArray(msg.samples) && msg.samples.length) this.showSamples(msg.samples);
  }

  /**
   * showPlot shows the chart of plot message p, replacing the last one of
   * its name; an empty svg (the model was rebuilt and has not trained)
   * takes the chart away, and the hint comes back when none is left.
   */
  showPlot(p) {
    const old = this.plot.querySelector(`[data-chart="${p.name}"]`);
    if (!p.svg) {
      if (old) old.remove();
      if (this.hint && !this.plot.querySelector("[data-chart]")) this.plot.prepend(this.hint);
    } else {
      const fig = chartFigure(p, { class: "train__img" });
      if (old) old.replaceWith(fig);
      else {
        this.hint?.remove();
        this.plot.append(fig);
      }
    }
    this.plots++;
    this.plot.dataset.updates = String(this.plots);
  }

  showSamples(samples) {
    const rows = samples.map((x) => {
      const right = x.correct !== undefined ? x.correct : x.predicted === x.target;
      return h(
        "tr",
        { class: right ? "is-right" : "is-wrong" },
        h("td", {}, x.input),
        h("td", {}, x.target),
        h("td", { class: "train__pred" }, ...diff(x.predicted, x.target)),
        h("td", { class: "train__mark", "aria-label": right ? "right" : "wrong" }, right ? "✓" : "✗"),
      );
    });
    this.samples.replaceChildren(
      h(
        "table",
        { class: "train__table" },
        h("caption", {}, "Held-out examples, decoded greedily"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "input"), h("th", { scope: "col" }, "target"), h("th", { scope: "col" }, "predicted"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "right or wrong")))),
        h("tbody", {}, ...rows),
      ),
    );
  }
}

// diff marks the predicted symbols that differ from the target.
function diff(pred, target) {
  return [...pred].map((c, i) => (c === target[i] ? c : h("mark", {}, c)));
}
