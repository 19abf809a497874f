// frame.js: what every lesson widget is made of. A WidgetFrame composes
// the components on one protocol channel: the stepper bar and the
// connection's status above, the server's errors under them, the graph
// view with its compact toolbar beside the inspector. Each kind's module
// (mlp.js, cnn.js, ...) makes a frame, adds its own parts under it, and
// listens to the messages it knows.

import { h } from "../dom.js";
import { ServerType, ClientType, Status, Dir } from "../protocol.js";
import { StepperBar } from "../stepper-bar.js";
import { GraphView } from "../graph-view.js";
import { Inspector } from "../inspector.js";
import { TrainingCard } from "../training-card.js";
import { Knobs } from "../knobs.js";

const GRAPH_HEIGHT = { min: 360, max: 560 }; // pixels of the graph's box
// The kinds whose model has an optimizer the learner may step (optimize).
const OPTIMIZING = new Set(["mlp", "cnn", "attention"]);

export class WidgetFrame {
  /**
   * root is the lesson's placeholder <div class="sg-widget">, client the
   * page's protocol client, spec {id, kind, options} from its data
   * attributes. inspector adds to the inspector's context (note, labels,
   * hidden: see inspector.js). The frame configures the widget on the
   * server at once.
   */
  constructor(root, client, spec, { inspector = {} } = {}) {
    this.spec = spec;
    this.graphMsg = null; // the last graph message
    this.nodeMsg = null; // the last node message
    this.listeners = new Map(); // server message type -> [fn]
    this.knobPanel = null; // the option controls, once knobs() made them

    const stepper = h("div", { class: "sgw-stepper" });
    const bar = h("div", { class: "sgw-graphbar", role: "toolbar", "aria-label": "graph view" });
    const graph = h(
      "div",
      { class: "sgw-graph", "data-testid": "graph" },
      h("p", { class: "sgw-placeholder" }, "Building the graph…"),
    );
    const insp = h("aside", { class: "sgw-inspector", "data-testid": "inspector", "aria-live": "polite" });
    this.status = h("span", { class: "sgw-status", "data-testid": "status" }, "connecting");
    this.error = h("p", { class: "sgw-error", role: "alert", "data-testid": "widget-error", hidden: true });

    this.graph = new GraphView(graph, bar, { select: (name) => this.channel.select(name), compact: true, height: GRAPH_HEIGHT, wheelPans: false });
    this.stepper = new StepperBar(stepper, {
      act: {
        next: (count) => this.channel.step(Dir.FORWARD, count),
        nextBackward: () => this.channel.step(Dir.BACKWARD, 1),
        undo: (count) => this.channel.back(count),
        reset: () => this.channel.reset(),
        run: () => this.channel.run(),
      },
      nameOf: (id) => this.graph.name(id),
    });
    const optimize = OPTIMIZING.has(spec.kind) ? (node) => this.channel.optimize(node) : null;
    this.inspector = new Inspector(insp, {
      name: (id) => this.graph.name(id),
      inputs: (id) => this.graph.inputs(id),
      optimize,
      check: (name) => this.channel.check(name),
      ...inspector,
    });

    this.el = h(
      "section",
      { class: `sgw sgw--${spec.kind}`, "aria-label": widgetLabel(root, spec.kind) },
      h("div", { class: "sgw-toolbar" }, stepper, this.status),
      this.error,
      h("div", { class: "sgw-main" }, h("div", { class: "sgw-view" }, bar, graph), insp),
    );
    root.replaceChildren(this.el);
    root.classList.add("is-mounted");

    this.channel = client.channel(spec.id, (msg) => this.receive(msg), (status, code, reason) => this.showStatus(status, reason));
    this.channel.configure(spec.kind, spec.options);
  }

  /** on calls fn with every server message of type, after the frame has shown it. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  /** add puts the kind's own parts under the graph. */
  add(...parts) {
    this.el.append(...parts.filter(Boolean));
  }

  /**
   * train returns a training card (see training-card.js) wired to the
   * channel: its controls start, pause and resume training at the speed
   * chosen, the server's metrics and plots go to it, and the stepper is
   * held while the model trains (the server refuses steps then; the graph,
   * the inspector and the kind's views follow the node messages training
   * sends). opts.change is told too; opts.plots, a list of chart names,
   * keeps the kind's other charts out of the card.
   */
  train(opts) {
    const card = new TrainingCard(h("div", { class: "sgw-train" }), {
      label: "Train",
      stopLabel: "Pause",
      ...opts,
      start: (fields) => this.channel.train("start", fields),
      stop: () => this.channel.train("stop"),
      change: (on) => {
        this.stepper.hold(on);
        this.inspector.holdOptimizer(on);
        if (opts.change) opts.change(on);
      },
    });
    this.on(ServerType.METRICS, (m) => card.showMetrics(m));
    // opts.plots names the charts that are the card's (all by default).
    this.on(ServerType.PLOT, (p) => {
      if (!opts.plots || opts.plots.includes(p.name)) card.showPlot(p);
    });
    return card;
  }

  /**
   * knobs returns the widget's option controls, made from its kind's
   * option table (see knobs.js) and wired to the channel: a refusal that
   * names an option shows beside its control instead of above the graph.
   * opts.skip lists options the widget sets by other means.
   */
  knobs(opts = {}) {
    this.knobPanel = new Knobs(this.spec.kind, this.spec.id, this.spec.options, (name, value) => this.channel.set(name, value), opts);
    return this.knobPanel;
  }

  receive(msg) {
    if (msg.type !== ServerType.ERROR) this.error.hidden = true;
    switch (msg.type) {
      case ServerType.GRAPH:
        this.graphMsg = msg;
        if (this.knobPanel) this.knobPanel.accept(msg.options);
        this.graph.setGraph(msg);
        this.stepper.setGraph(msg);
        break;
      case ServerType.NODE:
        this.nodeMsg = msg;
        this.stepper.update(msg);
        this.graph.setState(msg);
        this.inspector.show(msg);
        break;
      case ServerType.OPTIMIZER:
        this.inspector.showOptimizer(msg);
        break;
      case ServerType.ERROR:
        if (msg.request === ClientType.OPTIMIZE) this.inspector.optimizerRefused(msg);
        // A refused option shows beside its control, not here too.
        this.error.hidden = Boolean(msg.field && this.knobPanel && this.knobPanel.refuse(msg));
        this.error.textContent = msg.message;
        this.error.dataset.code = msg.code;
        if (msg.request === ClientType.CHECK) this.inspector.checkRefused(msg);
        break;
      case ServerType.GRADCHECK:
        this.inspector.showCheck(msg);
        break;
    }
    for (const fn of this.listeners.get(msg.type) || []) fn(msg);
  }

  showStatus(status, reason = "") {
    const text = { [Status.CONNECTING]: "connecting…", [Status.OPEN]: "live", [Status.CLOSED]: "offline, reconnecting…" };
    this.status.textContent = text[status] || status;
    if (reason) {
      // The server refused the connection, and says why.
      this.error.hidden = false;
      this.error.textContent = reason;
    }
    this.status.dataset.status = status;
    if (status !== Status.OPEN) this.stepper.disable();
  }
}

// widgetLabel names a widget's region: "mlp widget", or "attention widget
// 2 of 3" where the page has more of its kind, so that each region has a
// name of its own.
function widgetLabel(root, kind) {
  const all = [...document.querySelectorAll(".sg-widget[data-kind]")].filter((el) => el.dataset.kind === kind);
  return all.length > 1 ? `${kind} widget ${all.indexOf(root) + 1} of ${all.length}` : `${kind} widget`;
}
