// graph-view.js: the graph view component. It shows the SVG of a widget's
// graph that the server drew (package viz) and restyles it by node
// messages: nodes that ran forward (.is-done), nodes whose gradient is
// complete (.has-grad), the node of the last step (.is-current), the node
// in the inspector (.is-selected), the inputs whose gradient the last
// backward step added to (.is-written, with a "+= k/n" badge when several
// nodes feed that gradient), and the edges the step read or wrote along.
//
// The learner pans (drag; the wheel, where the view owns it), zooms (the
// bar's buttons, Ctrl and the wheel, a pinch), fits the graph or its
// width, finds a node by name, and, where the host can fold scopes, folds a
// scope into one box and unfolds it again.
//
// The view is the SVG's viewBox: a window of width w/scale onto the
// layout's coordinates, so zooming and panning never lay the graph out
// again.
//
// For the keyboard the graph is one composite widget and one Tab stop (a
// roving tabindex): one node has tabindex 0, every other -1. The arrow keys
// move the focus to the nearest node above or below (the layout's rows)
// and to the left or right on the same row, Home and End to the first and
// last node; Enter or Space inspects the focused node, and the focused
// node is brought into view.
//
// A first view and Fit never go below the readable scale, at which the
// server's node labels are 11 pixels tall on screen (the box of a label's
// text, as the browser draws it). Fit shows the whole graph
// when it can at that scale; where the host folds scopes (the Lab) it
// folds the heads first, then the attentions, then the blocks, until the
// graph fits; where it cannot (a lesson) it lets the box grow, up to most
// of the window, and past that it stops at the readable scale, at the top
// of the graph, and the learner pans.

import { h, s, parseSVG } from "./dom.js";
import { bindPanZoom } from "./pan-zoom.js";

const MIN_SCALE = 0.1; // zooming out stops here
const MAX_SCALE = 3;
const MARGIN = 28; // pixels kept free around a node brought into view
const LABEL_PX = 11; // the smallest height on screen of a node's label, in a first view and after Fit
const LABEL_FONT = 12; // the labels' font size in the layout, when the SVG does not say (viz/label.go)
const LINE = 1.2; // a label's height for its font size, while the browser cannot measure it
const PAD = 24; // pixels around a fitted graph
const FIT_SCREEN = 0.85; // the most of the window's height a lesson's box may take to fit a graph
const MAX_FOLDED = 32; // scopes a fold may list (docs/protocol.md, the lab's collapsed)
// The scopes Fit folds, level by level, by the kind the server gives them.
const FOLD_LEVELS = ["head", "attention", "block"];

let views = 0; // numbers the ids of each view's search field

export class GraphView {
  /**
   * el is the graph's box, bar the element that gets the view's toolbar at
   * its start (the host may keep more controls there). Options:
   *   select(name)  inspects a node (required);
   *   fold(list)    asks for the scopes in list to be folded, the others
   *                 unfolded; without it scopes do not fold and the bar has
   *                 no Fold menu;
   *   miss(text)    says that a search found no node; without it the
   *                 search field says so;
   *   compact       the bar has search, zoom and Fit only (no Width);
   *   height        {min, max}: the box takes the height of the graph's
   *                 first view, within these pixels (a lesson);
   *   wheelPans     the wheel pans the graph (default); false leaves it to
   *                 the page, which scrolls (Ctrl and the wheel still zoom);
   *   keyHints      the titles name the Lab's keyboard shortcuts.
   */
  constructor(el, bar, opts) {
    this.el = el;
    this.opts = opts;
    this.msg = null; // the graph message drawn
    this.svg = null;
    this.nodes = new Map(); // node id -> <g>
    this.boxes = new Map(); // node id -> node of the graph message
    this.byName = new Map(); // name -> node of the graph message
    this.members = new Map(); // id of a folded scope -> ids of its nodes
    this.edges = [];
    this.folded = [];
    this.view = null; // {x, y, scale}
    this.world = { w: 1, h: 1 };
    this.readableScale = 0; // the scale of LABEL_PX labels, measured once per graph (0: not yet)
    this.fitting = false; // a fold Fit asked for is on its way: fit again when it comes
    this.lastIndex = -1; // the cursor of the last node message
    this.roving = ""; // name of the node that is the graph's Tab stop
    this.homeLater = false; // the first view waits for the box to have a size
    el.classList.add("sg-view");
    // The box is an application: screen readers then leave the arrow keys
    // to the graph (in browse mode they would move their own cursor
    // instead), and announce each node it focuses by its name. The patterns
    // with fixed structures do not fit a graph: a tree or a grid would tell
    // of parents or columns it does not have, and a listbox of a choice
    // (and its options may hold no other element, such as the SVG's frames
    // and edges). The container itself is no Tab stop: its current node is.
    el.removeAttribute("tabindex");
    el.setAttribute("role", "application");
    el.setAttribute("aria-label", "Computational graph: the arrow keys move between its nodes, Home and End go to the first and the last, Enter inspects a node");
    el.addEventListener("keydown", (ev) => this.key(ev));
    el.addEventListener("focusin", (ev) => this.focused(ev.target));
    this.buildBar(bar);
    bindPanZoom(el, this, opts.wheelPans !== false);
    new ResizeObserver(() => {
      if (this.homeLater && this.el.clientWidth > 0) this.home();
      this.apply();
    }).observe(el);
  }

