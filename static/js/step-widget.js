// step-widget.js is the widget every graph shares: a toolbar that moves
// the stepper, the graph, and an inspector with the highlighted node's
// value and gradient. Kinds with more to show (training, attention maps)
// extend it.

import { h, s } from "./dom.js";
import { formulaBox } from "./formula.js";
import { heatmap } from "./heatmap.js";
import { GraphView } from "./graph-view.js";
import { ServerType, Status, Dir } from "./protocol.js";

// Button icons, 16×16 paths.
const ICONS = {
  reset: "M2 2h2v12H2zM14 2v12L5 8z",
  back: "M11 2v12L3 8z",
  forward: "M5 2v12l8-6z",
  backward: "M8 2v12L1 8zM15 2v12L8 8z",
  run: "M1 2v12l7-6zM8 2v12l6-6zM14 2h2v12h-2z",
};

export class StepWidget {
  /**
   * root is the placeholder <div class="sg-widget">, client the page's
   * protocol client, spec {id, kind, options} from its data attributes.
   */
  constructor(root, client, spec) {
    this.root = root;
    this.spec = spec;
    this.state = null; // the last node message
    this.build();
    this.channel = client.channel(
      spec.id,
      (msg) => this.receive(msg),
      (status) => this.showStatus(status),
    );
    this.channel.configure(spec.kind, spec.options);
  }

  build() {
    const button = (testid, icon, label, title, action, primary = false) =>
      h(
        "button",
        { type: "button", class: primary ? "btn btn--primary" : "btn", "data-testid": testid, title, disabled: true, onclick: action },
        s("svg", { viewBox: "0 0 16 16", "aria-hidden": "true" }, s("path", { d: ICONS[icon] })),
        label,
      );
    this.buttons = {
      reset: button("reset", "reset", "Reset", "Go back to the start of the run", () => this.channel.reset()),
      back: button("step-back", "back", "Back", "Undo the last step (values are kept, so this is only a cursor move)", () => this.channel.back()),
      forward: button("step-forward", "forward", "Step forward", "Run the next step of the timeline", () => this.channel.step(Dir.FORWARD), true),
      backward: button("step-backward", "backward", "Step backward", "Run the next backward step, finishing the forward pass first", () => this.channel.step(Dir.BACKWARD)),
      run: button("run", "run", "Run to end", "Run every remaining step", () => this.channel.run()),
    };
    this.cursor = h("span", { class: "sgw-cursor", "data-testid": "cursor" }, "Loading…");
    this.progress = h("progress", { class: "sgw-progress", max: 1, value: 0, "aria-label": "position on the timeline" });
    this.status = h("span", { class: "sgw-status", "data-testid": "status" }, "connecting");
    this.error = h("p", { class: "sgw-error", role: "alert", "data-testid": "widget-error", hidden: true });
    this.graphEl = h("div", { class: "sgw-graph", "data-testid": "graph", tabindex: "0", "aria-label": "computational graph" }, h("p", { class: "sgw-placeholder" }, "Building the graph…"));
    this.inspector = h("aside", { class: "sgw-inspector", "data-testid": "inspector", "aria-live": "polite" });
    this.graph = new GraphView(this.graphEl, (name) => this.channel.select(name));
    this.showEmptyInspector();
    const b = this.buttons;
    this.el = h(
      "section",
      { class: `sgw sgw--${this.spec.kind}`, "aria-label": `${this.spec.kind} widget` },
      h(
        "div",
        { class: "sgw-toolbar", role: "toolbar", "aria-label": "stepper" },
        h("div", { class: "sgw-buttons" }, b.reset, b.back, b.forward, b.backward, b.run),
        h("div", { class: "sgw-where" }, this.cursor, this.progress, this.status),
      ),
      this.error,
      h("div", { class: "sgw-main" }, this.graphEl, this.inspector),
      this.extra(),
    );
    this.root.replaceChildren(this.el);
    this.root.classList.add("is-mounted");
  }

