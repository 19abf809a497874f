// attention.js: the lab's attention panel. For the chosen attention layer
// (an encoder-decoder has self- and cross-attention layers apart) it shows
// every head, or one, as three maps: the scores QKᵀ/√d before the softmax,
// the mask (−∞ where a key is hidden from a query) and the probabilities.
// Rows are queries, columns keys, labelled with the tokens the server's
// heatmaps name (the source's on both axes of an encoder-decoder's
// encoder, along the keys of cross-attention): the page never works out
// which sequence an axis reads.
//
// Every map says its layer's kind (data-kind: self, masked-self or
// cross) and its labels (data-rows, data-cols). A head's card has the
// data-testid attention-<l>-<head> (l counts the layers of the message),
// inside a wrapper attention-<kind>-<layer>-<head> (the layer's number in
// its stack), which tells a decoder layer's masked self-attention and
// cross-attention apart by their kind.

import { h } from "../dom.js";
import { heatmap, hoverReadout, sharedScale } from "../heatmap.js";
import { MaskEditor } from "../mask-editor.js";

export class AttentionPanel {
  /**
   * el is the panel's pane; ctx.select(name) inspects a node;
   * ctx.mask(attention, fields) sends a mask edit (mask-editor.js).
   */
  constructor(el, ctx) {
    this.el = el;
    this.ctx = ctx;
    this.masks = new MaskEditor((attention, fields) => ctx.mask(attention, fields));
    this.msg = null;
    this.layer = 0; // index into msg.layers
    this.head = "all"; // or a head number
    this.shared = false;
    this.readout = h("p", { class: "lab-readout", "aria-hidden": "true" });
    this.bar = h("div", { class: "attn-bar" });
    this.body = h("div", { class: "attn-body" }, h("p", { class: "lab-hint" }, "Every head's scores, mask and probabilities appear here."));
    this.el.replaceChildren(h("h2", { class: "lab-pane__title" }, "Attention"), this.bar, this.body, this.readout);
    hoverReadout(this.body, this.readout);
    let width = 0;
    new ResizeObserver(() => {
      if (this.msg && Math.abs(this.el.clientWidth - width) > 8) {
        width = this.el.clientWidth;
        this.render();
      }
    }).observe(this.el);
  }

  /** show renders an attention message. */
  show(msg) {
    const before = this.msg && this.msg.layers[this.layer];
    this.msg = msg;
    // Keep the chosen layer across updates when it still exists.
    const same = before ? msg.layers.findIndex((l) => l.name === before.name) : -1;
    this.layer = same >= 0 ? same : Math.min(this.layer, Math.max(msg.layers.length - 1, 0));
    const heads = msg.layers[this.layer] ? msg.layers[this.layer].heads.length : 0;
    if (this.head !== "all" && this.head >= heads) this.head = "all";
    this.render();
  }

  render() {
    const msg = this.msg;
    if (!msg || !msg.layers.length) {
      this.bar.replaceChildren();
      this.body.replaceChildren(h("p", { class: "lab-hint" }, "This model has no attention."));
      return;
    }
    this.renderBar();
    const layer = msg.layers[this.layer];
    const heads = layer.heads.filter((hd) => this.head === "all" || hd.head === this.head);
    const { cell, stacked } = this.fit(size(layer).keys);
    const scoreScale = this.shared ? sharedScale(layer.heads.map((hd) => hd.scores)) : null;
    const probScale = this.shared ? { min: 0, max: 1 } : null;
    const cards = heads.map((hd) => this.card(layer, hd, cell, stacked, scoreScale, probScale));
    const what = {
      cross: "cross-attention: queries from the decoder, keys and values from the encoder's output",
      "masked-self": "masked self-attention: each token sees itself and the tokens before it",
      self: "self-attention: every token sees every token",
    }[layer.kind];
    const edited = layer.edited ? ` Its mask is edited: ${maskText(layer)}.` : "";
    this.body.replaceChildren(
      h("p", { class: "attn-caption" }, h("strong", {}, layer.name), ` · ${what}.${edited} Rows are queries, columns keys.`),
      h("div", { class: "attn-cards" }, ...cards),
      this.masks.render(layer),
    );
  }

  renderBar() {
    const msg = this.msg;
    const tabs = msg.layers.map((l, i) =>
      h(
        "button",
        {
          type: "button",
          class: i === this.layer ? "seg__btn is-on" : "seg__btn",
          "aria-pressed": String(i === this.layer),
          "data-testid": `attention-layer-${i}`,
          title: l.name,
          onclick: () => {
            this.layer = i;
            this.render();
          },
        },
        layerLabel(l, msg.layers),
      ),
    );
    const heads = msg.layers[this.layer].heads;
    const select = h(
      "select",
      {
        class: "lab-input lab-input--small",
        "data-testid": "attention-head",
        "aria-label": "heads to show",
        onchange: (ev) => {
          this.head = ev.target.value === "all" ? "all" : Number(ev.target.value);
          this.render();
        },
      },
      h("option", { value: "all", selected: this.head === "all" }, `All ${heads.length} heads`),
      ...heads.map((hd) => h("option", { value: String(hd.head), selected: this.head === hd.head }, `Head ${hd.head}`)),
    );
    const scale = h(
      "button",
      {
        type: "button",
        class: this.shared ? "btn btn--small is-on" : "btn btn--small",
        "aria-pressed": String(this.shared),
        title: "Colour every head's scores on one scale",
        onclick: () => {
          this.shared = !this.shared;
          this.render();
        },
      },
      "Shared",
    );
    this.bar.replaceChildren(h("div", { class: "seg seg--wrap", role: "group", "aria-label": "attention layer" }, ...tabs), h("div", { class: "attn-bar__end" }, select, scale));
  }

