// cnn-widget.js: the widget for a small convolutional network on images.
// On top of the MLP widget's training and charts it shows what the network
// sees: the stepped image with the class probabilities, and the feature
// maps of the highlighted node, one heatmap per channel, from the server's
// maps message.

import { h } from "./dom.js";
import { heatmap } from "./heatmap.js";
import { MLPWidget } from "./mlp-widget.js";
import { ServerType } from "./protocol.js";

const IMAGES = 512; // training images the stepped graph can show (docs/protocol.md, cnn)
// cellSize gives a map about 120 pixels on its longer side: 10-pixel cells
// for a 12×12 image, larger ones (up to 24) for pooled maps and kernels.
const cellSize = (hm) => Math.max(6, Math.min(24, Math.floor(120 / Math.max(hm.rows, hm.cols, 1))));

export class CNNWidget extends MLPWidget {
  static choices = {
    data: { label: "images", values: ["bars", "crosses", "circles", "shapes", "digits"], def: "bars" },
    pool: { label: "pool", values: ["max", "avg", "none"], def: "max" },
    act: { label: "activation", values: ["relu", "tanh", "sigmoid", "gelu_tanh"], def: "relu" },
  };

  extra() {
    const footer = super.extra();
    this.imageIndex = Number.parseInt(this.spec.options.image ?? "0", 10) || 0;
    const imageButton = (testid, label, delta) =>
      h("button", { type: "button", class: "btn", "data-testid": testid, disabled: true, onclick: () => this.showImage(delta) }, label);
    this.imageButtons = [imageButton("image-prev", "Previous image", -1), imageButton("image-next", "Next image", 1)];
    this.input = h("div", { class: "cnn-input", "data-testid": "cnn-input" }, h("p", { class: "insp__hint" }, "Loading the image…"));
    this.maps = h("div", { class: "cnn-maps", "data-testid": "cnn-maps" });
    this.showNoMaps();
    return h(
      "div",
      { class: "cnn-extra" },
      h("div", { class: "cnn-view" }, h("div", { class: "cnn-side" }, this.input, h("div", { class: "cnn-nav" }, ...this.imageButtons)), this.maps),
      footer,
    );
  }

  /** showImage steps to another training image; the model keeps its weights. */
  showImage(delta) {
    this.imageIndex = (this.imageIndex + delta + IMAGES) % IMAGES;
    this.channel.set("image", String(this.imageIndex));
  }

  setTraining(on) {
    super.setTraining(on);
    for (const b of this.imageButtons) b.disabled = on;
  }

  receiveMore(msg) {
    if (msg.type === ServerType.MAPS) this.showMaps(msg);
    else super.receiveMore(msg);
  }

  showMaps(m) {
    this.imageIndex = m.example;
    if (!this.training) for (const b of this.imageButtons) b.disabled = false;
    const probs = m.probs
      ? h(
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
        )
      : h("p", { class: "insp__hint" }, "Step through the forward pass to the logits to see what the network guesses.");
    this.input.replaceChildren(
      heatmap(m.image, { title: `Image ${this.imageIndex}: ${m.label}`, testid: "cnn-image", cell: cellSize(m.image) }),
      probs,
    );
    if (!m.node) {
      this.showNoMaps();
      return;
    }
    if (!m.channels.length) {
      this.maps.replaceChildren(
        h("h4", { class: "cnn-maps__title" }, m.node),
        h("p", { class: "insp__hint" }, "Not computed yet for this image: step forward to it."),
      );
      return;
    }
    // A kernel [C_out, C_in, k, k] has a picture per pair of channels, a
    // feature map [1, C, H, W] one per channel, in the same order.
    const node = this.graphMsg && this.graphMsg.nodes.find((n) => n.name === m.node);
    const kernel = node && node.kind === "parameter";
    const inputs = kernel ? node.shape[1] : 1;
    const name = (i) => (kernel ? `out ${Math.floor(i / inputs)}, in ${i % inputs}` : `channel ${i}`);
    const group = (title, maps, testid) => {
      const scale = { min: Math.min(...maps.map((x) => x.min)), max: Math.max(...maps.map((x) => x.max)) };
      return h(
        "div",
        { class: "cnn-maps__group", "data-testid": testid },
        h("h4", { class: "cnn-maps__title" }, title),
        h("div", { class: "cnn-maps__row" }, ...maps.map((x, i) => heatmap(x, { title: name(i), cell: cellSize(x), scale }))),
      );
    };
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const count = kernel ? `${plural(node.shape[0], "kernel")} × ${plural(inputs, "input channel")}` : plural(m.channels.length, "channel");
    const parts = [group(`${m.node}: ${count} on one colour scale`, m.channels, "cnn-channels")];
    if (m.grads.length) parts.push(group(`Gradient ∂L/∂${m.node}`, m.grads, "cnn-grads"));
    this.maps.replaceChildren(...parts);
  }

  showNoMaps() {
    this.maps.replaceChildren(
      h("h4", { class: "cnn-maps__title" }, "Feature maps"),
      h("p", { class: "insp__hint" }, "Step to a convolution, activation or pool node, or click one (or a kernel such as convs.0.w), to see its channels side by side."),
    );
  }
}
