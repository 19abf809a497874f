// Builds one oracle-fixture-v1 object (SPEC.md section 5) from a config:
// the seeded parameters and ids, the float64 forward pass, and float64
// central-difference gradients of the loss for every parameter element.
//
// This generator has no float32 engine of its own. The fields that the
// spec fills from tfjs float32 (logits, attention, final_hidden, loss,
// grads) hold the float64 values rounded to float32, and the fixture's
// `note` says so; reference_f64 holds the float64 values themselves.

import { mulberry32, checkSeed1 } from "./prng.mjs";
import { initParams, drawIds } from "./params.mjs";
import { forward } from "./forward.mjs";

// FD_STEP is the central-difference step of SPEC.md section 5.
export const FD_STEP = 1e-5;

// gradsFD returns d loss / d param for every element of every parameter,
// as (loss(p + h) - loss(p - h)) / 2h in float64, one element at a time,
// and the number of steps that flipped the sign of an FFN pre-activation
// (0 means every difference was taken where the loss is smooth).
export function gradsFD(cfg, P, order, inputs, h = FD_STEP) {
  const base = { minAbsPre: Infinity, signs: [] };
  forward(cfg, P, inputs, base);
  let kinks = 0;
  // loss runs the forward pass and counts a kink crossing if any sign
  // differs from the unperturbed pass.
  const loss = () => {
    const stats = { minAbsPre: Infinity, signs: [] };
    const l = forward(cfg, P, inputs, stats).loss;
    if (cfg.act === "relu" && stats.signs.some((s, i) => s !== base.signs[i])) kinks++;
    return l;
  };
  const grads = {};
  for (const name of order) {
    const x = P[name].data;
    const g = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      x[i] = v + h;
      const plus = loss();
      x[i] = v - h;
      const minus = loss();
      x[i] = v;
      g[i] = (plus - minus) / (2 * h);
    }
    grads[name] = g;
  }
  return { grads, kinks };
}

// f32 rounds every value to float32 and returns a plain array for JSON.
const f32 = (data) => Array.from(data, Math.fround);
const f64 = (data) => Array.from(data);
const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// orderedConfig copies cfg with the keys in the order of the shared
// fixtures for its variant.
function orderedConfig(cfg) {
  const keys =
    cfg.variant === "encdec"
      ? ["variant", "V_src", "V", "d", "h", "dff", "L_enc", "L_dec", "T_src", "T_tgt", "maxLen", "B", "act", "seed", "eps"]
      : ["variant", "V", "d", "h", "dff", "L", "T", "maxLen", "B", "act", "seed", "eps"];
  const out = {};
  for (const k of keys) {
    if (cfg[k] === undefined) throw new Error(`refgen: config ${cfg.name} has no ${k}`);
    out[k] = cfg[k];
  }
  return out;
}

// isCausal reports whether the attention named `name` is masked: the
// decoder-only model's and every encdec decoder self-attention.
const isCausal = (cfg, name) => (cfg.variant === "decoder" ? true : name.endsWith(".self_attn"));

// attentionChecks returns the largest |row sum - 1| and the largest
// probability of a masked (future) key over every attention map.
function attentionChecks(cfg, attention) {
  let rowSum = 0;
  let masked = 0;
  for (const a of attention) {
    const [, , tq, tk] = a.shape;
    for (let r = 0; r < a.data.length / tk; r++) {
      const i = r % tq;
      let s = 0;
      for (let k = 0; k < tk; k++) {
        const p = a.data[r * tk + k];
        s += p;
        if (isCausal(cfg, a.name) && k > i) masked = Math.max(masked, Math.abs(p));
      }
      rowSum = Math.max(rowSum, Math.abs(s - 1));
    }
  }
  return { rowSum, masked };
}

// lastTokenChange changes the last input token of every row to (id+1) mod V
// and returns the largest logit change at earlier positions and at the last.
function lastTokenChange(cfg, P, inputs, logits) {
  const { shape, data } = inputs.input_ids;
  const changed = data.slice();
  for (let b = 0; b < shape[0]; b++) {
    const i = (b + 1) * shape[1] - 1;
    changed[i] = (changed[i] + 1) % cfg.V;
  }
  const after = forward(cfg, P, { ...inputs, input_ids: { shape, data: changed } }).logits;
  let earlier = 0;
  let last = 0;
  for (let i = 0; i < after.length; i++) {
    const d = Math.abs(after[i] - logits[i]);
    if (Math.floor(i / cfg.V) % shape[1] === shape[1] - 1) last = Math.max(last, d);
    else earlier = Math.max(earlier, d);
  }
  return { earlier, last };
}

