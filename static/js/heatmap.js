// heatmap.js draws a tensor view from the server (rows, cols, data,
// masked, min, max) as an SVG grid, with the exact value of each cell in its
// tooltip and, for screen readers and copying, the same numbers as a table.

import { h, s, fmt } from "./dom.js";

const MAX_CELLS = 64; // rows and columns drawn; larger views are cut

// Colours: the maps of viz/colour.go, so that a heatmap on the page and its
// SVG export look the same (a Go test checks the anchors match). Signed
// data gets a diverging map, symmetric around 0 (blue, near-white, red);
// data of one sign a sequential one from its min (pale) to its max (dark
// blue).
const SEQUENTIAL = [[244, 247, 251], [143, 188, 219], [49, 110, 170], [20, 44, 94]];
const DIVERGING = [[38, 84, 160], [129, 170, 214], [247, 246, 243], [231, 140, 120], [168, 34, 44]];

// along returns the colour at t in [0, 1] on ramp, linear between anchors.
function along(ramp, t) {
  t = Number.isNaN(t) ? 0.5 : Math.min(Math.max(t, 0), 1);
  const f = t * (ramp.length - 1);
  const i = Math.min(Math.floor(f), ramp.length - 2);
  const u = f - i;
  const a = ramp[i], b = ramp[i + 1];
  return `rgb(${a.map((x, k) => Math.round(x + u * (b[k] - x))).join(",")})`;
}

/** colour returns the fill of value v on the scale of [min, max]. */
export function colour(v, min, max) {
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max);
    return along(DIVERGING, (v + m) / (2 * m));
  }
  return along(SEQUENTIAL, max > min ? (v - min) / (max - min) : 0.5);
}

/**
 * heatmap returns a figure for view hm. opts.title names it, opts.rowLabels
 * and opts.colLabels label the axes (tokens), opts.testid marks it.
 * opts.cell fixes the cell size in pixels, and opts.scale ({min, max})
 * colours by a range shared with other maps instead of hm's own.
 */
export function heatmap(hm, opts = {}) {
  const rows = Math.min(hm.rows, MAX_CELLS);
  const cols = Math.min(hm.cols, MAX_CELLS);
  const rowLabels = opts.rowLabels || hm.rowLabels || [];
  const colLabels = opts.colLabels || hm.colLabels || [];
  const cell = opts.cell || Math.max(10, Math.min(28, Math.floor(260 / Math.max(cols, 1))));
  const scale = opts.scale || hm;
  const left = rowLabels.length ? 18 : 0;
  const top = colLabels.length ? 16 : 0;
  const svg = s("svg", {
    class: "heatmap__grid",
    width: left + cols * cell,
    height: top + rows * cell,
    viewBox: `0 0 ${left + cols * cell} ${top + rows * cell}`,
    role: "img",
    "aria-label": `${opts.title || "tensor"}: ${hm.rows} by ${hm.cols}`,
  });
  for (let j = 0; j < cols && j < colLabels.length; j++) {
    svg.append(s("text", { class: "heatmap__label", x: left + j * cell + cell / 2, y: 11, "text-anchor": "middle", text: colLabels[j] }));
  }
  for (let i = 0; i < rows; i++) {
    if (i < rowLabels.length) {
      svg.append(s("text", { class: "heatmap__label", x: left - 4, y: top + i * cell + cell / 2 + 4, "text-anchor": "end", text: rowLabels[i] }));
    }
    for (let j = 0; j < cols; j++) {
      const k = i * hm.cols + j;
      const masked = hm.masked && hm.masked[k];
      const v = hm.data[k];
      const rect = s("rect", {
        class: masked ? "heatmap__cell is-masked" : "heatmap__cell",
        x: left + j * cell,
        y: top + i * cell,
        width: cell - 1,
        height: cell - 1,
        fill: masked ? "#d4d8de" : colour(v, scale.min, scale.max),
      });
      rect.append(s("title", { text: `[${i}, ${j}] = ${masked ? "−∞ (masked)" : fmt(v)}` }));
      svg.append(rect);
    }
  }
  const cut = hm.rows > rows || hm.cols > cols;
  return h(
    "figure",
    { class: "heatmap", "data-testid": opts.testid },
    opts.title ? h("figcaption", { class: "heatmap__title" }, opts.title) : null,
    h("div", { class: "heatmap__scroll" }, svg),
    h(
      "p",
      { class: "heatmap__stats" },
      `${hm.rows}×${hm.cols} · min ${fmt(hm.min)} · max ${fmt(hm.max)} · mean ${fmt(hm.mean)} · ‖·‖ ${fmt(hm.norm)}`,
      hm.caption ? ` · ${hm.caption}` : "",
      cut ? ` · first ${rows}×${cols} shown` : "",
    ),
    table(hm, rows, cols, rowLabels, colLabels),
  );
}

// table is the same numbers as text, folded away by default.
function table(hm, rows, cols, rowLabels, colLabels) {
  const head = h("tr", {}, h("th", { scope: "col" }, ""));
  for (let j = 0; j < cols; j++) head.append(h("th", { scope: "col" }, colLabels[j] ?? String(j)));
  const body = h("tbody");
  for (let i = 0; i < rows; i++) {
    const tr = h("tr", {}, h("th", { scope: "row" }, rowLabels[i] ?? String(i)));
    for (let j = 0; j < cols; j++) {
      const k = i * hm.cols + j;
      tr.append(h("td", {}, hm.masked && hm.masked[k] ? "−∞" : fmt(hm.data[k])));
    }
    body.append(tr);
  }
  return h("details", { class: "heatmap__table" }, h("summary", {}, "Numbers"), h("table", {}, h("thead", {}, head), body));
}
