// attention-widget.js: the step widget for a small transformer, with each
// attention head's map (rows are queries, columns keys) under the graph.

import { h, pct } from "./dom.js";
import { heatmap } from "./heatmap.js";
import { TrainingWidget } from "./training-widget.js";
import { ServerType } from "./protocol.js";

export class AttentionWidget extends TrainingWidget {
  extra() {
    this.maps = h("div", { class: "sgw-attention", "data-testid": "attention" }, h("p", { class: "insp__hint" }, "Attention maps appear here as the heads compute them."));
    this.metrics = h("p", { class: "sgw-metrics-line", "data-testid": "metrics" });
    return h("div", { class: "sgw-footer" }, h("div", { class: "sgw-controls" }, this.makeTrainButton(), this.metrics), this.maps);
  }

  receiveMore(msg) {
    if (msg.type === ServerType.ATTENTION) this.showAttention(msg);
    if (msg.type === ServerType.METRICS) {
      this.followTraining(msg);
      const v = msg.values;
      this.metrics.textContent = `training steps ${msg.step} · loss ${v.loss === undefined ? "—" : v.loss.toFixed(3)} · accuracy ${pct(v.accuracy)}`;
    }
  }

  showAttention(msg) {
    const groups = msg.layers.map((layer) =>
      h(
        "div",
        { class: "attn-layer" },
        h("h4", { class: "attn-layer__title" }, h("code", {}, layer.name)),
        h(
          "div",
          { class: "attn-heads" },
          ...layer.heads.map((head) => {
            if (!head.probs) {
              return h("div", { class: "attn-head is-pending" }, h("p", { class: "attn-head__title" }, `head ${head.head}`), h("p", { class: "insp__hint" }, "not computed yet"));
            }
            return h(
              "div",
              { class: "attn-head", "data-testid": `attention-${layer.name}-head-${head.head}` },
              // The server labels each map's rows with its queries and its
              // columns with its keys: the source tokens on both axes for an
              // encoder-decoder's encoder, source columns for cross-attention.
              heatmap(head.probs, { title: `head ${head.head}: probabilities` }),
            );
          }),
        ),
      ),
    );
    this.maps.replaceChildren(...groups);
  }
}
