// cnn.js: the lesson widget of a small convolutional network on images.
// Besides the MLP's options and training card it shows what the network
// sees, from the server's maps message: the stepped image with the class
// probabilities, buttons to step to another training image, and the
// highlighted node's feature maps (or kernels), one heatmap per channel on
// one colour scale. Its options are one control per row of the cnn option
// table (knobs.js); the output-size formula of every layer, filled in
// with the current numbers, comes with each maps message.

import { h } from "../dom.js";
import { heatmap, sharedScale } from "../heatmap.js";
import { ServerType } from "../protocol.js";
import { WidgetFrame } from "./frame.js";
import { METRICS, footer } from "./mlp.js";

const RUN_STEPS = 600; // a run's length unless the learner sets another (docs/protocol.md, train)
const IMAGES = 512; // training images the stepped graph can show (docs/protocol.md, cnn)
// cellSize gives a map about 120 pixels on its longer side: 10-pixel cells
// for a 12×12 image, larger ones (up to 24) for pooled maps and kernels.
const cellSize = (hm) => Math.max(6, Math.min(24, Math.floor(120 / Math.max(hm.rows, hm.cols, 1))));

/** mountCNN turns placeholder root into a cnn widget. */
export function mountCNN(root, client, spec) {
  const f = new WidgetFrame(root, client, spec);
  let image = Number.parseInt(spec.options.image ?? "0", 10) || 0;
  let training = false;
  const imageButton = (testid, label, delta) =>
    h("button", {
      type: "button",
      class: "btn",
      "data-testid": testid,
      disabled: true,
      onclick: () => {
        // Another training image; the model keeps its weights.
        image = (image + delta + IMAGES) % IMAGES;
        f.channel.set("image", String(image));
      },
    }, label);
  const buttons = [imageButton("image-prev", "Previous image", -1), imageButton("image-next", "Next image", 1)];
  const input = h("div", { class: "cnn-input", "data-testid": "cnn-input" }, h("p", { class: "insp__hint" }, "Loading the image…"));
  const maps = h("div", { class: "cnn-maps", "data-testid": "cnn-maps" });
  const sizes = h("div", { class: "cnn-sizes", "data-testid": "cnn-sizes", "aria-live": "polite" });
  const slide = new KernelSlide();
  const knobs = f.knobs();
  const card = f.train({
    metrics: METRICS,
    steps: RUN_STEPS,
    change: (on) => {
      training = on;
      for (const b of buttons) b.disabled = on;
    },
  });
  f.add(h("div", { class: "cnn-view" }, h("div", { class: "cnn-side" }, input, h("div", { class: "cnn-nav" }, ...buttons)), maps), slide.el, sizes, footer(knobs, card));
  noMaps(maps);

  f.on(ServerType.MAPS, (m) => {
    image = m.example;
    knobs.accept({ image: String(image) });
    showSizes(sizes, m.sizes || []);
    slide.show(m.slide);
    if (!training) for (const b of buttons) b.disabled = false;
    input.replaceChildren(heatmap(m.image, { title: `Image ${image}: ${m.label}`, testid: "cnn-image", cell: cellSize(m.image) }), probs(m));
    showMaps(maps, m, f.graphMsg);
  });
  return f;
}

// showSizes fills in the output-size formula of every convolution layer
// (the maps message's sizes): the side of its feature maps before and
// after the pool, and their shape.
function showSizes(el, sizes) {
  const floor = (num, den) => `⌊(${num}) / ${den}⌋ + 1`;
  el.replaceChildren(
    h("h4", { class: "cnn-maps__title" }, "Output size: out = ⌊(in + 2·pad − kernel) / stride⌋ + 1, then the pool"),
    h(
      "ol",
      { class: "cnn-sizes__list" },
      ...sizes.map((s) => {
        const parts = [
          h("span", { class: "cnn-sizes__name" }, `convs.${s.layer}`),
          ` conv: ${floor(`${s.in} + 2·${s.pad} − ${s.kernel}`, s.stride)} = `,
          h("strong", {}, String(s.conv)),
        ];
        if (s.pool > 0) parts.push(`; pool: ${floor(`${s.conv} − ${s.pool}`, s.pool)} = `, h("strong", {}, String(s.out)));
        parts.push(` → feature maps ${s.channels} × ${s.out} × ${s.out}`);
        return h(
          "li",
          { "data-testid": `cnn-size-${s.layer}`, "data-conv": String(s.conv), "data-out": String(s.out), "data-channels": String(s.channels) },
          ...parts,
        );
      }),
    ),
  );
}

