// mask-editor.js: the mask editor of an attention layer, shared by the
// lab's attention panel and the attention lesson widget. It draws the
// layer's mask as a grid of buttons, one per (query, key) cell, with the
// query tokens along the rows and the key tokens along the columns, and a
// preset select: causal, padding (with the padded length), none, and
// "custom" once the cells match no preset. A click (or Enter, Space) on a
// cell asks the server to block or allow that key for that query; the
// server recomputes the run and answers with new maps, so the grid always
// draws what the server holds. One mask serves every head of the layer.
//
// Test ids: mask-cell-<row>-<col> (aria-pressed="true" when the key is
// blocked), mask-preset, mask-length. The arrow keys move between cells
// (one cell is in the tab order at a time).

import { h } from "./dom.js";

/**
 * MaskEditor keeps the focus and the chosen padded length across the
 * re-renders of its panel. edit(attention, fields) sends a mask request.
 */
export class MaskEditor {
  constructor(edit) {
    this.edit = edit;
    this.shown = new Map(); // the editor last drawn, per layer
    this.lengths = new Map(); // padded length chosen per layer
  }

  /** render returns the editor of one layer of an attention message. */
  render(layer) {
    const rows = layer.queries || [];
    const cols = layer.keys || [];
    const tq = rows.length;
    const tk = cols.length;
    if (!tq || !tk) return h("p", { class: "mask-ed__hint" }, "The mask editor needs the layer's tokens.");
    const blocked = (i, j) => {
      const m = layer.heads.length && layer.heads[0].mask;
      return !!(m && m[i] && m[i][j]);
    };
    // A keyboard (or pointer) user on a cell of the editor this one
    // replaces keeps the focus on the same cell.
    const old = this.shown.get(layer.name);
    const focused = old && old.isConnected && old.contains(document.activeElement) ? document.activeElement : null;
    const had = focused && focused.dataset.row !== undefined ? { row: Number(focused.dataset.row), col: Number(focused.dataset.col) } : null;
    const active = had ? { row: Math.min(had.row, tq - 1), col: Math.min(had.col, tk - 1) } : { row: 0, col: 0 };
    const grid = h("table", { class: "mask-ed__grid", "data-testid": "mask-grid" });
    grid.append(
      h("caption", { class: "visually-hidden" }, `Mask of ${layer.name}: rows are queries, columns keys; a pressed cell blocks that key for that query`),
      h("tr", {}, h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "query \\ key")), ...cols.map((k, j) => h("th", { scope: "col", class: "mask-ed__key" }, tokenText(k, j)))),
    );
    for (let i = 0; i < tq; i++) {
      const tr = h("tr", {}, h("th", { scope: "row", class: "mask-ed__query" }, tokenText(rows[i], i)));
      for (let j = 0; j < tk; j++) {
        const b = blocked(i, j);
        const btn = h(
          "button",
          {
            type: "button",
            class: b ? "mask-ed__cell is-blocked" : "mask-ed__cell",
            "data-testid": `mask-cell-${i}-${j}`,
            "data-row": String(i),
            "data-col": String(j),
            "aria-pressed": String(b),
            "aria-label": `block key ${tokenName(cols[j], j)} for query ${tokenName(rows[i], i)}`,
            title: `query ${tokenName(rows[i], i)}, key ${tokenName(cols[j], j)}: ${b ? "blocked (−∞), click to allow" : "allowed, click to block"}`,
            tabindex: i === active.row && j === active.col ? "0" : "-1",
            onclick: () => this.edit(layer.name, { row: i, col: j, allowed: b }),
            onkeydown: (ev) => this.move(ev, grid, i, j, tq, tk),
          },
          b ? "−∞" : "✓",
        );
        tr.append(h("td", {}, btn));
      }
      grid.append(tr);
    }
    const length = this.lengths.get(layer.name) || layer.length || Math.max(tk - 1, 1);
    const lengthInput = h("input", {
      type: "number",
      class: "input input--small mask-ed__length",
      min: "1",
      max: String(tk),
      value: String(length),
      "data-testid": "mask-length",
      "aria-label": "padded length: keys from this position on are padding",
      onchange: (ev) => {
        const n = Math.round(Number(ev.target.value));
        if (!(n >= 1 && n <= tk)) return;
        this.lengths.set(layer.name, n);
        if (layer.preset === "padding") this.edit(layer.name, { preset: "padding", length: n });
      },
    });
    const presets = [
      ["causal", "Causal"],
      ["padding", "Padding"],
      ["none", "None"],
    ];
    if (layer.preset === "custom") presets.push(["custom", "Custom"]);
    const select = h(
      "select",
      {
        class: "select select--small",
        "data-testid": "mask-preset",
        "aria-label": `mask preset of ${layer.name}`,
        onchange: (ev) => {
          const preset = ev.target.value;
          if (preset === "custom") return;
          const fields = { preset };
          if (preset === "padding") fields.length = Number(lengthInput.value) || length;
          this.edit(layer.name, fields);
        },
      },
      ...presets.map(([v, label]) => h("option", { value: v, selected: layer.preset === v }, label)),
    );
    const el = h(
      "div",
      { class: "mask-ed", "data-testid": "mask-editor", "data-layer": layer.name, "data-preset": layer.preset || "", "data-edited": String(!!layer.edited) },
      h(
        "div",
        { class: "mask-ed__bar" },
        h("span", { class: "mask-ed__title" }, "Mask", layer.edited ? h("span", { class: "mask-ed__badge" }, "edited") : null),
        h("label", { class: "mask-ed__field" }, "Preset ", select),
        h("label", { class: "mask-ed__field" }, "Padded length ", lengthInput),
      ),
      h("p", { class: "mask-ed__hint" }, `One mask for every head of this attention. A blocked key gets −∞ before the softmax, so its probability is 0 and the row renormalises over the keys left.`),
      h("div", { class: "mask-ed__scroll" }, grid),
    );
    if (had) {
      queueMicrotask(() => {
        const cell = grid.querySelector(`[data-row="${active.row}"][data-col="${active.col}"]`);
        if (cell && cell.isConnected) cell.focus();
      });
    }
    this.shown.set(layer.name, el);
    return el;
  }

  // move handles the arrow keys, Home and End on a cell.
  move(ev, grid, i, j, tq, tk) {
    const to = {
      ArrowUp: [i - 1, j],
      ArrowDown: [i + 1, j],
      ArrowLeft: [i, j - 1],
      ArrowRight: [i, j + 1],
      Home: [i, 0],
      End: [i, tk - 1],
    }[ev.key];
    if (!to) return;
    ev.preventDefault();
    const [r, c] = [Math.max(0, Math.min(tq - 1, to[0])), Math.max(0, Math.min(tk - 1, to[1]))];
    const next = grid.querySelector(`[data-row="${r}"][data-col="${c}"]`);
    if (!next) return;
    for (const b of grid.querySelectorAll(".mask-ed__cell")) b.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

// tokenText is a token as drawn at the head of its row or column.
function tokenText(t, i) {
  return t === undefined || t === "" ? String(i) : t;
}

// tokenName names a token and its position for a label: "“b” (2)".
function tokenName(t, i) {
  return t === undefined || t === "" ? `at ${i}` : `“${t}” (${i})`;
}
