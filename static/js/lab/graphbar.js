// graphbar.js: the bar above the lab's graph. A search finds a node by
// name (Enter brings it into view and inspects it), buttons zoom and fit,
// and the Fold menu lists every scope of the graph with a box to fold it
// into one node, plus "fold every head" and "unfold all".

import { h } from "../dom.js";

export class GraphBar {
  /**
   * bar is the bar's element, graph the LabGraph. on.select(name) inspects
   * a node, on.folded(list) asks for the scopes in list to be folded,
   * on.miss(text) says that no node matches.
   */
  constructor(bar, graph, on) {
    this.graph = graph;
    this.on = on;
    this.folded = [];
    const q = (id) => bar.querySelector(`[data-testid="${id}"]`);
    this.input = q("graph-search");
    this.names = bar.querySelector("datalist");
    this.scopes = q("scopes");
    q("graph-search-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.search();
    });
    q("zoom-in").addEventListener("click", () => graph.zoom(1.25));
    q("zoom-out").addEventListener("click", () => graph.zoom(0.8));
    q("fit").addEventListener("click", () => graph.fit());
    q("fit-width").addEventListener("click", () => graph.fitWidth());
  }

  search() {
    const b = this.graph.find(this.input.value);
    this.input.classList.toggle("is-miss", !b);
    if (!b) {
      this.on.miss(`No node of this graph is called “${this.input.value}”.`);
      return;
    }
    this.input.value = b.name;
    this.graph.centerOn(b);
    if (b.kind === "scope") this.fold(b.name, false);
    else this.on.select(b.name);
  }

  /** focus moves the focus to the search. */
  focus() {
    this.input.focus();
  }

  /** fold folds (or unfolds) one scope, keeping the others as they are. */
  fold(name, folded) {
    const list = this.folded.filter((s) => s !== name);
    if (folded) list.push(name);
    this.on.folded(list);
  }

  /** show fills the search's suggestions and the Fold menu for graph msg. */
  show(msg, folded) {
    this.folded = folded;
    this.names.replaceChildren(...this.graph.names().map((n) => h("option", { value: n })));
    const names = [...new Set([...msg.scopes.map((s) => s.name), ...folded.filter((f) => msg.nodes.some((n) => n.name === f))])].sort();
    const heads = names.filter((n) => /\.head\.\d+$/.test(n));
    const row = (name) =>
      h(
        "label",
        { class: "lab-scopes__row" },
        h("input", { type: "checkbox", checked: folded.includes(name), "data-testid": `scope-${name}`, onchange: (ev) => this.fold(name, ev.target.checked) }),
        h("span", { class: `lab-scopes__name lab-scopes__depth-${Math.min(name.split(".").length, 5)}` }, name),
      );
    this.scopes.replaceChildren(
      h(
        "div",
        { class: "lab-scopes__actions" },
        h("button", { type: "button", class: "btn btn--small", disabled: !heads.length, onclick: () => this.on.folded([...new Set([...folded, ...heads])]) }, "Fold heads"),
        h("button", { type: "button", class: "btn btn--small", disabled: !folded.length, "data-testid": "unfold-all", onclick: () => this.on.folded([]) }, "Unfold all"),
      ),
      ...names.map(row),
    );
  }
}