// probs lists the network's probability for each class, once the logits
// are computed.
function probs(m) {
  if (!m.probs) return h("p", { class: "insp__hint" }, "Press Next step until the logits are computed to see what the network guesses.");
  return h(
    "ul",
    { class: "cnn-probs", "data-testid": "cnn-probs", "aria-label": "the network's probability for each class" },
    ...m.classes.map((name, k) =>
      h(
        "li",
        { class: name === m.label ? "is-label" : null },
        h("span", { class: "cnn-probs__name" }, name),
        h("meter", { min: 0, max: 1, value: m.probs[k], "aria-label": `probability of ${name}` }),
        h("span", { class: "cnn-probs__value" }, `${(100 * m.probs[k]).toFixed(1)}%`),
      ),
    ),
  );
}

// showMaps draws the highlighted node's channels (and their gradients) of
// maps message m; graph is the graph message, which gives a kernel's shape.
function showMaps(el, m, graph) {
  if (!m.node) {
    noMaps(el);
    return;
  }
  if (!m.channels.length) {
    el.replaceChildren(h("h4", { class: "cnn-maps__title" }, m.node), h("p", { class: "insp__hint" }, "Not computed yet for this image: press Next step until it is."));
    return;
  }
  // A kernel [C_out, C_in, k, k] has a picture per pair of channels, a
  // feature map [1, C, H, W] one per channel, in the same order.
  const node = graph && graph.nodes.find((n) => n.name === m.node);
  const kernel = node && node.kind === "parameter";
  const inputs = kernel ? node.shape[1] : 1;
  const name = (i) => (kernel ? `out ${Math.floor(i / inputs)}, in ${i % inputs}` : `channel ${i}`);
  const group = (title, views, testid) => {
    const scale = sharedScale(views);
    return h(
      "div",
      { class: "cnn-maps__group", "data-testid": testid },
      h("h4", { class: "cnn-maps__title" }, title),
      h("div", { class: "cnn-maps__row" }, ...views.map((x, i) => heatmap(x, { title: name(i), cell: cellSize(x), scale }))),
    );
  };
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const count = kernel ? `${plural(node.shape[0], "kernel")} × ${plural(inputs, "input channel")}` : plural(m.channels.length, "channel");
  const parts = [group(`${m.node}: ${count} on one colour scale`, m.channels, "cnn-channels")];
  if (m.grads.length) parts.push(group(`Gradient ∂L/∂${m.node}`, m.grads, "cnn-grads"));
  el.replaceChildren(...parts);
}

function noMaps(el) {
  el.replaceChildren(
    h("h4", { class: "cnn-maps__title" }, "Feature maps"),
    h("p", { class: "insp__hint" }, "Step to a convolution, activation or pool node, or click one (or a kernel such as convs.0.w), to see its channels side by side."),
  );
}

// KernelSlide animates the first convolution's kernel sliding over the
// padded image (the maps message's slide): the window of the highlighted
// output cell, and its multiply-add as the server computed it, term by
// term. Play moves the window one output cell at a time; Next cell moves
// it once. The page only indexes the server's numbers; it adds nothing.
class KernelSlide {
  constructor() {
    this.playButton = h("button", { type: "button", class: "btn", "data-testid": "slide-play", "aria-pressed": "false", onclick: () => this.play() }, "Play");
    this.cellText = h("span", { "data-testid": "slide-cell" });
    this.body = h("div", {});
    this.el = h(
      "div",
      { class: "cnn-slide", "data-testid": "cnn-slide", hidden: true },
      h("h4", { class: "cnn-maps__title" }, "One kernel sliding over the image: convs.0.conv, output channel 0"),
      h(
        "div",
        { class: "cnn-slide__bar" },
        this.playButton,
        h("button", { type: "button", class: "btn", "data-testid": "slide-next", onclick: () => this.next() }, "Next cell"),
        this.cellText,
      ),
      this.body,
    );
    this.cell = 0; // the highlighted output cell, row-major
    this.timer = null;
    this.data = null;
  }

