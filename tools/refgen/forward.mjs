// The float64 forward pass of SPEC.md sections 3 and 4: embeddings, pre-LN
// blocks, multi-head attention, feed-forward, final LayerNorm, head and
// mean cross-entropy. A matrix is a flat row-major Float64Array with its
// row count beside it; batch rows never interact, so each runs on its own.

// linear returns X W + b for X [n, din], W [din, dout], b [dout].
function linear(X, n, W, b) {
  const [din, dout] = W.shape;
  const Y = new Float64Array(n * dout); // [n, dout]
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < dout; o++) {
      let s = 0;
      for (let k = 0; k < din; k++) s += X[i * din + k] * W.data[k * dout + o];
      Y[i * dout + o] = s + b.data[o];
    }
  }
  return Y;
}

// add returns x + y elementwise (the residual connection).
function add(x, y) {
  return x.map((v, i) => v + y[i]);
}

// layerNorm normalises each row of X [n, d] with biased variance:
// (x - mu) / sqrt(var + eps) * g + b.
function layerNorm(X, n, g, b, eps) {
  const d = g.shape[0];
  const Y = new Float64Array(n * d); // [n, d]
  for (let i = 0; i < n; i++) {
    const row = X.subarray(i * d, (i + 1) * d);
    let mu = 0;
    for (const v of row) mu += v;
    mu /= d;
    let vr = 0;
    for (const v of row) vr += (v - mu) * (v - mu);
    vr /= d;
    const inv = 1 / Math.sqrt(vr + eps);
    for (let k = 0; k < d; k++) Y[i * d + k] = (row[k] - mu) * inv * g.data[k] + b.data[k];
  }
  return Y;
}

// activations maps the config's act to the FFN nonlinearity.
const activations = {
  relu: (x) => Math.max(0, x),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
};

// ffn returns act(X W1 + b1) W2 + b2 for X [n, d]. If stats is given, it
// keeps in stats.minAbsPre the smallest |x W1 + b1| seen, and appends the
// sign of each (> 0) to stats.signs: a finite-difference step that flips
// one has crossed the ReLU's kink, where the loss is not smooth.
function ffn(X, n, P, p, act, stats) {
  const pre = linear(X, n, P[`${p}.w1`], P[`${p}.b1`]); // [n, dff]
  if (stats) {
    for (const v of pre) {
      stats.minAbsPre = Math.min(stats.minAbsPre, Math.abs(v));
      stats.signs.push(v > 0);
    }
  }
  return linear(pre.map(activations[act]), n, P[`${p}.w2`], P[`${p}.b2`]); // [n, d]
}

// mha returns MHA(Xq [tq, d], Xkv [tk, d]) of the attention named p, and
// the probabilities of each head ([tq, tk] each). With causal set, key k
// is masked for query i when k > i, and its probability is exactly 0.
function mha(Xq, tq, Xkv, tk, P, p, h, causal) {
  const d = P[`${p}.wq`].shape[0];
  const dh = d / h;
  const Q = linear(Xq, tq, P[`${p}.wq`], P[`${p}.bq`]); // [tq, d]
  const K = linear(Xkv, tk, P[`${p}.wk`], P[`${p}.bk`]); // [tk, d]
  const V = linear(Xkv, tk, P[`${p}.wv`], P[`${p}.bv`]); // [tk, d]
  const scale = 1 / Math.sqrt(dh);
  const O = new Float64Array(tq * d); // [tq, d], head j at columns j*dh..
  const probs = [];
  for (let j = 0; j < h; j++) {
    const Pj = new Float64Array(tq * tk); // [tq, tk]
    for (let i = 0; i < tq; i++) {
      const last = causal ? i : tk - 1; // last key query i may see
      let max = -Infinity;
      for (let k = 0; k <= last; k++) {
        let s = 0;
        for (let c = j * dh; c < (j + 1) * dh; c++) s += Q[i * d + c] * K[k * d + c];
        Pj[i * tk + k] = s * scale;
        max = Math.max(max, s * scale);
      }
      let sum = 0;
      for (let k = 0; k <= last; k++) {
        Pj[i * tk + k] = Math.exp(Pj[i * tk + k] - max);
        sum += Pj[i * tk + k];
      }
      for (let k = 0; k <= last; k++) Pj[i * tk + k] /= sum;
      // Masked keys keep the 0 they were allocated with.
      for (let c = j * dh; c < (j + 1) * dh; c++) {
        let s = 0;
        for (let k = 0; k <= last; k++) s += Pj[i * tk + k] * V[k * d + c];
        O[i * d + c] = s;
      }
    }
    probs.push(Pj);
  }
  return { out: linear(O, tq, P[`${p}.wo`], P[`${p}.bo`]), probs }; // [tq, d]
}

// embed returns tok_emb[id[t]] + pos_emb[t] for the ids of one row.
function embed(ids, P, p) {
  const tok = P[`${p}tok_emb`];
  const pos = P[`${p}pos_emb`];
  const d = tok.shape[1];
  const X = new Float64Array(ids.length * d); // [T, d]
  ids.forEach((id, t) => {
    for (let k = 0; k < d; k++) X[t * d + k] = tok.data[id * d + k] + pos.data[t * d + k];
  });
  return X;
}

