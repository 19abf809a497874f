// validate checks refgen against the fixtures that tfjs wrote: it rebuilds
// each oracle-fixture-v1 case of the folder from its config and seed and
// compares.
//
//   node tools/refgen/validate.mjs [FIXTUREDIR]   (default shared/reference/fixtures)
//
// The PRNG outputs, parameters and ids must be identical. The float64
// loss and logits must be within F64_TOL of reference_f64 (both are plain
// float64 forwards of the same math, differing only in summation order),
// and the gradients within FD_TOL of grads_fd (both central differences
// with step 1e-5, each accurate to about 1e-9). The differences from the
// tfjs float32 fields are printed for information.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildFixture } from "./fixture.mjs";
import { CASES } from "./cases.mjs";

const F64_TOL = 1e-12; // relative to max(|want|, 1), as in SPEC.md section 5
const FD_TOL = 1e-7; // absolute, SPEC.md section 5

const dir = process.argv[2] ?? join(import.meta.dirname, "..", "..", "..", "shared", "reference", "fixtures");
let failures = 0;
const fail = (msg) => {
  failures++;
  console.log(`  FAIL ${msg}`);
};
// absDiff returns max |a[i] - b[i]|; relDiff divides each by max(|b[i]|, 1).
const absDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const relDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1)), 0);
// overParams returns the largest absDiff over every parameter's tensors.
const overParams = (order, got, want) => Math.max(...order.map((n) => absDiff(got[n].data, want[n].data)));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// layout returns the differences of form between got and want: missing or
// extra keys, key order, types and array lengths, ignoring number values.
// The "check" object's contents are each generator's own self-check
// numbers, and the top-level "note" is ours alone, so neither is compared.
function layout(got, want, path = "") {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${path}: length or type`];
    return want.flatMap((w, i) => layout(got[i], w, `${path}[${i}]`));
  }
  if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object") return [`${path}: type`];
    if (path === ".check") return [];
    const keys = Object.keys(want);
    const gotKeys = Object.keys(got).filter((k) => !(path === "" && k === "note"));
    if (!same(gotKeys, keys)) return [`${path}: keys ${gotKeys} want ${keys}`];
    return keys.flatMap((k) => layout(got[k], want[k], `${path}.${k}`));
  }
  return typeof got === typeof want ? [] : [`${path}: type`];
}

const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
let checked = 0;
for (const file of files) {
  const want = JSON.parse(readFileSync(join(dir, file), "utf8"));
  if (want.format !== "oracle-fixture-v1") continue;
  checked++;
  console.log(`${file}:`);
  const got = buildFixture({ name: want.name, ...want.config });

  if (CASES[want.name] && !same({ ...CASES[want.name] }, want.config)) fail("cases.mjs config differs");
  const form = layout(got, want);
  for (const d of form.slice(0, 5)) fail(`layout ${d}`);
  if (form.length > 0) continue; // the comparisons below need the full layout
  if (!same(got.prng, want.prng)) fail("prng first_outputs differ");
  if (!same(got.param_order, want.param_order)) fail("param_order differs");
  let bitDiffs = 0;
  let elems = 0;
  for (const n of want.param_order) {
    const g = got.params[n].data;
    want.params[n].data.forEach((w, i) => {
      elems++;
      if (!Object.is(g[i], w)) bitDiffs++;
    });
    if (!same(got.params[n].shape, want.params[n].shape)) fail(`${n} shape differs`);
  }
  if (bitDiffs > 0) fail(`${bitDiffs} of ${elems} parameter values differ`);
  if (!same(got.inputs, want.inputs)) fail(`ids differ: ${JSON.stringify(got.inputs)}`);
  if (!same(got.attention.map((a) => [a.name, a.shape]), want.attention.map((a) => [a.name, a.shape]))) {
    fail("attention names or shapes differ");
  }

  const r = got.reference_f64;
  const w = want.reference_f64;
  const order = want.param_order;
  const dLoss = Math.abs(r.loss - w.loss) / Math.max(Math.abs(w.loss), 1);
  const dLogits = relDiff(r.logits.data, w.logits.data);
  const dFD = overParams(order, r.grads_fd, w.grads_fd);
  if (dLoss > F64_TOL) fail(`loss ${r.loss}, reference_f64 ${w.loss}`);
  if (dLogits > F64_TOL) fail(`logits differ from reference_f64 by ${dLogits}`);
  if (dFD > FD_TOL) fail(`grads differ from grads_fd by ${dFD}`);

  // Information: our float64 values against tfjs float32.
  const tfGrad = overParams(order, r.grads_fd, want.grads);
  const tfAttn = Math.max(...want.attention.map((a, j) => absDiff(got.attention[j].data, a.data)));
  console.log(
    `  prng, ${elems} params and ids identical: ${bitDiffs === 0 && same(got.inputs, want.inputs)}; ` +
      `vs reference_f64: loss ${dLoss.toExponential(2)}, logits ${dLogits.toExponential(2)}, ` +
      `grads_fd ${dFD.toExponential(2)} (abs)`,
  );
  console.log(
    `  vs tfjs float32: loss ${Math.abs(r.loss - want.loss).toExponential(2)}, ` +
      `logits ${absDiff(r.logits.data, want.logits.data).toExponential(2)}, ` +
      `attention ${tfAttn.toExponential(2)}, ` +
      `final_hidden ${absDiff(got.final_hidden.data, want.final_hidden.data).toExponential(2)}, ` +
      `grads ${tfGrad.toExponential(2)}`,
  );
}
if (checked === 0) {
  console.log(`no oracle-fixture-v1 fixtures in ${dir}`);
  process.exit(1);
}
console.log(failures === 0 ? `ok: ${checked} fixtures` : `${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