  /** extra returns more of the widget, under the graph; none here. */
  extra() {
    return null;
  }

  receive(msg) {
    if (msg.type !== ServerType.ERROR) this.error.hidden = true;
    switch (msg.type) {
      case ServerType.GRAPH:
        this.graphMsg = msg;
        this.graph.setGraph(msg);
        break;
      case ServerType.NODE:
        this.showNode(msg);
        break;
      case ServerType.ERROR:
        this.showError(msg);
        break;
      default:
        this.receiveMore(msg);
    }
  }

  /** receiveMore handles message types a subclass knows. */
  receiveMore(msg) {}

  showNode(msg) {
    this.state = msg;
    const st = msg.step;
    const phase = st.index === 0 ? "ready" : `${st.phase} pass`;
    this.cursor.textContent = `Step ${st.index} of ${st.total} · ${st.done ? "done" : phase}`;
    this.progress.max = Math.max(st.total, 1);
    this.progress.value = st.index;
    this.progress.classList.toggle("is-backward", st.phase === "backward" && st.index > 0);
    const b = this.buttons;
    b.reset.disabled = st.index === 0;
    b.back.disabled = st.index === 0;
    b.forward.disabled = st.done;
    b.backward.disabled = st.done;
    b.run.disabled = st.done;
    this.graph.setState(msg);
    if (msg.node) this.showInspector(msg);
    else this.showEmptyInspector();
  }

  showEmptyInspector() {
    this.inspector.replaceChildren(
      h("h3", { class: "insp__title" }, "Inspector"),
      h("p", { class: "insp__hint" }, "Step forward, or click a node of the graph, to see its value and its gradient."),
    );
  }

  showInspector(msg) {
    const n = msg.node;
    let gradNote;
    if (!n.grad) gradNote = "No gradient flows into this node.";
    else if (n.gradKnown) gradNote = "Its gradient is complete.";
    else if (msg.step.phase === "backward" && msg.step.index > 0) gradNote = `Its gradient is not complete yet: ${n.users} node${n.users === 1 ? "" : "s"} read it.`;
    else gradNote = "Its gradient comes in the backward pass.";

    const parts = [
      h("h3", { class: "insp__name" }, h("code", {}, n.name)),
      h(
        "p",
        { class: "insp__meta" },
        h("span", { class: `badge badge--${n.kind}` }, n.kind),
        h("span", {}, n.op),
        h("span", { class: "insp__shape" }, `[${n.shape.join(", ")}]`),
      ),
      formulaBox(n, "insp__formula", "insp__muted"),
      h("p", { class: "insp__state" }, n.computed ? "Its value is computed in this run. " : "Not computed yet in this run; the value shown is from before. ", gradNote),
    ];
    const writes = msg.step.writes || [];
    if (writes.length && msg.step.node === n.id) {
      parts.push(
        h(
          "p",
          { class: "insp__writes" },
          "This backward step added to the gradients of ",
          ...writes.flatMap((w, i) => [
            i ? ", " : "",
            h("code", {}, this.graph.name(w.node)),
            w.users > 1 ? ` (${w.count} of ${w.users} parts${w.count > 1 ? ": +=" : ""})` : "",
          ]),
          ".",
        ),
      );
    }
    parts.push(heatmap(n.value, { title: "Value", testid: "inspector-value" }));
    if (n.grad) parts.push(heatmap(n.grad, { title: "Gradient ∂L/∂·", testid: "inspector-grad" }));
    this.inspector.replaceChildren(...parts);
  }

  showError(msg) {
    this.error.hidden = false;
    this.error.textContent = msg.message;
    this.error.dataset.code = msg.code;
  }

  showStatus(status) {
    const text = { [Status.CONNECTING]: "connecting…", [Status.OPEN]: "live", [Status.CLOSED]: "offline, reconnecting…" };
    this.status.textContent = text[status] || status;
    this.status.dataset.status = status;
  }
}