  // fit sizes the cells so that a head's three maps stand side by side in
  // its card (each map has an 18-pixel column of row labels; the columns
  // are 10 pixels apart), or one per row when the sequence is too long for
  // cells of at least 9 pixels.
  fit(cols) {
    const inner = Math.max(this.el.clientWidth - 28 - 22, 180); // less the pane's and the card's padding
    const three = Math.floor(((inner - 2 * 10) / 3 - 18) / Math.max(cols, 1));
    if (three >= 9) return { cell: Math.min(three, 24), stacked: false };
    return { cell: Math.max(6, Math.min(24, Math.floor((inner - 18) / Math.max(cols, 1)))), stacked: true };
  }

  card(layer, hd, cell, stacked, scoreScale, probScale) {
    const i = this.layer;
    const base = `attention-${i}-${hd.head}`;
    const probsNode = `${layer.name}.head.${hd.head}.probs`;
    // The server's heatmaps label their axes; the mask, which the page
    // draws from the message's booleans, takes the labels of its head's.
    const named = hd.scores || hd.probs || {};
    const dims = size(layer);
    const attrs = { "data-kind": layer.kind, "data-layer": layer.name };
    const title = h(
      "div",
      { class: "attn-card__head" },
      h("button", { type: "button", class: "linkish", title: `Inspect ${probsNode}`, onclick: () => this.ctx.select(probsNode) }, `Head ${hd.head}`),
      h("span", { class: "lab-muted" }, `${dims.queries} queries × ${dims.keys} keys`),
    );
    const maps = [];
    if (hd.scores) maps.push(heatmap(hd.scores, { cell, title: "Scores", testid: `${base}-scores`, scale: scoreScale, attrs }));
    const mask = hd.mask || (hd.probs && !layer.causal ? [] : null);
    if (mask) {
      const view = maskView(hd.mask, dims.queries, dims.keys);
      maps.push(heatmap(view, { cell, title: "Mask", testid: `${base}-mask`, legend: false, rowLabels: named.rowLabels, colLabels: named.colLabels, rowAxis: named.rowAxis, colAxis: named.colAxis, attrs }));
    }
    if (hd.probs) {
      maps.push(heatmap(hd.probs, { cell, title: "Probabilities", testid: `${base}-probs`, scale: probScale, hidden: hd.mask, attrs }));
    }
    if (!hd.probs) maps.push(h("p", { class: "attn-card__pending" }, "Not computed yet in this run: press Next step until ", h("code", {}, probsNode), " runs."));
    const card = h(
      "div",
      { class: hd.probs ? "attn-card" : "attn-card is-pending", "data-testid": base, "data-layer": layer.name, "data-kind": layer.kind, "data-head": String(hd.head) },
      title,
      h("div", { class: stacked ? "attn-card__maps is-stacked" : "attn-card__maps" }, ...maps),
    );
    return h("div", { class: "attn-card-wrap", "data-testid": `attention-${layer.kind}-${layer.layer}-${hd.head}` }, card);
  }

  /** hidden returns the mask of a probabilities node's head, or null. */
  hidden(name) {
    const m = /^(.*)\.head\.(\d+)\.probs$/.exec(name);
    if (!m || !this.msg) return null;
    const layer = this.msg.layers.find((l) => l.name === m[1]);
    const hd = layer && layer.heads.find((x) => x.head === Number(m[2]));
    return hd && hd.mask ? hd.mask : null;
  }
}

// size returns the queries and keys of a layer's maps: the shape of a
// head's heatmap, or of its mask before the head has run.
function size(layer) {
  for (const hd of layer.heads) {
    const v = hd.scores || hd.probs;
    if (v) return { queries: v.rows, keys: v.cols };
  }
  const m = layer.heads.length && layer.heads[0].mask;
  return m && m.length ? { queries: m.length, keys: m[0].length } : { queries: 0, keys: 0 };
}

// maskView turns an attention mask into a view: 0 where a key is seen, −∞ where hidden.
function maskView(mask, rows, cols) {
  const data = new Array(rows * cols).fill(0);
  const masked = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) masked.push(!!(mask && mask[i] && mask[i][j]));
  return { rows, cols, data, masked, min: 0, max: 0, mean: 0, norm: 0 };
}

// maskText says which mask an edited layer uses.
function maskText(layer) {
  return {
    causal: "causal",
    padding: `padding, keys from position ${layer.length} on blocked`,
    none: "none, every query reads every key",
    custom: "a pattern of your own",
  }[layer.preset] || layer.preset;
}

// layerLabel names a layer for its tab: "Layer 0", "Enc 0 · self",
// "Dec 0 · masked self", "Dec 0 · cross".
function layerLabel(l, all) {
  const stack = l.name.startsWith("enc.") ? "Enc " : l.name.startsWith("dec.") ? "Dec " : "Layer ";
  const kinds = new Set(all.map((x) => x.kind));
  if (kinds.size === 1 && stack === "Layer ") return `Layer ${l.layer}`;
  return `${stack}${l.layer} · ${l.kind.replace("-", " ")}`;
}
