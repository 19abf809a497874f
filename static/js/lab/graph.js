// graph.js: the lab's graph view. It extends the shared GraphView (the
// server's SVG, restyled by the stepper's state) with pan and zoom
// (pan.js), a view that follows the steps, lookup by name for the search
// (graphbar.js), fold buttons on the scope frames, folded scopes that
// follow their members' state, and "+=" badges where a backward step adds
// to a gradient that several nodes feed.
//
// The view is the SVG's viewBox: a window of width w = width/scale onto
// the layout's coordinates, so zooming and panning never re-lay out.

import { GraphView } from "../graph-view.js";
import { s } from "../dom.js";
import { bindPanZoom } from "./pan.js";

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;
const MARGIN = 28; // pixels kept free around a node brought into view
const READABLE = 0.6; // the smallest scale of a first view: 6-pixel labels

export class LabGraph extends GraphView {
  /**
   * el is the graph's box. on.select(name) inspects a node, on.fold(scope,
   * folded) folds or unfolds a scope, on.zoom(scale) reports the zoom.
   */
  constructor(el, on) {
    super(el, (name) => this.clicked(name));
    this.on = on;
    this.boxes = new Map(); // box id -> box of the graph message
    this.byName = new Map(); // name -> box
    this.view = null; // {x, y, scale}
    this.world = { w: 1, h: 1 };
    this.svg = null;
    this.lastIndex = -1; // the cursor of the last node message
    this.quiet = false;
    bindPanZoom(el, this);
    new ResizeObserver(() => this.apply()).observe(el);
  }

  /** setGraph draws a graph message; keepView keeps the zoom (a fold). */
  setGraph(msg, keepView = false) {
    const old = this.view;
    super.setGraph(msg);
    this.svg = this.el.querySelector("svg");
    this.svg.removeAttribute("width");
    this.svg.removeAttribute("height");
    this.svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    this.world = { w: msg.width, h: msg.height };
    this.boxes.clear();
    this.byName.clear();
    for (const b of msg.nodes) {
      this.boxes.set(b.id, b);
      this.byName.set(b.name, b);
    }
    for (const g of this.svg.querySelectorAll(".sg-node.sg-kind-scope")) {
      const name = g.getAttribute("data-name");
      g.setAttribute("aria-label", `unfold ${name}`);
      g.append(foldMark(Number(g.querySelector(".sg-node-box").getAttribute("width")), "+"));
    }
    for (const sc of this.svg.querySelectorAll(".sg-scope")) this.addFoldButton(sc);
    if (keepView && old) {
      this.view = old;
    } else {
      this.home();
      this.lastIndex = -1; // a new model: show its step's node
    }
    this.apply();
  }

