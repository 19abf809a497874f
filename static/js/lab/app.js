// app.js: the lab page. Lab composes the shared components (stepper bar,
// graph view, inspector, training card) with the lab's own panels (the
// model form, attention, export and import) around one "lab" widget on
// the server: it configures the widget from the query string, routes the
// server's messages to the panels, sends the learner's requests, and keeps
// the query string in step with the model the server runs, so that a link
// reproduces the view.

import { ServerType, ClientType, Status, Dir } from "../protocol.js";
import { StepperBar } from "../stepper-bar.js";
import { GraphView } from "../graph-view.js";
import { Inspector } from "../inspector.js";
import { TrainingCard } from "../training-card.js";
import { readDefaults, fromQuery, toQuery, splitList, describe } from "./options.js";
import { HyperForm } from "./hyper.js";
import { AttentionPanel } from "./attention.js";
import { Exports } from "./exports.js";
import { Imports } from "./imports.js";
import { bindKeys } from "./keys.js";
import { LabTabs } from "./tabs.js";
import { QuantErrors, showQuantReport, showCalibration } from "../quant-errors.js";

const WIDGET = "lab";
const URL_DELAY_MS = 150; // gather a burst of steps into one history entry update
const RUN_STEPS = 3000; // a run's length unless the learner sets another (docs/protocol.md, train)

// The training card's numbers: the lab's metrics carry them at the top
// level (docs/protocol.md, "Lab messages"), the generic ones under values.
const pick = (m, k) => m[k] ?? (m.values || {})[k];
const METRICS = [
  { key: "step", label: "Steps", get: (m) => m.step ?? 0 },
  { key: "loss", label: "Loss", get: (m) => pick(m, "loss"), format: (x) => (x >= 0.01 ? x.toFixed(3) : x.toExponential(1)) },
  { key: "accuracy", label: "Accuracy", get: (m) => pick(m, "accuracy"), format: (x) => `${(100 * x).toFixed(1)}%` },
  { key: "rate", label: "Steps/s", get: (m) => pick(m, "stepsPerSec"), format: (x) => (x >= 100 ? String(Math.round(x)) : x.toFixed(1)) },
];

export class Lab {
  /** root is the page's .lab element, client the page's protocol client. */
  constructor(root, client) {
    this.root = root;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.q = q;
    this.form = new HyperForm(q("hyper"), (name, value) => this.set(name, value));
    this.defaults = readDefaults(q("hyper"));
    this.options = { ...this.defaults, ...fromQuery(location.search, this.form.names()) };
    this.index = Number(this.options.step) || 0;
    this.pending = new Map(); // id of a set request -> {name, value}
    this.configureID = 0;
    this.relinking = false; // the configure on its way was sent again after the link was refused
    this.graphMsg = null;
    this.nodeMsg = null;
    this.folding = false;
    this.summary = q("model-summary");
    this.paramCount = q("param-count");
    this.alert = q("lab-error");
    this.tabs = new LabTabs(root);

    this.graph = new GraphView(q("graph"), root.querySelector(".lab-graphbar"), {
      select: (name) => this.channel.select(name),
      fold: (list) => {
        this.folding = true;
        this.set("collapsed", list.join(","));
      },
      miss: (text) => this.flash(text),
      keyHints: true,
    });
    this.stepper = new StepperBar(root.querySelector(".lab-stepper"), {
      act: {
        next: (count) => this.channel.step(Dir.FORWARD, count),
        nextBackward: () => this.channel.step(Dir.BACKWARD, 1),
        undo: (count) => this.channel.back(count),
        reset: () => this.channel.reset(),
        run: () => this.channel.run("end"),
        seek: (index) => this.channel.seek(index),
      },
      nameOf: (id) => this.graph.name(id),
      keyHints: true,
    });
    this.exports = new Exports(q("export-menu").closest("details"), q("export-status"), (what, fields) => this.channel.export(what, fields));
    this.imports = new Imports(q("import-weights"), q("import-status"), () =>
      client.hello ? { session: client.hello.session, widget: WIDGET, maxBytes: client.hello.limits.maxUploadBytes } : null,
    );
    // A head's name inspects its probabilities: on a phone's screen the
    // inspector's tab then shows them.
    this.attention = new AttentionPanel(q("attention"), {
      select: (name) => {
        this.channel.select(name);
        if (this.tabs.phone.matches) this.tabs.show("inspector");
      },
      mask: (attention, fields) => this.channel.mask(attention, fields),
    });
    // The quantized model (the quant option): the graph's colours by
    // error, the report card, and the inspector's float against quantized.
    this.quant = new QuantErrors(this.graph);
    this.quantCard = q("lab-quant");
    this.quantCard.insertBefore(this.quant.legend, q("quant-summary"));
    this.inspector = new Inspector(q("inspector"), {
      heading: "h2",
      note: (msg) => this.quant.compare(msg),
      name: (id) => this.graph.name(id),
      inputs: (id) => this.graph.inputs(id),
      hidden: (name) => this.attention.hidden(name),
      exportMap: (node, tensor) => this.exports.ask("heatmap", { node, tensor }),
      optimize: (node) => this.channel.optimize(node),
      check: (name) => this.channel.check(name),
      checkAll: () => this.channel.checkAll(),
    });
    const card = root.querySelector(".lab-train");
    this.training = new TrainingCard(card, {
      title: "Training",
      hint: "Train on random examples, or pause (T)",
      metrics: METRICS,
      plotTestid: "loss-plot",
      plotHint: "The loss and accuracy curves appear here while the model trains.",
      samples: "Predictions on held-out examples appear here while the model trains.",
      steps: RUN_STEPS,
      start: (fields) => this.channel.train("start", fields),
      stop: () => this.channel.train("stop"),
      change: (on) => {
        this.inspector.holdOptimizer(on);
        if (on) reveal(card);
      },
    });
    bindKeys(this.shortcuts());
    // A menu closes when a click goes elsewhere.
    document.addEventListener("click", (ev) => {
      for (const d of root.querySelectorAll("details.menu[open]")) if (!d.contains(ev.target)) d.open = false;
    });
    this.form.accept(this.options);

    this.channel = client.channel(WIDGET, (msg) => this.receive(msg), (status, code, reason) => this.showStatus(status, reason));
    this.configure();
  }

