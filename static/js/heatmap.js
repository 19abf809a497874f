// heatmap.js: the heatmap component, one drawing of a tensor view from the
// server ({rows, cols, data, masked, min, max, mean, norm, caption, and
// rowAxis, colAxis, rowLabels and colLabels: what the rows and columns are,
// and the names of their entries, as the engine says}). The view becomes
// an SVG grid coloured by viz's maps, with the exact value of each cell in
// its tooltip, the axes named, a colour scale with its min and max, a line
// of statistics, and the same numbers as a table (folded away) for screen
// readers and copying. hoverReadout shows the value under the pointer in a
// line the host places; sharedScale gives several views one colour range.
//
// viz/colour_page_test.go reads this file's SEQUENTIAL and DIVERGING
// anchors, so this module stays at static/js/heatmap.js.

import { h, s, fmt } from "./dom.js";

const MAX_CELLS = 64; // rows and columns drawn; larger views are cut

// Colours: the maps of viz/colour.go, so that a heatmap on the page and its
// SVG export look the same (a Go test checks the anchors match). Signed
// data gets a diverging map, symmetric around 0 (blue, near-white, red);
// data of one sign a sequential one from its min (pale) to its max (dark
// blue). Data that is all zero is neutral: the diverging map's middle, the
// colour 0 has on signed data (viz.Neutral).
const SEQUENTIAL = [[244, 247, 251], [143, 188, 219], [49, 110, 170], [20, 44, 94]];
const DIVERGING = [[38, 84, 160], [129, 170, 214], [247, 246, 243], [231, 140, 120], [168, 34, 44]];
const NEUTRAL = DIVERGING[2];

// along returns the colour at t in [0, 1] on ramp, linear between anchors.
function along(ramp, t) {
  t = Number.isNaN(t) ? 0.5 : Math.min(Math.max(t, 0), 1);
  const f = t * (ramp.length - 1);
  const i = Math.min(Math.floor(f), ramp.length - 2);
  const u = f - i;
  const a = ramp[i], b = ramp[i + 1];
  return `rgb(${a.map((x, k) => Math.round(x + u * (b[k] - x))).join(",")})`;
}

/**
 * scaleOf returns the colour scale of values from min to max, as
 * viz.ScaleOf: {lo, hi, diverging}, symmetric around 0 when the values
 * span it, and of width 0 on the diverging map when they are all zero.
 */
export function scaleOf(min, max) {
  if ((min < 0 && max > 0) || (min === 0 && max === 0)) {
    const m = Math.max(-min, max);
    return { lo: -m, hi: m, diverging: true };
  }
  return { lo: min, hi: max, diverging: false };
}

/** colour returns the fill of value v on the scale of [min, max] (viz.Scale.Color). */
export function colour(v, min, max) {
  const sc = scaleOf(min, max);
  const t = sc.hi > sc.lo ? (v - sc.lo) / (sc.hi - sc.lo) : 0.5;
  return along(sc.diverging ? DIVERGING : SEQUENTIAL, t);
}

/** neutral is the colour of an all-zero map (and of 0 on a diverging one). */
export const neutral = `rgb(${NEUTRAL.join(",")})`;

// allZero reports whether a view's finite cells are all 0.
const allZero = (hm) => hm.min === 0 && hm.max === 0;

/**
 * heatmap returns a <figure> of view hm. Options, all optional:
 *   title      names the map (caption and tooltip);
 *   testid     its data-testid;
 *   attrs      more attributes of the figure (data-kind of an attention map, ...);
 *   rowLabels, colLabels, rowAxis, colAxis  for a view the page builds
 *              itself (an attention mask): the axes of the server's view it
 *              belongs to. A view of the server carries its own, which are
 *              used as they are: the page never computes a label;
 *   cell       the cell size in pixels (else from the number of columns);
 *   scale      {min, max}: colour by a range shared with other maps, not hm's own;
 *   hidden     rows of booleans: the cells an attention mask hides (their
 *              probability is 0 because the score was −∞), hatched;
 *   legend     false leaves out the colour scale (its min and max) that
 *              every map has beside it;
 *   exported() called by an "SVG" button (data-testid <testid>-export); no
 *              button without it.
 * A masked cell of hm (−∞) is hatched too. The figure says in data-rows
 * and data-cols the labels along its axes (comma-joined), in
 * data-row-axis and data-col-axis what the axes are, and in data-all-zero
 * that every cell is 0 (drawn neutral, and said in words).
 */
