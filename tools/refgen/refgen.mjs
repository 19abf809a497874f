// refgen writes the oracle-fixture-v1 fixtures (SPEC.md section 5) of the
// table's cases that shared/reference/fixtures does not hold, from an
// independent float64 implementation of the spec.
//
//   node tools/refgen/refgen.mjs OUTDIR [case ...]
//
// With no case names it writes every case not in SHARED. validate.mjs
// checks this generator against the shared fixtures first.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CASES, SHARED } from "./cases.mjs";
import { buildFixture } from "./fixture.mjs";

const [outDir, ...names] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node tools/refgen/refgen.mjs OUTDIR [case ...]");
  process.exit(2);
}
const todo = names.length > 0 ? names : Object.keys(CASES).filter((n) => !SHARED.includes(n));
mkdirSync(outDir, { recursive: true });
for (const name of todo) {
  if (!CASES[name]) {
    console.error(`refgen: unknown case ${name} (known: ${Object.keys(CASES).join(", ")})`);
    process.exit(2);
  }
  const fixture = buildFixture({ name, ...CASES[name] });
  const file = join(outDir, `${name}.json`);
  writeFileSync(file, JSON.stringify(fixture));
  const c = fixture.check;
  const relu =
    c.fd_relu_kink_crossings === undefined
      ? ""
      : `, min |FFN pre-activation| ${c.ffn_min_abs_preactivation.toExponential(2)}, ` +
        `FD steps across a ReLU kink: ${c.fd_relu_kink_crossings}`;
  console.log(
    `${file}: ${c.n_param_elements} parameter elements, loss ${c.loss_f64}, ` +
      `max |grad| ${c.grad_max_abs_fd.toExponential(2)}${relu}`,
  );
}
