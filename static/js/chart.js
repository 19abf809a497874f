// chart.js: charts from the server (plot messages: loss curves, error
// histograms, decision regions, drawn with gonum/plot as SVG) shown as
// images, so that their styles stay inside them and the page's content
// security policy needs no inline style.

import { h } from "./dom.js";

/**
 * chartImage returns an <img> of the chart of plot message p, with
 * data-testid plot-<name>; attrs adds to or overrides its attributes. The
 * image's object URL is freed once it has loaded.
 */
export function chartImage(p, attrs = {}) {
  const url = URL.createObjectURL(new Blob([p.svg], { type: "image/svg+xml" }));
  const img = h("img", { src: url, alt: `${p.name} chart`, class: "sgw-plot__img", "data-testid": `plot-${p.name}`, ...attrs });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  return img;
}

/**
 * plotImage shows the chart of plot message p in container: one image per
 * chart name, replacing the last one of that name, else added at the end.
 */
export function plotImage(container, p) {
  const img = chartImage(p);
  const old = container.querySelector(`[data-testid="plot-${p.name}"]`);
  if (old) old.replaceWith(img);
  else container.append(img);
}