export function heatmap(hm, opts = {}) {
  addPatterns();
  const rows = Math.min(hm.rows, MAX_CELLS);
  const cols = Math.min(hm.cols, MAX_CELLS);
  const rowLabels = hm.rowLabels || opts.rowLabels || [];
  const colLabels = hm.colLabels || opts.colLabels || [];
  const rowAxis = hm.rowAxis || opts.rowAxis || "";
  const colAxis = hm.colAxis || opts.colAxis || "";
  const cell = opts.cell || Math.max(10, Math.min(28, Math.floor(260 / Math.max(cols, 1))));
  const scale = opts.scale || hm;
  const zero = allZero(scale);
  const hidden = opts.hidden || [];
  const longest = (labels) => Math.max(0, ...labels.slice(0, MAX_CELLS).map((l) => String(l).length));
  const left = rowLabels.length ? Math.max(18, 6 + LABEL_CHAR * longest(rowLabels)) : 0;
  const top = colLabels.length ? 16 : 0;
  // Every k-th column label, so that labels wider than a cell never overlap.
  const every = Math.max(1, Math.ceil((LABEL_CHAR * longest(colLabels) + 2) / cell));
  const svg = s("svg", {
    class: "heatmap__grid",
    width: left + cols * cell,
    height: top + rows * cell,
    viewBox: `0 0 ${left + cols * cell} ${top + rows * cell}`,
    role: "img",
    "aria-label": `${opts.title || "tensor"}: ${hm.rows} by ${hm.cols}${rowAxis ? `, rows ${rowAxis}` : ""}${colAxis ? `, columns ${colAxis}` : ""}${zero ? ", all zero" : ""}`,
  });
  for (let j = 0; j < cols && j < colLabels.length; j += every) {
    svg.append(s("text", { class: "heatmap__label", x: left + j * cell + cell / 2, y: 11, "text-anchor": "middle", text: colLabels[j] }));
  }
  for (let i = 0; i < rows; i++) {
    if (i < rowLabels.length) {
      svg.append(s("text", { class: "heatmap__label", x: left - 4, y: top + i * cell + cell / 2 + 4, "text-anchor": "end", text: rowLabels[i] }));
    }
    for (let j = 0; j < cols; j++) {
      const k = i * hm.cols + j;
      const masked = !!(hm.masked && hm.masked[k]);
      const hides = !!(hidden[i] && hidden[i][j]);
      const v = hm.data[k];
      const rect = s("rect", {
        class: masked || hides ? "heatmap__cell is-masked" : "heatmap__cell",
        x: left + j * cell,
        y: top + i * cell,
        width: cell - 1,
        height: cell - 1,
        fill: masked ? "#d4d8de" : colour(v, scale.min, scale.max),
      });
      const text = masked ? "−∞ (masked)" : `${fmt(v)}${hides ? " (masked key)" : ""}`;
      rect.append(s("title", { text: `[${i}, ${j}] = ${text}${named(rowAxis, rowLabels[i], colAxis, colLabels[j])}` }));
      svg.append(rect);
    }
  }
  const tools = h("div", { class: "heatmap__tools" });
  if (opts.legend !== false) tools.append(legend(scale.min, scale.max));
  if (opts.exported) {
    tools.append(
      h(
        "button",
        { type: "button", class: "btn btn--tiny", title: `Download ${opts.title || "this map"} as SVG`, "data-testid": opts.testid ? `${opts.testid}-export` : null, onclick: opts.exported },
        "SVG",
      ),
    );
  }
  const cut = hm.rows > rows || hm.cols > cols;
  const joined = (labels) => (labels.length ? labels.join(",") : null);
  return h(
    "figure",
    {
      class: zero ? "heatmap is-zero" : "heatmap",
      "data-testid": opts.testid,
      "data-rows": joined(rowLabels),
      "data-cols": joined(colLabels),
      "data-row-axis": rowAxis || null,
      "data-col-axis": colAxis || null,
      "data-all-zero": zero ? "true" : null,
      ...opts.attrs,
    },
    opts.title ? h("figcaption", { class: "heatmap__title" }, opts.title) : null,
    rowAxis || colAxis ? axes(rowAxis, colAxis) : null,
    h("div", { class: "heatmap__scroll" }, svg),
    tools.childElementCount ? tools : null,
    h(
      "p",
      { class: "heatmap__stats" },
      allZero(hm) ? `${hm.rows}×${hm.cols} · all zero` : `${hm.rows}×${hm.cols} · min ${fmt(hm.min)} · max ${fmt(hm.max)} · mean ${fmt(hm.mean)} · ‖·‖ ${fmt(hm.norm)}`,
      hm.caption ? ` · ${hm.caption}` : "",
      cut ? ` · first ${rows}×${cols} shown` : "",
    ),
    table(hm, rows, cols, rowLabels, colLabels, rowAxis, colAxis),
  );
}

