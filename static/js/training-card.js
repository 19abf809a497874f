// training-card.js: the training card component. The server trains; the
// card has the button that starts and stops it, shows the numbers of the
// server's metrics messages, the charts of its plot messages (drawn with
// gonum/plot as SVG and shown as images, so that the page's content
// security policy needs no inline style) and, where the metrics carry
// them, a few held-out predictions.

import { h } from "./dom.js";
import { chartImage } from "./chart.js";

export class TrainingCard {
  /**
   * el is the element the card fills. Options:
   *   metrics     the numbers shown, in order: [{key, label, get(msg), format(x, msg),
   *               testid}]; get returns the number from a metrics message
   *               (undefined shows "—"), format writes it (default String);
   *   toggle(start)  asks the server to start (true) or stop training;
   *   change(on)  is told whenever training starts or stops (a click, or
   *               the server's metrics: training also ends by itself);
   *   title       a heading for the card ("h2" text), none by default;
   *   label, stopLabel  the button's text while idle (default "Train") and
   *               while training (default "Pause"); hint its tooltip;
   *   plotTestid  the data-testid of the charts' box (default "plot");
   *   plotHint    a line in that box until the first chart comes;
   *   samples     a line that holds the place of the predictions table.
   */
  constructor(el, opts) {
    this.el = el;
    this.opts = { label: "Train", stopLabel: "Pause", plotTestid: "plot", ...opts };
    this.training = false;
    this.plots = 0;
    const o = this.opts;
    this.button = h("button", { type: "button", class: "btn btn--train", "data-testid": "train", "aria-pressed": "false", title: o.hint, onclick: () => this.toggle() }, o.label);
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
    this.plot = h("div", { class: "train__plot", "data-testid": o.plotTestid }, o.plotHint ? h("p", { class: "train__hint" }, o.plotHint) : null);
    this.samples = o.samples ? h("div", { class: "train__samples", "data-testid": "samples" }, h("p", { class: "train__hint" }, o.samples)) : null;
    el.classList.add("train");
    el.replaceChildren(
      ...[h("div", { class: "train__head" }, o.title ? h("h2", { class: "train__title" }, o.title) : null, this.button), this.metrics, this.plot, this.samples].filter(Boolean),
    );
  }

  /** toggle starts training, or stops it. */
  toggle() {
    const start = !this.training;
    this.setTraining(start);
    this.opts.toggle(start);
  }

  /** setTraining shows whether the server trains. */
  setTraining(on) {
    if (on === this.training) return;
    this.training = on;
    this.button.textContent = on ? this.opts.stopLabel : this.opts.label;
    this.button.setAttribute("aria-pressed", String(on));
    this.button.classList.toggle("is-running", on);
    this.el.classList.toggle("is-training", on);
    if (this.opts.change) this.opts.change(on);
  }

  /** showMetrics shows a metrics message; its running (or training) says whether training goes on. */
  showMetrics(msg) {
    const on = msg.running ?? msg.training;
    if (on !== undefined) this.setTraining(on);
    for (const m of this.opts.metrics) {
      const dd = this.values.get(m.key);
      const x = m.get(msg);
      dd.textContent = x === undefined ? "—" : m.format ? m.format(x, msg) : String(x);
      if (x === undefined) delete dd.dataset.value;
      else dd.dataset.value = String(x);
    }
    if (this.samples && Array.isArray(msg.samples) && msg.samples.length) this.showSamples(msg.samples);
  }

  /** showPlot shows the chart of plot message p, replacing the last one of its name. */
  showPlot(p) {
    const img = chartImage(p, { class: "train__img" });
    const old = this.plot.querySelector(`[data-testid="plot-${p.name}"]`);
    if (old) old.replaceWith(img);
    else {
      this.plot.querySelector(".train__hint")?.remove();
      this.plot.append(img);
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
