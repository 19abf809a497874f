// attention.js: the lesson widget of a small transformer. Under the frame:
// a training card, and each attention head's map of probabilities (rows
// are queries, columns keys), from the server's attention message, which
// labels both axes. Each head's box has the data-testid
// attention-<layer name>-head-<head>, inside a wrapper
// attention-<kind>-<layer>-<head>; its map says its layer's kind
// (data-kind) and labels (data-rows, data-cols). With the block option
// `mask: edit`, each layer has the shared mask editor under its heads.

import { h, fmt, pct } from "../dom.js";
import { heatmap } from "../heatmap.js";
import { MaskEditor } from "../mask-editor.js";
import { ServerType } from "../protocol.js";
import { WidgetFrame } from "./frame.js";

const METRICS = [
  { key: "step", label: "training steps", get: (m) => m.step },
  { key: "loss", label: "loss", get: (m) => m.values.loss, format: fmt },
  { key: "accuracy", label: "accuracy", get: (m) => m.values.accuracy, format: pct },
];

// RUN_STEPS is a run's length unless the learner sets another (docs/protocol.md, train).
const RUN_STEPS = 1500;

/** mountAttention turns placeholder root into an attention widget. */
export function mountAttention(root, client, spec) {
  const f = new WidgetFrame(root, client, spec);
  const card = f.train({ metrics: METRICS, steps: RUN_STEPS });
  const maps = h("div", { class: "sgw-attention", "data-testid": "attention" }, h("p", { class: "insp__hint" }, "Attention maps appear here as the heads compute them."));
  f.add(h("div", { class: "sgw-footer" }, card.el, maps));
  const editor = spec.options && spec.options.mask === "edit" ? new MaskEditor((attention, fields) => f.channel.mask(attention, fields)) : null;
  f.on(ServerType.ATTENTION, (msg) => maps.replaceChildren(...msg.layers.map((l) => layerMaps(l, editor))));
  return f;
}

// layerMaps shows one layer's heads, each once it has computed its map.
function layerMaps(layer, editor) {
  return h(
    "div",
    { class: "attn-layer", "data-kind": layer.kind },
    h("h4", { class: "attn-layer__title" }, h("code", {}, layer.name), " ", h("span", { class: "attn-layer__kind" }, layer.kind.replace("-", " "))),
    h(
      "div",
      { class: "attn-heads" },
      ...layer.heads.map((head) => {
        const wrap = (el) => h("div", { class: "attn-head-wrap", "data-testid": `attention-${layer.kind}-${layer.layer}-${head.head}` }, el);
        if (!head.probs) {
          return wrap(h("div", { class: "attn-head is-pending" }, h("p", { class: "attn-head__title" }, `head ${head.head}`), h("p", { class: "insp__hint" }, "not computed yet")));
        }
        const p = head.probs;
        return wrap(
          h(
            "div",
            {
              class: "attn-head",
              "data-testid": `attention-${layer.name}-head-${head.head}`,
              "data-kind": layer.kind,
              "data-rows": (p.rowLabels || []).join(","),
              "data-cols": (p.colLabels || []).join(","),
            },
            // The server labels each map's rows with its queries and its
            // columns with its keys: the source tokens on both axes for an
            // encoder-decoder's encoder, source columns for cross-attention.
            heatmap(p, { title: `head ${head.head}: probabilities`, attrs: { "data-kind": layer.kind } }),
          ),
        );
      }),
    ),
    editor ? editor.render(layer) : null,
  );
}