  buildBar(bar) {
    const o = this.opts;
    const key = (k) => (o.keyHints ? ` (${k})` : "");
    const id = `sg-search-${++views}`;
    this.input = h("input", {
      type: "search",
      id,
      class: "input input--small",
      "data-testid": "graph-search",
      list: `${id}-names`,
      placeholder: `Find a node${o.keyHints ? "  ( / )" : ""}`,
      autocomplete: "off",
      spellcheck: "false",
      oninput: () => this.searched(true),
    });
    this.names = h("datalist", { id: `${id}-names` });
    this.level = h("output", { class: "sg-zoom__level", "data-testid": "zoom-level" }, "100%");
    const icon = (d) => s("svg", { viewBox: "0 0 16 16", "aria-hidden": "true" }, s("path", { d }));
    const button = (testid, label, title, onclick, glyph) =>
      h("button", { type: "button", class: glyph ? "btn btn--icon" : "btn btn--small", "data-testid": testid, title, "aria-label": glyph ? label : null, onclick }, glyph ? icon(glyph) : label);
    const parts = [
      h(
        "form",
        {
          class: "sg-search",
          "data-testid": "graph-search-form",
          onsubmit: (ev) => {
            ev.preventDefault();
            this.search(this.input.value);
          },
        },
        h("label", { class: "visually-hidden", for: id }, "Find a node"),
        this.input,
        this.names,
      ),
      h(
        "div",
        { class: "sg-zoom" },
        button("zoom-out", "Zoom out", `Zoom out${key("−")}`, () => this.zoom(0.8), "M3 7h10v2H3z"),
        this.level,
        button("zoom-in", "Zoom in", `Zoom in${key("+")}`, () => this.zoom(1.25), "M7 3h2v4h4v2H9v4H7V9H3V7h4z"),
        button("fit", "Fit", `Show the whole graph${key("F")}`, () => this.fit()),
        o.compact ? null : button("fit-width", "Width", "Fit the graph's width and follow the steps", () => this.fitWidth()),
      ),
    ];
    if (o.fold) {
      this.scopes = h("div", { class: "menu__list sg-scopes", "data-testid": "scopes" });
      parts.push(h("details", { class: "menu" }, h("summary", { class: "btn btn--small", "data-testid": "scopes-menu" }, "Fold"), this.scopes));
    }
    bar.classList.add("sg-graphbar");
    bar.prepend(...parts);
  }

