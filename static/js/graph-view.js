// graph-view.js shows a widget's computational graph: the SVG the server
// drew (package viz), with classes that follow the stepper. The CSS styles
// nodes that ran forward (.is-done), nodes whose gradient is complete
// (.has-grad), the node of the last step (.is-current), the node in the
// inspector (.is-selected) and the inputs whose gradient the last backward
// step added to (.is-written).

import { parseSVG } from "./dom.js";

export class GraphView {
  /** el is the scrolling container; onSelect(name) asks to inspect a node. */
  constructor(el, onSelect) {
    this.el = el;
    this.onSelect = onSelect;
    this.nodes = new Map(); // node id -> <g>
    this.edges = [];
  }

  /** setGraph draws a graph message. */
  setGraph(graph) {
    const svg = parseSVG(graph.svg);
    this.el.replaceChildren(svg);
    this.nodes.clear();
    for (const g of svg.querySelectorAll(".sg-node")) {
      const id = Number(g.getAttribute("data-node"));
      const name = g.getAttribute("data-name");
      this.nodes.set(id, g);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", `inspect ${name}`);
      g.addEventListener("click", () => this.onSelect(name));
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          this.onSelect(name);
        }
      });
    }
    this.edges = [...svg.querySelectorAll(".sg-edge")].map((e) => ({
      el: e,
      from: Number(e.getAttribute("data-from")),
      to: Number(e.getAttribute("data-to")),
    }));
  }

  /** setState applies a node message. */
  setState(msg) {
    const forward = new Set(msg.forward);
    const backward = new Set(msg.backward);
    const written = new Set((msg.step.writes || []).map((w) => w.node));
    const current = msg.step.index > 0 ? msg.step.node : -1;
    const selected = msg.node ? msg.node.id : -1;
    for (const [id, g] of this.nodes) {
      g.classList.toggle("is-done", forward.has(id));
      g.classList.toggle("has-grad", backward.has(id));
      g.classList.toggle("is-current", id === current);
      g.classList.toggle("is-selected", id === selected);
      g.classList.toggle("is-written", written.has(id));
    }
    // The edges the last step read (forward) or wrote along (backward).
    const backwardPhase = msg.step.phase === "backward";
    for (const e of this.edges) {
      const active = current >= 0 && (backwardPhase ? e.to === current && written.has(e.from) : e.to === current);
      e.el.classList.toggle("is-active", active);
      e.el.classList.toggle("is-backward", active && backwardPhase);
    }
    if (current >= 0) this.reveal(this.nodes.get(current));
  }

  /** reveal scrolls the container (not the page) to show node g. */
  reveal(g) {
    if (!g) return;
    const box = g.getBoundingClientRect();
    const view = this.el.getBoundingClientRect();
    const margin = 24;
    if (box.top < view.top + margin || box.bottom > view.bottom - margin) {
      this.el.scrollTop += box.top - view.top - view.height / 2 + box.height / 2;
    }
    if (box.left < view.left + margin || box.right > view.right - margin) {
      this.el.scrollLeft += box.left - view.left - view.width / 2 + box.width / 2;
    }
  }

  /** name returns the name of node id. */
  name(id) {
    const g = this.nodes.get(id);
    return g ? g.getAttribute("data-name") : `#${id}`;
  }
}
