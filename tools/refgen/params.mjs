// Parameter names, shapes and initialisation, and the token ids drawn after
// them (SPEC.md section 2). The list order is the init order, and the
// fixtures' param_order.

import { uniformF32, drawInt } from "./prng.mjs";

// attnNames are the eight tensors of one multi-head attention, in order.
const attnNames = ["wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"];

// paramShapes returns [[name, shape], ...] in init order for a config
// (the fixture config object: variant, V, V_src, d, h, dff, L or
// L_enc+L_dec, maxLen, ...).
export function paramShapes(cfg) {
  const { d, dff, maxLen } = cfg;
  const out = [];
  const add = (name, ...shape) => out.push([name, shape]);
  const ln = (p) => {
    add(`${p}.g`, d);
    add(`${p}.b`, d);
  };
  const attn = (p) => {
    for (const n of attnNames) {
      if (n[0] === "w") add(`${p}.${n}`, d, d);
      else add(`${p}.${n}`, d);
    }
  };
  const ffn = (p) => {
    add(`${p}.w1`, d, dff);
    add(`${p}.b1`, dff);
    add(`${p}.w2`, dff, d);
    add(`${p}.b2`, d);
  };
  // selfBlocks adds the pre-LN self-attention blocks of an encoder or a
  // decoder-only model under prefix p ("" or "enc.").
  const selfBlocks = (p, layers) => {
    for (let l = 0; l < layers; l++) {
      ln(`${p}layers.${l}.ln1`);
      attn(`${p}layers.${l}.attn`);
      ln(`${p}layers.${l}.ln2`);
      ffn(`${p}layers.${l}.ffn`);
    }
  };
  if (cfg.variant === "encdec") {
    add("enc.tok_emb", cfg.V_src, d);
    add("enc.pos_emb", maxLen, d);
    selfBlocks("enc.", cfg.L_enc);
    ln("enc.ln_f");
    add("dec.tok_emb", cfg.V, d);
    add("dec.pos_emb", maxLen, d);
    for (let l = 0; l < cfg.L_dec; l++) {
      const p = `dec.layers.${l}`;
      ln(`${p}.ln1`);
      attn(`${p}.self_attn`);
      ln(`${p}.ln2`);
      attn(`${p}.cross_attn`);
      ln(`${p}.ln3`);
      ffn(`${p}.ffn`);
    }
    ln("dec.ln_f");
  } else {
    add("tok_emb", cfg.V, d);
    add("pos_emb", maxLen, d);
    selfBlocks("", cfg.L);
    ln("ln_f");
  }
  add("head.w", d, cfg.V);
  add("head.b", cfg.V);
  return out;
}

// initRule returns [a, center] of uniformF32 for a parameter (the table of
// SPEC.md section 2).
function initRule(name, shape) {
  if (name.endsWith("tok_emb") || name.endsWith("pos_emb")) return [0.5, 0];
  const isLN = /(^|\.)ln(\d+|_f)\.[gb]$/.test(name);
  if (isLN && name.endsWith(".g")) return [0.1, 1];
  if (isLN) return [0.1, 0];
  if (shape.length === 2) return [1 / Math.sqrt(shape[0]), 0];
  return [0.1, 0];
}

// initParams fills every parameter from the stream `next` in init order
// and returns {order, params}, where params maps a name to
// {shape, data: Float64Array} holding float32 values.
export function initParams(cfg, next) {
  const order = [];
  const params = {};
  for (const [name, shape] of paramShapes(cfg)) {
    const [a, center] = initRule(name, shape);
    const data = new Float64Array(shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < data.length; i++) data[i] = uniformF32(next, a, center);
    order.push(name);
    params[name] = { shape, data };
  }
  return { order, params };
}

// drawIds draws the token ids that follow the parameters in the stream and
// returns {src_ids?, input_ids, target_ids}, each {shape [B, T], data}.
export function drawIds(cfg, next) {
  const { B, V } = cfg;
  const ids = (shape, data) => ({ shape, data });
  const draw = (count, n) => Array.from({ length: count }, () => drawInt(next, n));
  // shifted splits B rows of T+1 tokens into inputs s[0:T] and targets s[1:T+1].
  const shifted = (T) => {
    const s = draw(B * (T + 1), V);
    const input = [];
    const target = [];
    for (let b = 0; b < B; b++) {
      const row = s.slice(b * (T + 1), (b + 1) * (T + 1));
      input.push(...row.slice(0, T));
      target.push(...row.slice(1));
    }
    return { input_ids: ids([B, T], input), target_ids: ids([B, T], target) };
  };
  switch (cfg.variant) {
    case "decoder":
      return shifted(cfg.T);
    case "encoder": {
      const input = draw(B * cfg.T, V);
      const target = draw(B * cfg.T, V);
      return { input_ids: ids([B, cfg.T], input), target_ids: ids([B, cfg.T], target) };
    }
    case "encdec": {
      const src = draw(B * cfg.T_src, cfg.V_src);
      return { src_ids: ids([B, cfg.T_src], src), ...shifted(cfg.T_tgt) };
    }
    default:
      throw new Error(`refgen: unknown variant ${cfg.variant}`);
  }
}