  show(slide) {
    this.data = slide || null;
    if (!this.data) {
      this.pause();
      this.el.hidden = true;
      this.body.replaceChildren();
      return;
    }
    if (this.cell >= this.data.sums.length) this.cell = 0;
    this.el.hidden = false;
    this.draw();
  }

  play() {
    if (this.timer) return this.pause();
    this.timer = setInterval(() => this.next(), 700);
    this.draw();
  }

  pause() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.data) this.draw();
  }

  next() {
    if (!this.data) return;
    this.cell = (this.cell + 1) % this.data.sums.length;
    this.draw();
  }

  draw() {
    const d = this.data;
    const wo = d.output.cols;
    const r = Math.floor(this.cell / wo);
    const c = this.cell % wo;
    const k = d.kernel;
    const top = d.stride * r;
    const left = d.stride * c;
    const inWindow = (i, j) => i >= top && i < top + k && j >= left && j < left + k;
    const isPad = (i, j) => i < d.pad || j < d.pad || i >= d.padded.rows - d.pad || j >= d.padded.cols - d.pad;
    const grid = (hm, cls, testid) =>
      h(
        "div",
        { class: "cnn-slide__grid", "data-testid": testid, "data-cols": String(hm.cols) },
        ...Array.from({ length: hm.rows }, (_, i) =>
          h("div", { class: "cnn-slide__row" }, ...Array.from({ length: hm.cols }, (_, j) => h("span", { class: cls(i, j) }, hm.data[i * hm.cols + j].toFixed(1)))),
        ),
      );
    const terms = d.terms[this.cell];
    const parts = [];
    for (let u = 0; u < k; u++) {
      for (let v = 0; v < k; v++) {
        const w = d.weight.data[u * k + v];
        const p = d.padded.data[(top + u) * d.padded.cols + left + v];
        parts.push(h("li", {}, `${fmtNum(w)} × ${fmtNum(p)} = ${fmtNum(terms[u * k + v])}`));
      }
    }
    const sum = d.sums[this.cell];
    this.playButton.textContent = this.timer ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", this.timer ? "true" : "false");
    this.cellText.dataset.r = String(r);
    this.cellText.dataset.c = String(c);
    this.cellText.textContent = `output cell (${r}, ${c}): window at rows ${top}–${top + k - 1}, columns ${left}–${left + k - 1} of the padded image`;
    this.body.replaceChildren(
      h(
        "div",
        { class: "cnn-slide__view" },
        h("figure", {}, h("figcaption", {}, `image padded with ${d.pad} zero${d.pad === 1 ? "" : "s"}`), grid(d.padded, (i, j) => [inWindow(i, j) ? "is-window" : "", isPad(i, j) ? "is-pad" : ""].join(" ").trim() || null, "slide-padded")),
        h("figure", {}, h("figcaption", {}, `kernel ${k}×${k}, stride ${d.stride}`), grid(d.weight, () => "is-window", "slide-weight")),
        h("figure", {}, h("figcaption", {}, "output"), grid(d.output, (i, j) => (i === r && j === c ? "is-cell" : null), "slide-output")),
      ),
      h(
        "div",
        { class: "cnn-slide__sum", "aria-live": this.timer ? "off" : "polite" },
        h("p", {}, `Y[${r}, ${c}] = b + Σ W[u, v] · P[${d.stride}·${r} + u, ${d.stride}·${c} + v], with b = ${fmtNum(d.bias)}:`),
        h("ol", { class: "cnn-slide__terms", "data-testid": "slide-terms" }, ...parts),
        h("p", {}, "Sum with the bias: ", h("strong", { "data-testid": "slide-sum", "data-value": String(sum) }, fmtNum(sum)), `; the engine's convs.0.conv holds ${fmtNum(d.output.data[this.cell])} there.`),
      ),
    );
  }
}

// fmtNum writes a number of the slide with four significant digits.
const fmtNum = (x) => (Math.abs(x) >= 1e-4 || x === 0 ? Number(x.toPrecision(4)).toString() : x.toExponential(2));