  /**
   * setGraph draws graph message msg. keepView keeps the zoom and the
   * position (after a fold); folded lists the scopes the host has folded.
   */
  setGraph(msg, { keepView = false, folded = [] } = {}) {
    const old = this.view;
    const hadFocus = this.el.contains(document.activeElement);
    this.msg = msg;
    this.folded = folded;
    this.svg = parseSVG(msg.svg);
    this.svg.removeAttribute("width");
    this.svg.removeAttribute("height");
    this.svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    // The box names the graph; the drawing holds its nodes (an image's
    // parts would be hidden from screen readers).
    this.svg.removeAttribute("aria-label");
    this.svg.setAttribute("role", "none");
    this.el.replaceChildren(this.svg);
    this.world = { w: msg.width, h: msg.height };
    this.readableScale = 0;
    this.boxes.clear();
    this.byName.clear();
    this.members.clear();
    for (const b of msg.nodes) {
      this.boxes.set(b.id, b);
      this.byName.set(b.name, b);
    }
    this.nodes.clear();
    for (const g of this.svg.querySelectorAll(".sg-node")) {
      const id = Number(g.getAttribute("data-node"));
      const name = g.getAttribute("data-name");
      this.nodes.set(id, g);
      if (g.hasAttribute("data-members")) this.members.set(id, g.getAttribute("data-members").split(",").map(Number));
      g.setAttribute("tabindex", "-1");
      g.setAttribute("role", "button");
      g.addEventListener("click", () => this.clicked(name));
      onPress(g, () => this.clicked(name));
    }
    this.edges = [...this.svg.querySelectorAll(".sg-edge")].map((e) => ({
      el: e,
      from: Number(e.getAttribute("data-from")),
      to: Number(e.getAttribute("data-to")),
    }));
    if (this.opts.fold) this.addFolds();
    for (const g of this.nodes.values()) this.describe(g);
    // The Tab stop stays on the node of the same name, else the first.
    const stop = this.nodeNamed(this.roving) || this.nodes.values().next().value;
    this.roving = "";
    if (stop) this.rove(stop);
    if (stop && hadFocus) stop.focus({ preventScroll: true });
    this.names.replaceChildren(...[...this.byName.keys()].map((n) => h("option", { value: n })));
    if (keepView && old) {
      this.view = old;
    } else {
      this.home();
      this.lastIndex = -1; // a new model: show its step's node
    }
    this.apply();
    if (this.fitting) {
      this.setFitting(false);
      this.fit();
    }
  }

  // addFolds puts a fold button on every scope's frame, a "+" on every
  // folded scope's box, and fills the Fold menu.
  addFolds() {
    for (const g of this.svg.querySelectorAll(".sg-node.sg-kind-scope")) {
      g.append(foldMark(Number(g.querySelector(".sg-node-box").getAttribute("width"))));
    }
    for (const sc of this.svg.querySelectorAll(".sg-scope")) {
      const name = sc.getAttribute("data-scope");
      const r = sc.querySelector(".sg-scope-frame");
      const x = Number(r.getAttribute("x")) + Number(r.getAttribute("width")) - 20;
      const y = Number(r.getAttribute("y")) + 3;
      // A button for the pointer only: the keyboard and screen readers
      // fold scopes with the bar's Fold menu, and the graph keeps one Tab
      // stop.
      const b = s("g", { class: "sg-fold", transform: `translate(${x} ${y})`, "aria-hidden": "true", "data-testid": `fold-${name}` },
        s("title", { text: `Fold ${name} into one box` }),
        s("rect", { width: 16, height: 16, rx: 4 }),
        s("path", { d: "M4 8h8", class: "sg-fold__glyph" }),
      );
      const fold = (ev) => {
        ev.stopPropagation();
        this.fold(name, true);
      };
      b.addEventListener("click", fold);
      sc.append(b);
    }
    const folded = this.folded;
    const names = [...new Set([...this.msg.scopes.map((sc) => sc.name), ...folded.filter((f) => this.byName.has(f))])].sort();
    const heads = names.filter((n) => /\.head\.\d+$/.test(n));
    const row = (name) =>
      h(
        "label",
        { class: "sg-scopes__row" },
        h("input", { type: "checkbox", checked: folded.includes(name), "data-testid": `scope-${name}`, onchange: (ev) => this.fold(name, ev.target.checked) }),
        h("span", { class: `sg-scopes__name sg-scopes__depth-${Math.min(name.split(".").length, 5)}` }, name),
      );
    this.scopes.replaceChildren(
      h(
        "div",
        { class: "sg-scopes__actions" },
        h("button", { type: "button", class: "btn btn--small", disabled: !heads.length, onclick: () => this.opts.fold([...new Set([...folded, ...heads])]) }, "Fold heads"),
        h("button", { type: "button", class: "btn btn--small", disabled: !folded.length, "data-testid": "unfold-all", onclick: () => this.opts.fold([]) }, "Unfold all"),
      ),
      ...names.map(row),
    );
  }