// forward runs the model of cfg with parameters P (name -> {shape, data})
// on the ids of `inputs` and returns {loss, logits [B,T,V], finalHidden
// [B,T,d], attention: [{name, shape [B,h,Tq,Tk], data}] in execution order}.
// stats, if given ({minAbsPre: Infinity, signs: []}), collects the FFN
// pre-activations' smallest magnitude and signs (see ffn).
export function forward(cfg, P, inputs, stats) {
  const { B, d, h, V, act, eps } = cfg;
  const attention = new Map(); // name -> {shape, data}; insertion = execution order
  // record stores head j's probabilities of batch row b under name.
  const record = (name, b, probs, tq, tk) => {
    if (!attention.has(name)) {
      attention.set(name, { name, shape: [B, h, tq, tk], data: new Float64Array(B * h * tq * tk) });
    }
    const a = attention.get(name);
    probs.forEach((Pj, j) => a.data.set(Pj, (b * h + j) * tq * tk));
  };
  // selfBlock is x = x + MHA(LN1(x), LN1(x)); x = x + FFN(LN2(x)).
  const selfBlock = (x, T, b, p, causal) => {
    const a = layerNorm(x, T, P[`${p}.ln1.g`], P[`${p}.ln1.b`], eps); // [T, d]
    const att = mha(a, T, a, T, P, `${p}.attn`, h, causal);
    record(`${p}.attn`, b, att.probs, T, T);
    x = add(x, att.out);
    return add(x, ffn(layerNorm(x, T, P[`${p}.ln2.g`], P[`${p}.ln2.b`], eps), T, P, `${p}.ffn`, act, stats));
  };
  // decBlock is the encoder-decoder decoder block: causal self-attention,
  // cross-attention to mem [ts, d], then the FFN.
  const decBlock = (x, T, mem, ts, b, p) => {
    const a = layerNorm(x, T, P[`${p}.ln1.g`], P[`${p}.ln1.b`], eps); // [T, d]
    const self = mha(a, T, a, T, P, `${p}.self_attn`, h, true);
    record(`${p}.self_attn`, b, self.probs, T, T);
    x = add(x, self.out);
    const c = layerNorm(x, T, P[`${p}.ln2.g`], P[`${p}.ln2.b`], eps); // [T, d]
    const cross = mha(c, T, mem, ts, P, `${p}.cross_attn`, h, false);
    record(`${p}.cross_attn`, b, cross.probs, T, ts);
    x = add(x, cross.out);
    return add(x, ffn(layerNorm(x, T, P[`${p}.ln3.g`], P[`${p}.ln3.b`], eps), T, P, `${p}.ffn`, act, stats));
  };
  const row = (ids, b) => ids.data.slice(b * ids.shape[1], (b + 1) * ids.shape[1]);

  const T = inputs.input_ids.shape[1];
  const logits = new Float64Array(B * T * V); // [B, T, V]
  const finalHidden = new Float64Array(B * T * d); // [B, T, d]
  let total = 0;
  for (let b = 0; b < B; b++) {
    let x;
    if (cfg.variant === "encdec") {
      const ts = inputs.src_ids.shape[1];
      let m = embed(row(inputs.src_ids, b), P, "enc."); // [ts, d]
      for (let l = 0; l < cfg.L_enc; l++) m = selfBlock(m, ts, b, `enc.layers.${l}`, false);
      const mem = layerNorm(m, ts, P["enc.ln_f.g"], P["enc.ln_f.b"], eps); // [ts, d]
      x = embed(row(inputs.input_ids, b), P, "dec."); // [T, d]
      for (let l = 0; l < cfg.L_dec; l++) x = decBlock(x, T, mem, ts, b, `dec.layers.${l}`);
      x = layerNorm(x, T, P["dec.ln_f.g"], P["dec.ln_f.b"], eps);
    } else {
      x = embed(row(inputs.input_ids, b), P, ""); // [T, d]
      for (let l = 0; l < cfg.L; l++) x = selfBlock(x, T, b, `layers.${l}`, cfg.variant === "decoder");
      x = layerNorm(x, T, P["ln_f.g"], P["ln_f.b"], eps);
    }
    finalHidden.set(x, b * T * d);
    const z = linear(x, T, P["head.w"], P["head.b"]); // [T, V]
    logits.set(z, b * T * V);
    const target = row(inputs.target_ids, b);
    // Cross-entropy: logsumexp(z[t]) - z[t, target[t]], summed here and
    // averaged over all B*T positions below.
    for (let t = 0; t < T; t++) {
      const zt = z.subarray(t * V, (t + 1) * V);
      const max = Math.max(...zt);
      let sum = 0;
      for (const v of zt) sum += Math.exp(v - max);
      total += max + Math.log(sum) - zt[target[t]];
    }
  }
  return { loss: total / (B * T), logits, finalHidden, attention: [...attention.values()] };
}