// named says which entries a cell is at, where the axes name them:
// " (query b, key c)".
function named(rowAxis, row, colAxis, col) {
  const parts = [];
  if (row !== undefined) parts.push(`${rowAxis || "row"} ${row}`);
  if (col !== undefined) parts.push(`${colAxis || "column"} ${col}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

// LABEL_CHAR is the width of one character of an axis label (10-pixel
// monospace, app.css .heatmap__label), to make room for the labels.
const LABEL_CHAR = 6.1;

// axes names what the rows and the columns are: "rows: query · columns: key".
function axes(rowAxis, colAxis) {
  return h(
    "p",
    { class: "heatmap__axes" },
    rowAxis ? h("span", { class: "heatmap__axis" }, "rows: ", h("strong", {}, rowAxis)) : null,
    rowAxis && colAxis ? " · " : null,
    colAxis ? h("span", { class: "heatmap__axis" }, "columns: ", h("strong", {}, colAxis)) : null,
  );
}

// table is the same numbers as text, folded away by default.
function table(hm, rows, cols, rowLabels, colLabels, rowAxis, colAxis) {
  const corner = rowAxis || colAxis ? `${rowAxis || "row"} \\ ${colAxis || "column"}` : "";
  // The corner names the axes when they are known; else it heads neither
  // a row nor a column, and is no header.
  const head = h("tr", {}, corner ? h("th", { scope: "col" }, corner) : h("td", {}));
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

// legend is the colour scale beside a map: a bar from min to max with the
// two numbers, and 0 marked on a diverging bar; for an all-zero map the
// words "all zero" by a neutral swatch. Its class names are read by the
// Lab's browser tests (the numbers of a shared scale).
function legend(min, max) {
  if (min === 0 && max === 0) {
    return h(
      "span",
      { class: "lab-legend-bar is-zero", "data-testid": "legend" },
      s("svg", { width: 16, height: 8, viewBox: "0 0 16 8", "aria-hidden": "true" }, s("rect", { width: 16, height: 8, rx: 2, fill: neutral, stroke: "#c9ced6" })),
      h("span", { class: "lab-legend-bar__zero" }, "all zero"),
    );
  }
  const id = `sg-legend-${legendID++}`;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => s("stop", { offset: `${t * 100}%`, "stop-color": colour(min + (max - min) * t, min, max) }));
  const zeroAt = min < 0 && max > 0 ? (64 * -min) / (max - min) : -1;
  return h(
    "span",
    { class: "lab-legend-bar", "data-testid": "legend", title: `colour scale from ${fmt(min)} to ${fmt(max)}` },
    h("span", { class: "lab-legend-bar__num" }, fmt(min)),
    s(
      "svg",
      { width: 64, height: 10, viewBox: "0 0 64 10", "aria-hidden": "true" },
      s("defs", {}, s("linearGradient", { id }, ...stops)),
      s("rect", { y: 1, width: 64, height: 8, rx: 2, fill: `url(#${id})` }),
      zeroAt >= 0 ? s("path", { d: `M${zeroAt.toFixed(1)} 0v10`, stroke: "#5b6472", "stroke-width": 1 }) : null,
    ),
    h("span", { class: "lab-legend-bar__num" }, fmt(max)),
  );
}
let legendID = 0;

// addPatterns puts the hatch of masked cells (an SVG pattern, which the CSS
// fills them with) into the document, once.
function addPatterns() {
  if (document.getElementById("sg-hatch")) return;
  const svg = s("svg", { class: "sg-defs", width: 0, height: 0, "aria-hidden": "true", focusable: "false" },
    s("defs", {},
      s("pattern", { id: "sg-hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 5, height: 5, fill: "#eceef2" }),
        s("path", { d: "M0 0V5", stroke: "#aab2be", "stroke-width": 1.6 }),
      ),
    ),
  );
  document.body.append(svg);
}

/**
 * hoverReadout makes readout (a line the host places) show the value under
 * the pointer for every heatmap inside container, now and later.
 */
export function hoverReadout(container, readout) {
  const show = (ev) => {
    const cell = ev.target.closest && ev.target.closest("rect.heatmap__cell");
    if (!cell) return;
    const fig = cell.closest("figure");
    const title = fig ? fig.querySelector(".heatmap__title") : null;
    const t = cell.querySelector("title");
    readout.textContent = `${title ? title.textContent + " " : ""}${t ? t.textContent : ""}`;
    readout.classList.add("is-on");
  };
  container.addEventListener("pointerover", show);
  container.addEventListener("pointerleave", () => readout.classList.remove("is-on"));
}

/** sharedScale returns the {min, max} that covers every view of hms (nulls skipped), or null. */
export function sharedScale(hms) {
  const ok = hms.filter(Boolean);
  if (!ok.length) return null;
  return { min: Math.min(...ok.map((m) => m.min)), max: Math.max(...ok.map((m) => m.max)) };
}