  /** fold folds (or unfolds) one scope, keeping the others as they are. */
  fold(name, folded) {
    const list = this.folded.filter((f) => f !== name);
    if (folded) list.push(name);
    this.opts.fold(list);
  }

  clicked(name) {
    const b = this.byName.get(name);
    if (b && b.kind === "scope" && this.opts.fold) this.fold(name, false);
    else this.opts.select(name);
  }

  // describe names node g for screen readers: the text it shows first
  // (its label, its op, a "+=" badge), then its full name, its shape and
  // what the colours say.
  describe(g) {
    spaceOut(g);
    const shown = [...g.querySelectorAll("text")].map((t) => t.textContent.trim()).filter(Boolean).join(" ");
    const b = this.boxes.get(Number(g.getAttribute("data-node")));
    const parts = [shown];
    if (b) {
      if (b.name !== shown.split(" ")[0]) parts.push(b.name);
      if (b.shape) parts.push(`shape ${b.shape.join(" by ") || "scalar"}`);
      if (b.kind === "scope" && this.opts.fold) parts.push("folded, Enter unfolds it");
    }
    const cl = g.classList;
    for (const [cls, text] of STATES) if (cl.contains(cls)) parts.push(text);
    g.setAttribute("aria-label", parts.join(", "));
  }

  nodeNamed(name) {
    const b = name ? this.byName.get(name) : null;
    return b ? this.nodes.get(b.id) || null : null;
  }

  // rove makes node g the graph's one Tab stop.
  rove(g) {
    const name = g.getAttribute("data-name");
    if (name === this.roving) return;
    this.nodeNamed(this.roving)?.setAttribute("tabindex", "-1");
    g.setAttribute("tabindex", "0");
    this.roving = name;
  }

  // focused follows the focus onto a node (by Tab, a click or the arrow
  // keys): it becomes the Tab stop and, unless a pointer put it there,
  // comes into view.
  focused(target) {
    const g = target.closest && target.closest(".sg-node");
    if (!g || !this.svg || !this.svg.contains(g)) return;
    this.rove(g);
    if (g.matches(":focus-visible")) this.bringIntoView(g);
  }

