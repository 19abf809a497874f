// maps.js: the lab's heatmaps. They are the shared heatmap figure
// (../heatmap.js: cells, tooltips, stats and a table for screen readers)
// with a colour legend, cells marked as masked where an attention mask hides
// a key, a hover readout, and an optional export button.

import { h, s, fmt } from "../dom.js";
import { heatmap, colour } from "../heatmap.js";

/**
 * labMap returns a heatmap figure for view hm. Besides heatmap's options:
 * opts.hidden (rows of booleans) marks cells an attention mask hides,
 * opts.exported() is called by the figure's export button, opts.legend
 * (default true) draws the colour legend.
 */
export function labMap(hm, opts = {}) {
  const fig = heatmap(hm, opts);
  fig.classList.add("lab-map");
  if (opts.hidden) markHidden(fig, hm, opts.hidden);
  const scale = opts.scale || hm;
  const tools = h("div", { class: "lab-map__tools" });
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
  if (tools.childElementCount) fig.querySelector(".heatmap__scroll").after(tools);
  return fig;
}

// markHidden marks the cells where hidden[i][j] is true: the probability
// there is 0 because the mask set the score to −∞ before the softmax.
function markHidden(fig, hm, hidden) {
  const cells = fig.querySelectorAll("rect.heatmap__cell");
  const cols = Math.min(hm.cols, 64);
  cells.forEach((rect, k) => {
    const i = Math.floor(k / cols);
    const j = k % cols;
    if (!(hidden[i] && hidden[i][j])) return;
    rect.classList.add("is-masked");
    const t = rect.querySelector("title");
    if (t) t.textContent += " (masked key)";
  });
}

/**
 * addPatterns puts the page's shared SVG patterns (the hatch of masked
 * cells, which the CSS uses) into the document, once.
 */
export function addPatterns() {
  if (document.getElementById("lab-hatch")) return;
  const svg = s("svg", { class: "lab-defs", width: 0, height: 0, "aria-hidden": "true", focusable: "false" },
    s("defs", {},
      s("pattern", { id: "lab-hatch", width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 5, height: 5, fill: "#eceef2" }),
        s("path", { d: "M0 0V5", stroke: "#aab2be", "stroke-width": 1.6 }),
      ),
    ),
  );
  document.body.append(svg);
}

// legend is a small colour bar from min to max.
function legend(min, max) {
  const id = `lab-grad-${legendID++}`;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const v = min + (max - min) * t;
    return s("stop", { offset: `${t * 100}%`, "stop-color": colour(v, min, max) });
  });
  return h(
    "span",
    { class: "lab-legend-bar", "aria-hidden": "true" },
    h("span", { class: "lab-legend-bar__num" }, fmt(min)),
    s("svg", { width: 64, height: 8, viewBox: "0 0 64 8" }, s("defs", {}, s("linearGradient", { id }, ...stops)), s("rect", { width: 64, height: 8, rx: 2, fill: `url(#${id})` })),
    h("span", { class: "lab-legend-bar__num" }, fmt(max)),
  );
}
let legendID = 0;

/**
 * hoverReadout makes readout show the value under the pointer for every
 * heatmap inside container (now and later).
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

/** sharedScale returns the {min, max} that covers every view of hms. */
export function sharedScale(hms) {
  const ok = hms.filter(Boolean);
  if (!ok.length) return null;
  return { min: Math.min(...ok.map((m) => m.min)), max: Math.max(...ok.map((m) => m.max)) };
}

/** maskView turns an attention mask into a view: 0 where a key is seen, −∞ where hidden. */
export function maskView(mask, rows, cols) {
  const data = new Array(rows * cols).fill(0);
  const masked = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) masked.push(!!(mask && mask[i] && mask[i][j]));
  return { rows, cols, data, masked, min: 0, max: 0, mean: 0, norm: 0 };
}
