// app.js: the lab page. Lab wires the panels to one "lab" widget on the
// server: it configures the widget from the query string, routes the
// server's messages to the panels, sends the learner's requests, and keeps
// the query string in step with the model the server runs, so that a link
// reproduces the view.

import { ServerType, Status } from "../protocol.js";
import { readDefaults, fromQuery, toQuery, splitList, describe } from "./options.js";
import { HyperForm } from "./hyper.js";
import { LabGraph } from "./graph.js";
import { Inspector } from "./inspector.js";
import { AttentionPanel } from "./attention.js";
import { TrainingCard } from "./training.js";
import { Stepper } from "./stepper.js";
import { GraphBar } from "./graphbar.js";
import { Exports } from "./exports.js";
import { Imports } from "./imports.js";
import { bindKeys } from "./keys.js";
import { addPatterns } from "./maps.js";

const WIDGET = "lab";
const URL_DELAY_MS = 150; // gather a burst of steps into one history entry update

export class Lab {
  /** root is the page's .lab element, client the page's protocol client. */
  constructor(root, client) {
    this.root = root;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.q = q;
    addPatterns();
    this.form = new HyperForm(q("hyper"), (name, value) => this.set(name, value));
    this.defaults = readDefaults(q("hyper"));
    this.options = { ...this.defaults, ...fromQuery(location.search, this.form.names()) };
    this.index = Number(this.options.step) || 0;
    this.pending = new Map(); // id of a set request -> {name, value}
    this.configureID = 0;
    this.graphMsg = null;
    this.nodeMsg = null;
    this.folding = false;
    this.summary = q("model-summary");
    this.paramCount = q("param-count");
    this.alert = q("lab-error");

    this.graph = new LabGraph(q("graph"), {
      select: (name) => this.channel.select(name),
      fold: (name, folded) => this.bar.fold(name, folded),
      zoom: (scale) => (q("zoom-level").textContent = `${Math.round(scale * 100)}%`),
    });
    this.bar = new GraphBar(root.querySelector(".lab-graphbar"), this.graph, {
      select: (name) => this.channel.select(name),
      folded: (list) => {
        this.folding = true;
        this.set("collapsed", list.join(","));
      },
      miss: (text) => this.flash(text),
    });
    this.exports = new Exports(q("export-menu").closest("details"), q("export-status"), (what, fields) => this.channel.export(what, fields));
    this.imports = new Imports(q("import-weights"), q("import-status"), () =>
      client.hello ? { session: client.hello.session, widget: WIDGET, maxBytes: client.hello.limits.maxUploadBytes } : null,
    );
    const ctx = {
      inputs: (id) => this.inputs(id),
      name: (id) => this.nameOf(id),
      hidden: (name) => this.attention.hidden(name),
      labels: (name, view) => this.attention.labels(name, view),
      exportMap: (node, tensor) => this.exports.ask("heatmap", { node, tensor }),
      select: (name) => this.channel.select(name),
    };
    this.inspector = new Inspector(q("inspector"), ctx);
    this.attention = new AttentionPanel(q("attention"), ctx);
    this.training = new TrainingCard(root.querySelector(".lab-train"), (start) => this.train(start));
    this.stepper = new Stepper(
      root.querySelector(".lab-stepper"),
      {
        forward: (count) => this.channel.step("forward", count),
        backward: () => this.channel.step("backward", 1),
        back: (count) => this.channel.back(count),
        reset: () => this.channel.reset(),
        run: () => this.channel.run("end"),
        seek: (index) => this.channel.seek(index),
      },
      (id) => this.nameOf(id),
    );
    this.stepper.disable();
    bindKeys(this.shortcuts());
    // A menu closes when a click goes elsewhere.
    document.addEventListener("click", (ev) => {
      for (const d of root.querySelectorAll("details.lab-menu[open]")) if (!d.contains(ev.target)) d.open = false;
    });
    this.form.accept(this.options);

    this.channel = client.channel(WIDGET, (msg) => this.receive(msg), (status) => this.showStatus(status));
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
      this.refused(msg);
      return;
    }
    if (msg.id) this.confirm(msg.id);
    switch (msg.type) {
      case ServerType.GRAPH:
        this.showGraph(msg);
        break;
      case ServerType.NODE:
        this.showNode(msg);
        break;
      case ServerType.ATTENTION: {
        // The inspector labels its maps with the tokens and marks masked
        // keys from this message: draw it again when they change.
        const tokens = JSON.stringify([msg.tokens, msg.srcTokens]);
        const redraw = tokens !== this.tokens || (this.nodeMsg && this.nodeMsg.node && /\.probs$/.test(this.nodeMsg.node.name));
        this.tokens = tokens;
        this.attention.show(msg);
        this.form.showTokens(inputTokens(msg, this.options.arch, Number(this.options.n)));
        if (redraw && this.nodeMsg) this.inspector.show(this.nodeMsg);
        break;
      }
      case ServerType.METRICS:
        this.training.showMetrics(msg);
        break;
      case ServerType.PLOT:
        this.training.showPlot(msg);
        break;
      case ServerType.EXPORT:
        this.exports.saved(msg);
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
      // A link with a value the server refuses: say why, drop it, go on.
      const field = msg.field && msg.field in this.options ? msg.field : null;
      if (field === "step") this.index = 0;
      else if (field) this.options[field] = this.defaults[field] ?? "";
      else this.options = { ...this.defaults };
      this.form.accept(this.options);
      this.form.showError(field, `The link asked for something the lab cannot build: ${msg.message}`);
      this.configure();
      return;
    }
    this.flash(msg.message);
  }

  showGraph(msg) {
    const keep = this.folding;
    this.folding = false;
    this.graphMsg = msg;
    this.graph.setGraph(msg, keep);
    if (msg.options) {
      const o = { ...msg.options };
      if (!("tokens" in o)) o.tokens = "";
      if (!("collapsed" in o)) o.collapsed = "";
      this.options = { ...this.options, ...o };
      this.form.accept(this.options);
    }
    this.summary.textContent = describe(this.options);
    const params = msg.nodes.filter((n) => n.kind === "parameter");
    if (!msg.nodes.some((n) => n.kind === "scope")) {
      const count = params.reduce((sum, n) => sum + n.shape.reduce((a, b) => a * b, 1), 0);
      this.paramCount.textContent = `${count.toLocaleString("en")} parameters`;
    }
    this.bar.show(msg, splitList(this.options.collapsed));
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

  // inputs returns the boxes of the graph that feed node id.
  inputs(id) {
    if (!this.graphMsg) return [];
    return this.graphMsg.edges.filter((e) => e.to === id).map((e) => this.graph.nodeBox(e.from)).filter(Boolean);
  }

  // nameOf names node id, or the folded scope that holds it.
  nameOf(id) {
    const b = this.graph.nodeBox(id);
    if (b) return b.name;
    const box = this.graphMsg && this.graphMsg.nodes.find((n) => n.kind === "scope" && this.graph.nodes.get(n.id)?.getAttribute("data-members")?.split(",").includes(String(id)));
    return box ? `${box.name} (folded)` : `node ${id}`;
  }

  train(start) {
    this.training.setTraining(start);
    this.channel.train(start ? "start" : "stop");
  }

  /** flash shows a refusal that no control caused, for a few seconds. */
  flash(text) {
    this.alert.hidden = false;
    this.alert.textContent = text;
    clearTimeout(this.alertTimer);
    this.alertTimer = setTimeout(() => (this.alert.hidden = true), 6000);
  }

  showStatus(status) {
    const el = this.q("status");
    el.dataset.status = status;
    el.textContent = { [Status.CONNECTING]: "connecting…", [Status.OPEN]: "live", [Status.CLOSED]: "offline, reconnecting…" }[status] || status;
    if (status !== Status.OPEN) this.stepper.disable();
  }

  shortcuts() {
    const st = this.stepper;
    const act = (fn) => () => {
      st.pause();
      fn();
    };
    return {
      forward: act(() => this.channel.step("forward", 1)),
      forward10: act(() => this.channel.step("forward", 10)),
      back: act(() => this.channel.back(1)),
      back10: act(() => this.channel.back(10)),
      backward: act(() => this.channel.step("backward", 1)),
      reset: act(() => this.channel.reset()),
      end: act(() => this.channel.run("end")),
      play: () => st.togglePlay(),
      train: () => this.train(!this.training.training),
      search: () => this.bar.focus(),
      model: () => this.form.focusFirst(),
      fit: () => this.graph.fit(),
      zoomIn: () => this.graph.zoom(1.25),
      zoomOut: () => this.graph.zoom(0.8),
    };
  }
}

// inputTokens returns the task input of the stepped example as letters:
// the first n tokens of the decoder-only model, the encoder's tokens, or
// the source of the encoder-decoder.
function inputTokens(msg, arch, n) {
  if (arch === "encdec") return (msg.srcTokens || []).join("");
  return msg.tokens.slice(0, n).join("");
}

