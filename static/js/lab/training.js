// training.js: the lab's training card. The server trains; the page shows
// its metrics messages (steps, loss, accuracy, steps per second, a few
// held-out predictions) and its plot messages (the loss and accuracy chart,
// drawn with gonum/plot as SVG and shown as an image, so the page's
// content security policy needs no inline style).

import { h } from "../dom.js";
import { chartImage } from "../chart.js";

export class TrainingCard {
  /** root is the card; onToggle(start) asks the server to train or stop. */
  constructor(root, onToggle) {
    this.root = root;
    this.button = root.querySelector('[data-testid="train"]');
    this.metrics = root.querySelector('[data-testid="metrics"]');
    this.plot = root.querySelector('[data-testid="loss-plot"]');
    this.samples = root.querySelector('[data-testid="samples"]');
    this.training = false;
    this.plots = 0;
    this.button.addEventListener("click", () => onToggle(!this.training));
  }

  /** setTraining shows whether the server is training. */
  setTraining(on) {
    this.training = on;
    this.button.textContent = on ? "Pause" : "Train";
    this.button.setAttribute("aria-pressed", String(on));
    this.button.classList.toggle("is-running", on);
    this.root.classList.toggle("is-training", on);
    if (on) this.reveal();
  }

  // reveal scrolls the side column, when it scrolls, to show the card.
  reveal() {
    const side = this.root.parentElement;
    if (side.scrollHeight <= side.clientHeight) return;
    const top = side.scrollTop + this.root.getBoundingClientRect().top - side.getBoundingClientRect().top - 8;
    side.scrollTo({ top, behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  }

  /**
   * showMetrics reads a metrics message. Its numbers may sit at the top
   * level or under "values"; running or training says whether training
   * goes on.
   */
  showMetrics(msg) {
    const v = msg.values || {};
    const pick = (k) => (msg[k] !== undefined ? msg[k] : v[k]);
    const loss = pick("loss");
    const acc = pick("accuracy");
    const rate = pick("stepsPerSec");
    const on = msg.training !== undefined ? msg.training : msg.running;
    if (on !== undefined && on !== this.training) this.setTraining(on);
    this.set("step", String(msg.step ?? 0), msg.step);
    if (loss !== undefined) this.set("loss", loss >= 0.01 ? loss.toFixed(3) : loss.toExponential(1), loss);
    if (acc !== undefined) this.set("accuracy", `${(100 * acc).toFixed(1)}%`, acc);
    if (rate !== undefined) this.set("rate", rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1), rate);
    if (Array.isArray(msg.samples) && msg.samples.length) this.showSamples(msg.samples);
  }

  set(name, text, value) {
    const dd = this.metrics.querySelector(`[data-metric="${name}"]`);
    dd.textContent = text;
    if (value !== undefined) dd.dataset.value = String(value);
  }

  /** showPlot replaces the chart called p.name with the new SVG. */
  showPlot(p) {
    const img = chartImage(p, { alt: `${p.name} and accuracy during training`, class: "lab-plot__img" });
    const old = this.plot.querySelector(`[data-testid="plot-${p.name}"]`);
    if (old) old.replaceWith(img);
    else this.plot.replaceChildren(img);
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
        h("td", { class: "lab-samples__pred" }, ...diff(x.predicted, x.target)),
        h("td", { class: "lab-samples__mark", "aria-label": right ? "right" : "wrong" }, right ? "✓" : "✗"),
      );
    });
    this.samples.replaceChildren(
      h(
        "table",
        { class: "lab-samples__table" },
        h("caption", {}, "Held-out examples, decoded greedily"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "input"), h("th", { scope: "col" }, "target"), h("th", { scope: "col" }, "predicted"), h("th", {}, ""))),
        h("tbody", {}, ...rows),
      ),
    );
  }
}

// diff marks the predicted symbols that differ from the target.
function diff(pred, target) {
  return [...pred].map((c, i) => (c === target[i] ? c : h("mark", {}, c)));
}