  // key moves the focus between nodes with the arrow keys, Home and End.
  // Within the graph these keys are its own, even where no node lies that
  // way (the Lab's arrow shortcuts step only outside it).
  key(ev) {
    const g = ev.target.closest && ev.target.closest(".sg-node");
    if (!g || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const all = [...this.nodes.values()];
    let next;
    switch (ev.key) {
      case "ArrowUp":
      case "ArrowDown":
        next = this.across(g, ev.key === "ArrowDown" ? 1 : -1);
        break;
      case "ArrowLeft":
      case "ArrowRight":
        next = this.along(g, ev.key === "ArrowRight" ? 1 : -1);
        break;
      case "Home":
        next = all[0];
        break;
      case "End":
        next = all[all.length - 1];
        break;
      default:
        return;
    }
    ev.preventDefault();
    if (next && next !== g) next.focus({ preventScroll: true }); // focused() brings it into view
  }

  // centre returns the middle of node g's box in the layout, and its height.
  centre(g) {
    const b = this.boxes.get(Number(g.getAttribute("data-node")));
    return b ? { x: b.x + b.w / 2, y: b.y + b.h / 2, h: b.h } : null;
  }

  // along returns the nearest node on g's row in direction dir (1 right,
  // -1 left), or null. A row is the nodes whose middles are less than half
  // a box apart vertically.
  along(g, dir) {
    const c = this.centre(g);
    if (!c) return null;
    return nearest(this.others(g).filter((o) => Math.abs(o.c.y - c.y) < c.h / 2 && dir * (o.c.x - c.x) > 0), c.x);
  }

  // across returns the node nearest to g's middle on the nearest row below
  // g (dir 1) or above it (dir -1), or null.
  across(g, dir) {
    const c = this.centre(g);
    if (!c) return null;
    const beyond = this.others(g).filter((o) => dir * (o.c.y - c.y) >= c.h / 2);
    if (!beyond.length) return null;
    const rowY = dir > 0 ? Math.min(...beyond.map((o) => o.c.y)) : Math.max(...beyond.map((o) => o.c.y));
    return nearest(beyond.filter((o) => Math.abs(o.c.y - rowY) < c.h / 2), c.x);
  }

  others(g) {
    return [...this.nodes.values()].filter((o) => o !== g).map((o) => ({ g: o, c: this.centre(o) })).filter((o) => o.c);
  }

  // bringIntoView moves the view onto node g when it is outside, and
  // scrolls the page to the graph when the node is off the screen.
  bringIntoView(g) {
    this.reveal(g);
    const r = g.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) this.el.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** setState applies node message msg, and brings the step's node into view when the cursor moved. */
  setState(msg) {
    const forward = new Set(msg.forward);
    const backward = new Set(msg.backward);
    const writes = msg.step.writes || [];
    const written = new Set(writes.map((w) => w.node));
    const current = msg.step.index > 0 ? msg.step.node : -1;
    const selected = msg.node ? msg.node.id : -1;
    let currentBox = null;
    for (const [id, g] of this.nodes) {
      // A folded scope stands for its members.
      const ids = this.members.get(id) || [id];
      const here = ids.includes(current);
      g.classList.toggle("is-done", ids.some((m) => forward.has(m)));
      g.classList.toggle("has-grad", ids.some((m) => backward.has(m)));
      g.classList.toggle("is-current", here);
      g.classList.toggle("is-selected", id === selected);
      g.classList.toggle("is-written", written.has(id));
      if (here) currentBox = g;
    }
    this.badges(writes);
    for (const g of this.nodes.values()) this.describe(g);
    // The edges the last step read (forward) or wrote along (backward).
    const backwardPhase = msg.step.phase === "backward";
    for (const e of this.edges) {
      const active = current >= 0 && (backwardPhase ? e.to === current && written.has(e.from) : e.to === current);
      e.el.classList.toggle("is-active", active);
      e.el.classList.toggle("is-backward", active && backwardPhase);
    }
    // Only a moved cursor moves the view: inspecting a node (a select)
    // leaves it where the learner put it.
    const moved = msg.step.index !== this.lastIndex;
    this.lastIndex = msg.step.index;
    if (currentBox && moved) this.reveal(currentBox);
  }

  // badges marks each node whose gradient the last step added to, when
  // more than one node feeds it: "+= 1/2", then "+= 2/2".
  badges(writes) {
    for (const b of this.el.querySelectorAll(".sg-badge")) b.remove();
    for (const w of writes) {
      const g = this.nodes.get(w.node);
      if (!g || w.users < 2) continue;
      const width = Number(g.querySelector(".sg-node-box").getAttribute("width"));
      g.append(
        s("g", { class: w.count === w.users ? "sg-badge is-complete" : "sg-badge", transform: `translate(${width - 40} -9)`, "data-testid": "grad-badge" },
          s("rect", { width: 48, height: 17, rx: 8.5 }),
          s("text", { x: 24, y: 12.5, "text-anchor": "middle", text: `+= ${w.count}/${w.users}` }),
        ),
      );
    }
  }

  /**
   * mark toggles class cls on every drawn node for which test(node) holds,
   * node being its entry in the graph message. Call it after setGraph.
   */
  mark(cls, test) {
    for (const [id, g] of this.nodes) {
      const n = this.boxes.get(id);
      g.classList.toggle(cls, !!n && test(n));
    }
  }

  /**
   * tag gives drawn nodes a small labelled pill on their box: tags maps
   * a node id to {text, cls}, cls also marks the node's <g> (a
   * colour band). Nodes not in tags lose their tag. The text is part of the
   * node's accessible name, so a colour never says alone what it means.
   */
  tag(tags, prefix = "sg-tag") {
    for (const t of this.el.querySelectorAll(`.${prefix}`)) t.remove();
    for (const [id, g] of this.nodes) {
      for (const c of [...g.classList]) if (c.startsWith(`${prefix}--`)) g.classList.remove(c);
      const t = tags.get(id);
      if (t) {
        g.classList.add(`${prefix}--${t.cls}`);
        // At the box's top-left corner: the edges enter at the middle of
        // its top, and the gradient badge sits at its top-right. In the
        // node's texts, and so in its accessible name, it goes between the
        // label and the op: where the graph's box clips a node, at its
        // bottom (the op line hidden) or, on a phone, at its right (the
        // short label hidden, the wider op line and the pill still shown),
        // what shows is one run of the name.
        g.querySelector("text").after(
          s("g", { class: `${prefix} ${prefix}--${t.cls}`, transform: "translate(-12 -14)", "data-testid": `${prefix}-${this.boxes.get(id).name}` },
            s("rect", { width: 64, height: 17, rx: 8.5 }),
            s("text", { x: 32, y: 12.5, "text-anchor": "middle", text: t.text }),
          ),
        );
      }
      this.describe(g);
    }
  }

  /** name names node id: its box, the folded scope that holds it, or "node <id>". */
  name(id) {
    const b = this.boxes.get(id);
    if (b) return b.name;
    for (const [scope, ids] of this.members) if (ids.includes(id)) return `${this.boxes.get(scope).name} (folded)`;
    return `node ${id}`;
  }

  /** inputs returns the boxes of the graph message that feed node id. */
  inputs(id) {
    if (!this.msg) return [];
    return this.msg.edges.filter((e) => e.to === id).map((e) => this.boxes.get(e.from)).filter(Boolean);
  }

  /** find returns the box whose name best matches text (exact, last parts, part), or null. */
  find(text) {
    const q = text.trim();
    if (!q) return null;
    if (this.byName.has(q)) return this.byName.get(q);
    const names = [...this.byName.keys()];
    const hit = names.find((n) => n.endsWith("." + q)) || names.find((n) => n.includes(q));
    return hit ? this.byName.get(hit) : null;
  }

  /** search brings the node text names into view and inspects it (or unfolds a folded scope). */
  search(text) {
    const b = this.find(text);
    this.searched(!!b, text);
    if (!b) return;
    this.input.value = b.name;
    this.centerOn(b);
    if (b.kind === "scope" && this.opts.fold) this.fold(b.name, false);
    else this.opts.select(b.name);
  }

  // searched shows whether the search found a node.
  searched(found, text = "") {
    this.input.classList.toggle("is-miss", !found);
    const why = found ? "" : `No node of this graph is called “${text}”.`;
    if (this.opts.miss) {
      if (!found) this.opts.miss(why);
      return;
    }
    this.input.setCustomValidity(why);
    if (!found) this.input.reportValidity();
  }

  /** focusSearch moves the keyboard focus to the search field. */
  focusSearch() {
    this.input.focus();
  }

  /** reveal brings node g into view when it is outside: along each axis on which it is out, it centres it. */
  reveal(g) {
    const b = this.boxes.get(Number(g.getAttribute("data-node")));
    if (!b || !this.view || !this.el.clientWidth) return;
    const v = this.view;
    const { w, h } = this.size();
    const m = MARGIN / v.scale;
    const vw = w / v.scale;
    const vh = h / v.scale;
    const x = b.x >= v.x + m && b.x + b.w <= v.x + vw - m ? v.x : b.x + b.w / 2 - vw / 2;
    const y = b.y >= v.y + m && b.y + b.h <= v.y + vh - m ? v.y : b.y + b.h / 2 - vh / 2;
    if (x === v.x && y === v.y) return;
    this.show({ ...v, x, y });
  }

  /** centerOn moves the view so that box b is in its middle. */
  centerOn(b) {
    const { w, h } = this.size();
    const v = this.view;
    this.show({ scale: v.scale, x: b.x + b.w / 2 - w / v.scale / 2, y: b.y + b.h / 2 - h / v.scale / 2 });
  }

  size() {
    return { w: Math.max(this.el.clientWidth, 1), h: Math.max(this.el.clientHeight, 1) };
  }

  /** readable returns the smallest scale at which node labels are LABEL_PX tall on screen. */
  readable() {
    if (!this.readableScale && this.svg) this.readableScale = this.measureReadable();
    return this.readableScale || clamp(LABEL_PX / (LABEL_FONT * LINE), MIN_SCALE, MAX_SCALE);
  }

  // measureReadable finds the readable scale by drawing a node label of
  // the server's at it: the browser sizes text for the scale it draws at
  // (and rounds), so the height a label has on screen is measured, not
  // worked out. A box not laid out yet gives none (0).
  measureReadable() {
    const label = this.svg.querySelector(".sg-node-label");
    const { w, h } = this.size();
    if (!label || w < 2 || h < 2) return 0;
    const view = this.svg.getAttribute("viewBox");
    const heightAt = (scale) => {
      this.svg.setAttribute("viewBox", `0 0 ${w / scale} ${h / scale}`);
      return label.getBoundingClientRect().height;
    };
    const natural = heightAt(1);
    let scale = natural > 0 ? LABEL_PX / natural : LABEL_PX / (LABEL_FONT * LINE);
    // A third of a pixel over: labels of other lengths, at other places,
    // round a little differently.
    for (let i = 0; i < 30 && heightAt(scale) < LABEL_PX + 0.3; i++) scale *= 1.02;
    if (view) this.svg.setAttribute("viewBox", view);
    return clamp(scale, MIN_SCALE, MAX_SCALE);
  }

  /**
   * fit shows the whole graph, as large as fits (at most MAX_SCALE), but
   * never below the readable scale: first it folds scopes where the host
   * can (it fits again once the folded graph comes), then, in a lesson's
   * box, it lets the box grow; a graph that still does not fit is shown
   * from its top at the readable scale, and pans.
   */
  fit() {
    if (!this.msg) return;
    const read = this.readable();
    let { w, h } = this.size();
    const whole = () => Math.min(MAX_SCALE, Math.max(0.01, (w - PAD) / this.world.w), Math.max(0.01, (h - PAD) / this.world.h));
    if (whole() < read && this.opts.fold) {
      const list = this.foldMore();
      if (list) {
        this.setFitting(true);
        this.opts.fold(list);
        return;
      }
    }
    const hgt = this.opts.height;
    if (whole() < read && hgt) {
      const most = Math.max(hgt.max, Math.round(window.innerHeight * FIT_SCREEN));
      const px = clamp(Math.ceil(this.world.h * read + PAD) + 1, hgt.min, most);
      if (px > h) {
        this.el.style.setProperty("--graph-height", `${px}px`);
        ({ w, h } = this.size());
      }
    }
    const scale = whole();
    if (scale >= read) {
      this.show({ scale, x: (this.world.w - w / scale) / 2, y: (this.world.h - h / scale) / 2 });
      return;
    }
    this.show({ scale: read, x: (this.world.w - w / read) / 2, y: -8 });
    const current = this.el.querySelector(".sg-node.is-current");
    if (current) this.reveal(current);
  }

  // setFitting notes that Fit waits for a fold (data-fitting on the box,
  // which tests wait on).
  setFitting(on) {
    this.fitting = on;
    if (on) this.el.dataset.fitting = "true";
    else delete this.el.dataset.fitting;
  }

  // foldMore returns the folded scopes of the next level of FOLD_LEVELS
  // that has a scope left unfolded (with those already folded, when the
  // list stays short enough), or null when every level is folded.
  foldMore() {
    const folded = this.folded.filter((f) => this.byName.has(f) || this.msg.scopes.some((sc) => sc.name === f));
    const inside = (name, outer) => name === outer || name.startsWith(outer + ".");
    for (const kind of FOLD_LEVELS) {
      const names = this.msg.scopes
        .filter((sc) => sc.kind === kind && !sc.collapsed && !folded.some((f) => inside(sc.name, f)))
        .map((sc) => sc.name);
      if (!names.length) continue;
      const kept = folded.filter((f) => !names.some((n) => inside(f, n)));
      const list = [...kept, ...names];
      if (list.length <= MAX_FOLDED) return list;
      if (names.length <= MAX_FOLDED) return names;
    }
    return null;
  }

  /** fitWidth fits the graph's width, at most at natural size and at least at scale least, from the top. */
  fitWidth(least = MIN_SCALE) {
    const { w } = this.size();
    const scale = this.widthScale(w, least);
    this.show({ scale, x: (this.world.w - w / scale) / 2, y: -8 });
  }

  widthScale(w, least) {
    return clamp(Math.max(least, Math.min(1, (w - PAD) / this.world.w)), MIN_SCALE, MAX_SCALE);
  }

  /**
   * home is the first view of a graph: its top, as wide as fits, but not
   * so small that the labels cannot be read; the view then follows the
   * steps. With the height option the box first takes the height of that
   * view.
   */
  home() {
    // A hidden box (a tab not shown) has no size to fit: wait for one.
    this.homeLater = !this.el.clientWidth;
    if (this.homeLater) {
      this.view = { x: 0, y: 0, scale: 1 };
      return;
    }
    const hgt = this.opts.height;
    const read = this.readable();
    if (hgt) {
      const scale = this.widthScale(this.size().w, read);
      const px = clamp(Math.ceil(this.world.h * scale + PAD), hgt.min, hgt.max);
      this.el.style.setProperty("--graph-height", `${px}px`);
    }
    this.fitWidth(read);
  }

  /** zoom multiplies the scale by f around the point (px, py) of the box (default its middle). */
  zoom(f, px, py) {
    if (!this.view) return;
    this.setFitting(false);
    const { w, h } = this.size();
    const v = this.view;
    if (px === undefined) [px, py] = [w / 2, h / 2];
    const scale = clamp(v.scale * f, MIN_SCALE, MAX_SCALE);
    const wx = v.x + px / v.scale;
    const wy = v.y + py / v.scale;
    this.show({ scale, x: wx - px / scale, y: wy - py / scale });
  }

  /** pan moves the view by (dx, dy) pixels. */
  pan(dx, dy) {
    if (!this.view) return;
    this.show({ ...this.view, x: this.view.x + dx / this.view.scale, y: this.view.y + dy / this.view.scale });
  }

  // show moves the view to v, keeping at least a quarter of the view on
  // the graph, and draws it.
  show(v) {
    const { w, h } = this.size();
    const vw = w / v.scale;
    const vh = h / v.scale;
    this.view = { scale: v.scale, x: clamp(v.x, -vw * 0.75, this.world.w - vw * 0.25), y: clamp(v.y, -vh * 0.75, this.world.h - vh * 0.25) };
    this.apply();
  }

  // apply draws the view at the box's present size. It leaves the view
  // as it is: a box resized for a moment (hidden, or laid out again for a
  // screenshot) must not move it.
  apply() {
    if (!this.svg || !this.view) return;
    const { w, h } = this.size();
    const v = this.view;
    this.svg.setAttribute("viewBox", `${round(v.x)} ${round(v.y)} ${round(w / v.scale)} ${round(h / v.scale)}`);
    this.level.textContent = `${Math.round(v.scale * 100)}%`;
  }
}

// STATES are the words for a node's classes, after its name.
const STATES = [
  ["is-current", "this step"],
  ["is-done", "computed"],
  ["has-grad", "gradient known"],
  ["is-written", "gradient added"],
  ["is-selected", "in the inspector"],
];

// spaceOut puts a space between the parts of node g (its label, its op,
// its badge), as a pretty-printed SVG has: the server writes them side by
// side, and text read from the drawing would run its words together
// ("xinput"). Spaces between SVG elements draw nothing.
function spaceOut(g) {
  for (const el of [...g.children].slice(1)) {
    if (el.previousSibling.nodeType !== Node.TEXT_NODE) el.before(" ");
  }
}

// nearest returns the node of list ({g, c}) whose middle is nearest to x
// horizontally, or null.
function nearest(list, x) {
  let best = null;
  for (const o of list) if (!best || Math.abs(o.c.x - x) < Math.abs(best.c.x - x)) best = o;
  return best ? best.g : null;
}

// onPress calls fn when Enter or Space is pressed on el, as a click would.
function onPress(el, fn) {
  el.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      fn(ev);
    }
  });
}

// foldMark is the "+" drawn on a folded scope's box.
function foldMark(width) {
  return s("g", { class: "sg-fold sg-fold--mark", transform: `translate(${width - 18} 2)`, "aria-hidden": "true" },
    s("rect", { width: 16, height: 16, rx: 4 }),
    s("path", { d: "M4 8h8M8 4v8", class: "sg-fold__glyph" }),
  );
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

function round(x) {
  return Math.round(x * 10) / 10;
}
