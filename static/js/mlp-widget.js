// mlp-widget.js: the step widget for a small MLP on 2-D points, with its
// hyperparameters and a training loop that runs on the server, whose
// charts (loss, accuracy, decision regions) come as images. The cnn widget
// extends it.

import { h, fmt, pct } from "./dom.js";
import { TrainingWidget } from "./training-widget.js";
import { ServerType } from "./protocol.js";
import { plotImage } from "./chart.js";
import { selects } from "./fields.js";

export class MLPWidget extends TrainingWidget {
  /** choices are the options offered as selects: name → {label, values, def}. */
  static choices = {
    act: { label: "activation", values: ["relu", "tanh", "sigmoid", "gelu_tanh"], def: "tanh" },
    data: { label: "data", values: ["xor", "circle", "spiral", "clusters"], def: "xor" },
  };

  extra() {
    this.metrics = h("dl", { class: "sgw-metrics", "data-testid": "metrics" });
    this.plot = h("div", { class: "sgw-plot", "data-testid": "plot" });
    const fields = selects(this.constructor.choices, this.spec.options, (name, value) => this.channel.set(name, value));
    return h(
      "div",
      { class: "sgw-footer" },
      h("div", { class: "sgw-controls" }, ...fields, this.makeTrainButton()),
      this.metrics,
      this.plot,
    );
  }

  receiveMore(msg) {
    if (msg.type === ServerType.METRICS) this.showMetrics(msg);
    if (msg.type === ServerType.PLOT) plotImage(this.plot, msg);
  }

  showMetrics(m) {
    this.followTraining(m);
    const v = m.values;
    const item = (label, value) => [h("dt", {}, label), h("dd", {}, value)];
    this.metrics.replaceChildren(
      ...item("training steps", String(m.step)),
      ...item("loss", v.loss === undefined ? "—" : fmt(v.loss)),
      ...item("train accuracy", pct(v.accuracy)),
      ...item("held-out accuracy", pct(v.testAccuracy)),
    );
  }
}
