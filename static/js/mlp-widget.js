// mlp-widget.js: the step widget for a small MLP on 2-D points, with its
// hyperparameters and a training loop that runs on the server, whose
// charts (loss, accuracy, decision regions) come as images. The cnn widget
// extends it.

import { h, fmt } from "./dom.js";
import { StepWidget } from "./step-widget.js";
import { ServerType } from "./protocol.js";

export class MLPWidget extends StepWidget {
  /** choices are the options offered as selects: name → {label, values, def}. */
  static choices = {
    act: { label: "activation", values: ["relu", "tanh", "sigmoid", "gelu_tanh"], def: "tanh" },
    data: { label: "data", values: ["xor", "circle", "spiral", "clusters"], def: "xor" },
  };

  extra() {
    this.training = false;
    this.trainButton = h("button", { type: "button", class: "btn", "data-testid": "train", onclick: () => this.toggleTraining() }, "Train");
    this.metrics = h("dl", { class: "sgw-metrics", "data-testid": "metrics" });
    this.plot = h("div", { class: "sgw-plot", "data-testid": "plot" });
    const selects = Object.entries(this.constructor.choices).map(([name, c]) => {
      const current = this.spec.options[name] ?? c.def;
      const sel = h(
        "select",
        { class: "select", "data-testid": `set-${name}`, onchange: (ev) => this.channel.set(name, ev.target.value) },
        ...c.values.map((v) => h("option", { value: v, selected: v === current }, v)),
      );
      return h("label", { class: "sgw-field" }, h("span", {}, c.label), sel);
    });
    return h(
      "div",
      { class: "sgw-footer" },
      h("div", { class: "sgw-controls" }, ...selects, this.trainButton),
      this.metrics,
      this.plot,
    );
  }

  toggleTraining() {
    this.channel.train(this.training ? "stop" : "start");
    this.setTraining(!this.training);
  }

  setTraining(on) {
    this.training = on;
    this.trainButton.textContent = on ? "Stop training" : "Train";
    this.trainButton.classList.toggle("is-running", on);
    for (const b of Object.values(this.buttons)) {
      if (on) b.disabled = true;
    }
    if (!on && this.state) this.showNode(this.state);
  }

  receiveMore(msg) {
    if (msg.type === ServerType.METRICS) this.showMetrics(msg);
    if (msg.type === ServerType.PLOT) this.showPlot(msg);
  }

  showNode(msg) {
    super.showNode(msg);
    if (this.training) for (const b of Object.values(this.buttons)) b.disabled = true;
  }

  showMetrics(m) {
    if (this.training !== m.running) this.setTraining(m.running);
    const v = m.values;
    const item = (label, value) => [h("dt", {}, label), h("dd", {}, value)];
    const pct = (x) => (x === undefined ? "—" : `${(100 * x).toFixed(1)}%`);
    this.metrics.replaceChildren(
      ...item("training steps", String(m.step)),
      ...item("loss", v.loss === undefined ? "—" : fmt(v.loss)),
      ...item("train accuracy", pct(v.accuracy)),
      ...item("held-out accuracy", pct(v.testAccuracy)),
    );
  }

  showPlot(p) {
    // A chart from the server becomes an image, so its own styles stay
    // inside it and the page's policy needs no inline style. One image per
    // chart name, replaced as training goes on.
    const url = URL.createObjectURL(new Blob([p.svg], { type: "image/svg+xml" }));
    const img = h("img", { src: url, alt: `${p.name} chart`, class: "sgw-plot__img", "data-testid": `plot-${p.name}` });
    img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    const old = this.plot.querySelector(`[data-testid="plot-${p.name}"]`);
    if (old) old.replaceWith(img);
    else this.plot.append(img);
  }
}
