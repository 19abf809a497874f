// chart.js: charts from the server (plot messages: loss curves, error
// histograms, decision regions, drawn with gonum/plot as SVG) shown as
// images, so that their styles stay inside them and the page's content
// security policy needs no inline style. A chart shows at the size the
// server drew it (at most the width of its box), with a button that opens
// it large in a dialog.

import { h } from "./dom.js";

/**
 * chartImage returns an <img> of the chart of plot message p, with
 * data-testid plot-<name> and the size the server drew; attrs adds to or
 * overrides its attributes. The image's object URL is freed once it has
 * loaded.
 */
export function chartImage(p, attrs = {}) {
  const url = URL.createObjectURL(new Blob([p.svg], { type: "image/svg+xml" }));
  const size = svgSize(p.svg);
  const img = h("img", { src: url, alt: `${p.name} chart`, class: "sgw-plot__img", "data-testid": `plot-${p.name}`, width: size?.w, height: size?.h, ...attrs });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  return img;
}

/**
 * chartFigure returns the chart of plot message p as a <figure
 * data-chart=name>: its image (chartImage, with attrs) and a button
 * (data-testid expand-<name>) that opens it large.
 */
export function chartFigure(p, attrs = {}) {
  const img = chartImage(p, attrs);
  const open = h(
    "button",
    { type: "button", class: "btn btn--tiny chart__expand", "data-testid": `expand-${p.name}`, title: `Open the ${p.name} chart large`, "aria-haspopup": "dialog", onclick: () => enlarge(p) },
    "Enlarge",
  );
  return h("figure", { class: "chart", "data-chart": p.name }, img, open);
}

/**
 * plotImage shows the chart of plot message p in container: one figure
 * per chart name, replacing the last one of that name, else added at the
 * end. A plot with an empty svg takes its chart away.
 */
export function plotImage(container, p) {
  const old = container.querySelector(`[data-chart="${p.name}"]`);
  if (!p.svg) {
    if (old) old.remove();
    return;
  }
  const fig = chartFigure(p);
  if (old) old.replaceWith(fig);
  else container.append(fig);
}

// svgSize reads the width and height the server gave its SVG, in pixels.
function svgSize(text) {
  const m = /<svg\b[^>]*?\swidth="([\d.]+)(?:px)?"[^>]*?\sheight="([\d.]+)(?:px)?"/.exec(text);
  return m ? { w: Math.round(Number(m[1])), h: Math.round(Number(m[2])) } : null;
}

// enlarge opens the page's chart dialog (one for the page, made the first
// time) on the chart of plot message p, scaled up to most of the window.
function enlarge(p) {
  let dialog = document.querySelector("dialog.chart-dialog");
  if (!dialog) {
    dialog = h(
      "dialog",
      { class: "chart-dialog", "data-testid": "chart-dialog", "aria-label": "chart" },
      h("form", { method: "dialog", class: "chart-dialog__bar" }, h("span", { class: "chart-dialog__title" }), h("button", { class: "btn btn--small", "data-testid": "chart-close", value: "close" }, "Close")),
      h("div", { class: "chart-dialog__body" }),
    );
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", (ev) => {
      if (ev.target === dialog) dialog.close();
    });
    document.body.append(dialog);
  }
  dialog.querySelector(".chart-dialog__title").textContent = `${p.name} chart`;
  dialog.setAttribute("aria-label", `${p.name} chart`);
  dialog.querySelector(".chart-dialog__body").replaceChildren(chartImage(p, { class: "chart-dialog__img", "data-testid": `plot-${p.name}-large` }));
  if (!dialog.open) dialog.showModal();
}