  configure() {
    const opts = {};
    for (const [k, v] of Object.entries(this.options)) if (v !== "" && v !== undefined) opts[k] = String(v);
    if (this.index) opts.step = String(this.index);
    else delete opts.step;
    this.configureID = this.channel.configure("lab", opts);
  }

  set(name, value) {
    const id = this.channel.set(name, value);
    this.pending.set(id, { name, value });
    return id;
  }

  receive(msg) {
    if (msg.type === ServerType.ERROR) {
      if (msg.request === ClientType.OPTIMIZE) this.inspector.optimizerRefused(msg);
      this.refused(msg);
      return;
    }
    if (msg.type === ServerType.GRAPH && msg.id === this.configureID) this.relinking = false;
    if (msg.id) this.confirm(msg.id);
    switch (msg.type) {
      case ServerType.GRAPH:
        this.showGraph(msg);
        break;
      case ServerType.NODE:
        this.showNode(msg);
        break;
      case ServerType.ATTENTION: {
        // The inspector marks masked keys from this message: draw a
        // probabilities node again.
        const redraw = this.nodeMsg && this.nodeMsg.node && /\.probs$/.test(this.nodeMsg.node.name);
        this.attention.show(msg);
        this.form.showTokens(inputTokens(msg, this.options.arch, Number(this.options.n)));
        if (redraw) this.inspector.redraw();
        break;
      }
      case ServerType.METRICS:
        this.training.showMetrics(msg);
        if (msg.values && msg.values.floatBytes !== undefined) showQuantReport(this.q("quant-summary"), msg.values);
        break;
      case ServerType.QUANT_ERROR:
        this.quant.show(msg);
        showCalibration(this.q("calibration"), msg.calibration);
        this.inspector.redraw();
        break;
      case ServerType.PLOT: {
        // The first chart of a run makes the card taller: show it whole.
        const first = msg.svg && !this.training.plot.querySelector("[data-chart]");
        this.training.showPlot(msg);
        if (first && this.training.training) reveal(this.training.el);
        break;
      }
      case ServerType.EXPORT:
        this.exports.saved(msg);
        break;
      case ServerType.OPTIMIZER:
        this.inspector.showOptimizer(msg);
      case ServerType.GRADCHECK:
        this.inspector.showCheck(msg);
        break;
    }
  }

  // confirm accepts every set request up to id: requests are answered in
  // order, so an answer to id means the earlier ones were taken, even when
  // their own answers were replaced by newer messages of the same type.
  confirm(id) {
    for (const [pid, p] of this.pending) {
      if (pid > id) continue;
      this.pending.delete(pid);
      this.options[p.name] = p.value;
      this.form.clearError(p.name);
      this.form.accept({ [p.name]: p.value });
    }
    this.writeURL();
  }

