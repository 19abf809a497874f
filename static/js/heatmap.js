// heatmap.js: the heatmap component, one drawing of a tensor view from the
// server ({rows, cols, data, masked, min, max, mean, norm, caption, and
// rowLabels and colLabels where the server labels the axes with tokens}).
// The view becomes an SVG grid coloured by viz's maps, with the exact value
// of each cell in its tooltip, a line of statistics, and the same numbers
// as a table (folded away) for screen readers and copying. hoverReadout
// shows the value under the pointer in a line the host places; sharedScale
// gives several views one colour range.
//
// viz/colour_page_test.go reads this file's SEQUENTIAL and DIVERGING
// anchors, so this module stays at static/js/heatmap.js.

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
 * heatmap returns a <figure> of view hm. Options, all optional:
 *   title      names the map (caption and tooltip);
 *   testid     its data-testid;
 *   rowLabels, colLabels  label the axes (else hm's own labels, if any);
 *   cell       the cell size in pixels (else from the number of columns);
 *   scale      {min, max}: colour by a range shared with other maps, not hm's own;
 *   hidden     rows of booleans: the cells an attention mask hides (their
 *              probability is 0 because the score was −∞), hatched;
 *   legend     true draws a colour bar from the scale's min to its max;
 *   exported() called by an "SVG" button (data-testid <testid>-export); no
 *              button without it.
 * A masked cell of hm (−∞) is hatched too.
 */
export function heatmap(hm, opts = {}) {
  addPatterns();
  const rows = Math.min(hm.rows, MAX_CELLS);
  const cols = Math.min(hm.cols, MAX_CELLS);
  const rowLabels = opts.rowLabels || hm.rowLabels || [];
  const colLabels = opts.colLabels || hm.colLabels || [];
  const cell = opts.cell || Math.max(10, Math.min(28, Math.floor(260 / Math.max(cols, 1))));
  const scale = opts.scale || hm;
  const hidden = opts.hidden || [];
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
      rect.append(s("title", { text: `[${i}, ${j}] = ${text}` }));
      svg.append(rect);
    }
  }
  const tools = h("div", { class: "heatmap__tools" });
  if (opts.legend) tools.append(legend(scale.min, scale.max));
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
  return h(
    "figure",
    { class: "heatmap", "data-testid": opts.testid },
    opts.title ? h("figcaption", { class: "heatmap__title" }, opts.title) : null,
    h("div", { class: "heatmap__scroll" }, svg),
    tools.childElementCount ? tools : null,
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
  const head = h("tr", {}, h("td", {})); // the corner heads neither a row nor a column
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

// legend is a small colour bar from min to max. Its class names are read
// by the Lab's browser tests (the numbers of a shared scale).
function legend(min, max) {
  const id = `sg-legend-${legendID++}`;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => s("stop", { offset: `${t * 100}%`, "stop-color": colour(min + (max - min) * t, min, max) }));
  return h(
    "span",
    { class: "lab-legend-bar", "aria-hidden": "true" },
    h("span", { class: "lab-legend-bar__num" }, fmt(min)),
    s("svg", { width: 64, height: 8, viewBox: "0 0 64 8" }, s("defs", {}, s("linearGradient", { id }, ...stops)), s("rect", { width: 64, height: 8, rx: 2, fill: `url(#${id})` })),
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