  addFoldButton(sc) {
    const name = sc.getAttribute("data-scope");
    const r = sc.querySelector(".sg-scope-frame");
    const x = Number(r.getAttribute("x")) + Number(r.getAttribute("width")) - 20;
    const y = Number(r.getAttribute("y")) + 3;
    const b = s("g", { class: "lab-fold", transform: `translate(${x} ${y})`, tabindex: "0", role: "button", "aria-label": `fold ${name}`, "data-testid": `fold-${name}` },
      s("title", { text: `Fold ${name} into one box` }),
      s("rect", { width: 16, height: 16, rx: 4 }),
      s("path", { d: "M4 8h8", class: "lab-fold__glyph" }),
    );
    const fold = (ev) => {
      ev.stopPropagation();
      this.on.fold(name, true);
    };
    b.addEventListener("click", fold);
    b.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        fold(ev);
      }
    });
    sc.append(b);
  }

  clicked(name) {
    const b = this.byName.get(name);
    if (b && b.kind === "scope") this.on.fold(name, false);
    else this.on.select(name);
  }

  /** setState applies a node message, then styles folded scopes and badges. */
  setState(msg) {
    // The base class reveals the step's node; here that waits until the
    // folded scopes are styled, and happens only when the cursor moved, so
    // that inspecting a node (a select) does not pull the view away.
    this.quiet = true;
    super.setState(msg);
    this.quiet = false;
    const moved = msg.step.index !== this.lastIndex;
    this.lastIndex = msg.step.index;
    const forward = new Set(msg.forward);
    const backward = new Set(msg.backward);
    const current = msg.step.index > 0 ? msg.step.node : -1;
    let currentBox = this.nodes.get(current);
    for (const g of this.svg ? this.svg.querySelectorAll(".sg-node.sg-kind-scope") : []) {
      const members = (g.getAttribute("data-members") || "").split(",").map(Number);
      g.classList.toggle("is-done", members.some((m) => forward.has(m)));
      g.classList.toggle("has-grad", members.some((m) => backward.has(m)));
      const here = members.includes(current);
      g.classList.toggle("is-current", here);
      if (here) currentBox = g;
    }
    this.badges(msg.step.writes || []);
    if (currentBox && moved) this.reveal(currentBox);
  }

  // badges marks each node whose gradient the last step added to, when
  // more than one node feeds it: "+= 1/2", then "+= 2/2".
  badges(writes) {
    for (const b of this.el.querySelectorAll(".lab-badge")) b.remove();
    for (const w of writes) {
      const g = this.nodes.get(w.node);
      if (!g || w.users < 2) continue;
      const width = Number(g.querySelector(".sg-node-box").getAttribute("width"));
      const text = `+= ${w.count}/${w.users}`;
      g.append(
        s("g", { class: w.count === w.users ? "lab-badge is-complete" : "lab-badge", transform: `translate(${width - 40} -9)`, "data-testid": "grad-badge" },
          s("rect", { width: 48, height: 17, rx: 8.5 }),
          s("text", { x: 24, y: 12.5, "text-anchor": "middle", text }),
        ),
      );
    }
  }

  /**
   * reveal brings node g into view when it is outside: along each axis on
   * which it is out of view, it moves the view to centre it, and leaves
   * the other axis alone.
   */
  reveal(g) {
    if (this.quiet || !g) return;
    const b = this.boxes.get(Number(g.getAttribute("data-node")));
    if (!b || !this.view) return;
    const v = this.view;
    const { w, h } = this.size();
    const m = MARGIN / v.scale;
    const vw = w / v.scale;
    const vh = h / v.scale;
    const x = b.x >= v.x + m && b.x + b.w <= v.x + vw - m ? v.x : b.x + b.w / 2 - vw / 2;
    const y = b.y >= v.y + m && b.y + b.h <= v.y + vh - m ? v.y : b.y + b.h / 2 - vh / 2;
    if (x === v.x && y === v.y) return;
    this.view = { ...v, x, y };
    this.apply();
  }

  /** centerOn moves the view so that box b is in its middle. */
  centerOn(b) {
    const { w, h } = this.size();
    const v = this.view;
    this.view = { scale: v.scale, x: b.x + b.w / 2 - w / v.scale / 2, y: b.y + b.h / 2 - h / v.scale / 2 };
    this.apply();
  }

  /** find returns the box whose name best matches text, or null. */
  find(text) {
    const q = text.trim();
    if (!q) return null;
    if (this.byName.has(q)) return this.byName.get(q);
    const names = [...this.byName.keys()];
    const hit = names.find((n) => n.endsWith("." + q)) || names.find((n) => n.includes(q));
    return hit ? this.byName.get(hit) : null;
  }

  /** names lists the drawn boxes' names, for the search's suggestions. */
  names() {
    return [...this.byName.keys()];
  }

  /** nodeBox returns the box of node id, or undefined. */
  nodeBox(id) {
    return this.boxes.get(id);
  }

  size() {
    return { w: Math.max(this.el.clientWidth, 1), h: Math.max(this.el.clientHeight, 1) };
  }

  /** fit shows the whole graph. */
  fit() {
    const { w, h } = this.size();
    const scale = clamp(Math.min((w - 24) / this.world.w, (h - 24) / this.world.h), MIN_SCALE, MAX_SCALE);
    this.view = { scale, x: (this.world.w - w / scale) / 2, y: (this.world.h - h / scale) / 2 };
    this.apply();
  }

  /** fitWidth fits the graph's width, at most at natural size, from the top. */
  fitWidth(least = MIN_SCALE) {
    const { w } = this.size();
    const scale = clamp(Math.max(least, Math.min(1, (w - 24) / this.world.w)), MIN_SCALE, MAX_SCALE);
    this.view = { scale, x: (this.world.w - w / scale) / 2, y: -8 };
    this.apply();
  }

  /**
   * home is the first view of a graph: its top, as wide as fits, but not
   * so small that the labels cannot be read; the view then follows the
   * steps.
   */
  home() {
    this.fitWidth(READABLE);
  }

  /** zoom multiplies the scale by f around the point (px, py) of the box. */
  zoom(f, px, py) {
    if (!this.view) return;
    const { w, h } = this.size();
    const v = this.view;
    if (px === undefined) [px, py] = [w / 2, h / 2];
    const scale = clamp(v.scale * f, MIN_SCALE, MAX_SCALE);
    const wx = v.x + px / v.scale;
    const wy = v.y + py / v.scale;
    this.view = { scale, x: wx - px / scale, y: wy - py / scale };
    this.apply();
  }

  /** pan moves the view by (dx, dy) pixels. */
  pan(dx, dy) {
    if (!this.view) return;
    this.view = { ...this.view, x: this.view.x + dx / this.view.scale, y: this.view.y + dy / this.view.scale };
    this.apply();
  }

  apply() {
    if (!this.svg || !this.view) return;
    const { w, h } = this.size();
    const v = this.view;
    // Keep at least a quarter of the view on the graph.
    const vw = w / v.scale;
    const vh = h / v.scale;
    v.x = clamp(v.x, -vw * 0.75, this.world.w - vw * 0.25);
    v.y = clamp(v.y, -vh * 0.75, this.world.h - vh * 0.25);
    this.svg.setAttribute("viewBox", `${round(v.x)} ${round(v.y)} ${round(vw)} ${round(vh)}`);
    this.on.zoom(v.scale);
  }
}

// foldMark is the "+" drawn on a folded scope's box.
function foldMark(width, glyph) {
  return s("g", { class: "lab-fold lab-fold--mark", transform: `translate(${width - 18} 2)`, "aria-hidden": "true" },
    s("rect", { width: 16, height: 16, rx: 4 }),
    s("path", { d: glyph === "+" ? "M4 8h8M8 4v8" : "M4 8h8", class: "lab-fold__glyph" }),
  );
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

function round(x) {
  return Math.round(x * 10) / 10;
}