  refused(msg) {
    if (msg.request === ClientType.CHECK) this.inspector.checkRefused(msg);
    const p = this.pending.get(msg.id);
    if (p) {
      this.pending.delete(msg.id);
      // The model stays as it was: so does the configuration a reconnect sends.
      if (this.channel.configuration) this.channel.configuration.options[p.name] = this.options[p.name];
      this.form.forget(p.name);
      this.form.showError(msg.field || p.name, msg.message);
      return;
    }
    if (msg.id && msg.id === this.configureID) {
      // A link with values the server refuses: say why, beside each
      // option at fault (a configure reports every fault in errors), drop
      // them, go on.
      const faults = msg.errors && msg.errors.length ? msg.errors : [{ field: msg.field, code: msg.code, message: msg.message }];
      const known = (f) => (f && f in this.options ? f : null);
      if (faults.some((e) => !known(e.field))) this.options = { ...this.defaults };
      for (const e of faults) {
        const field = known(e.field);
        if (field === "step") this.index = 0;
        else if (field) this.options[field] = this.defaults[field] ?? "";
      }
      this.form.accept(this.options);
      // The configure sent again may be refused for another reason (a
      // combination checked once the bounds hold): its reasons join these.
      this.form.showErrors(
        faults.map((e) => ({ field: known(e.field), message: `The link asked for something the lab cannot build: ${e.message}` })),
        this.relinking,
      );
      this.relinking = true;
      this.configure();
      return;
    }
    this.flash(msg.message);
  }

  showGraph(msg) {
    const keep = this.folding;
    this.folding = false;
    this.graphMsg = msg;
    if (msg.options) {
      const o = { ...msg.options };
      if (!("tokens" in o)) o.tokens = "";
      if (!("collapsed" in o)) o.collapsed = "";
      this.options = { ...this.options, ...o };
      this.form.accept(this.options);
    }
    this.graph.setGraph(msg, { keepView: keep, folded: splitList(this.options.collapsed) });
    const quantized = (this.options.quant || "none") !== "none";
    this.quantCard.hidden = !quantized;
    if (!quantized) this.quant.clear();
    this.stepper.setGraph(msg);
    this.summary.textContent = describe(this.options);
    const params = msg.nodes.filter((n) => n.kind === "parameter");
    if (!msg.nodes.some((n) => n.kind === "scope")) {
      const count = params.reduce((sum, n) => sum + n.shape.reduce((a, b) => a * b, 1), 0);
      this.paramCount.textContent = `${count.toLocaleString("en")} parameters`;
    }
    if (this.nodeMsg) this.graph.setState(this.nodeMsg);
    this.writeURL();
  }

  showNode(msg) {
    this.nodeMsg = msg;
    this.index = msg.step.index;
    if (this.channel.configuration) this.channel.configuration.options.step = String(this.index);
    this.stepper.update(msg);
    this.graph.setState(msg);
    this.inspector.show(msg);
    this.writeURL();
  }

  /** writeURL puts the configuration and the step into the query string. */
  writeURL() {
    clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => {
      const query = toQuery({ ...this.options, step: this.index || "" }, this.form.names());
      if (query !== location.search) history.replaceState(history.state, "", location.pathname + query);
    }, URL_DELAY_MS);
  }

  /** flash shows a refusal that no control caused, for a few seconds. */
  flash(text) {
    this.alert.hidden = false;
    this.alert.textContent = text;
    clearTimeout(this.alertTimer);
    this.alertTimer = setTimeout(() => (this.alert.hidden = true), 6000);
  }

  showStatus(status, reason = "") {
    const el = this.q("status");
    el.dataset.status = status;
    el.textContent = { [Status.CONNECTING]: "connecting…", [Status.OPEN]: "live", [Status.CLOSED]: "offline, reconnecting…" }[status] || status;
    if (reason) this.flash(reason); // the server refused the connection, and says why
    if (status !== Status.OPEN) this.stepper.disable();
  }

  // shortcuts are the keyboard's actions (keys.js): the stepper bar's and
  // the graph view's, as their buttons do them.
  shortcuts() {
    const st = this.stepper;
    return {
      next: () => st.next(1),
      next10: () => st.next(10),
      undo: () => st.undo(1),
      undo10: () => st.undo(10),
      nextBackward: () => st.nextBackward(),
      reset: () => st.reset(),
      end: () => st.run(),
      play: () => st.togglePlay(),
      train: () => this.training.toggle(),
      search: () => {
        this.tabs.show("graph");
        this.graph.focusSearch();
      },
      model: () => {
        this.tabs.show("training");
        this.form.focusFirst();
      },
      fit: () => this.graph.fit(),
      zoomIn: () => this.graph.zoom(1.25),
      zoomOut: () => this.graph.zoom(0.8),
    };
  }
}

// reveal scrolls the side column, when it scrolls, to show the training
// card (from its top, as much of it as the column holds). It jumps: a
// smooth scroll stops half-way when the card's numbers change under it,
// which they do several times a second while the model trains.
function reveal(card) {
  const side = card.parentElement;
  if (side.scrollHeight <= side.clientHeight) return;
  const top = side.scrollTop + card.getBoundingClientRect().top - side.getBoundingClientRect().top - 8;
  side.scrollTo({ top, behavior: "auto" });
}

// inputTokens returns the task input of the stepped example as letters:
// the first n tokens of the decoder-only model, the encoder's tokens, or
// the source of the encoder-decoder.
function inputTokens(msg, arch, n) {
  if (arch === "encdec") return (msg.srcTokens || []).join("");
  return msg.tokens.slice(0, n).join("");
}