// buildFixture returns the fixture object for cfg (a fixture config plus
// its name).
export function buildFixture(cfg) {
  checkSeed1();
  const first = mulberry32(cfg.seed);
  const firstOutputs = Array.from({ length: 8 }, first);

  const next = mulberry32(cfg.seed);
  const { order, params } = initParams(cfg, next);
  const inputs = drawIds(cfg, next);

  const stats = { minAbsPre: Infinity, signs: [] };
  const out = forward(cfg, params, inputs, stats);
  const { grads, kinks } = gradsFD(cfg, params, order, inputs);

  const T = cfg.variant === "encdec" ? cfg.T_tgt : cfg.T;
  const tensor = (shape, data) => ({ shape, data });
  const perParam = (fn) => Object.fromEntries(order.map((n) => [n, tensor(params[n].shape, fn(n))]));

  const attn = attentionChecks(cfg, out.attention);
  const change = lastTokenChange(cfg, params, inputs, out.logits);
  const allGrads = order.flatMap((n) => Array.from(grads[n]));
  const zero = order.filter((n) => n.endsWith(".bk"));
  const check = {
    note:
      "written by tools/refgen (float64 only, no tfjs): the float32 fields are the float64 values " +
      "rounded to float32, so the f32-vs-f64 differences here are that rounding alone",
    loss_f32: Math.fround(out.loss),
    loss_f64: out.loss,
    loss_abs_diff: Math.abs(Math.fround(out.loss) - out.loss),
    logits_max_abs_diff: maxAbsDiff(f32(out.logits), out.logits),
    attn_max_abs_diff: Math.max(...out.attention.map((a) => maxAbsDiff(f32(a.data), a.data))),
    fd_step: FD_STEP,
    n_param_elements: allGrads.length,
    grad_max_abs_fd: Math.max(...allGrads.map(Math.abs)),
    zero_grad_tensors: Object.fromEntries(
      zero.map((n) => [n, { max_abs_fd: Math.max(...Array.from(grads[n], Math.abs)) }]),
    ),
    // Only a ReLU has a kink for a finite-difference step to cross.
    ...(cfg.act === "relu" ? { ffn_min_abs_preactivation: stats.minAbsPre, fd_relu_kink_crossings: kinks } : {}),
    attn_row_sum_max_err: attn.rowSum,
    attn_masked_max: attn.masked,
    perturb_last_token_max_change_earlier_positions: change.earlier,
    perturb_last_token_max_change_last_position: change.last,
  };

  return {
    format: "oracle-fixture-v1",
    name: cfg.name,
    variant: cfg.variant,
    note:
      "generated by tools/refgen/refgen.mjs, an independent float64 plain-JS implementation of SPEC.md, " +
      "not by tfjs: logits, attention, final_hidden, loss and grads are the float64 values of " +
      "reference_f64 (grads: the central differences) rounded to float32 with Math.fround",
    config: orderedConfig(cfg),
    prng: { algorithm: "mulberry32", seed: cfg.seed, first_outputs: firstOutputs },
    param_order: order,
    params: perParam((n) => f64(params[n].data)),
    inputs,
    attention: out.attention.map((a) => ({ name: a.name, shape: a.shape, data: f32(a.data) })),
    final_hidden: tensor([cfg.B, T, cfg.d], f32(out.finalHidden)),
    logits: tensor([cfg.B, T, cfg.V], f32(out.logits)),
    loss: Math.fround(out.loss),
    grads: perParam((n) => f32(grads[n])),
    reference_f64: {
      note:
        "float64 plain-JS forward on the same float32 params; grads_fd = central differences, " +
        "step 1e-5, accurate to ~1e-9",
      loss: out.loss,
      logits: tensor([cfg.B, T, cfg.V], f64(out.logits)),
      grads_fd: perParam((n) => f64(grads[n])),
    },
    check,
  };
}
