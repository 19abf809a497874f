// The random stream of SPEC.md section 1: mulberry32, and uniformF32 on top
// of it. Every parameter and every token id of a fixture comes from one
// such stream, so this file must agree with the spec bit for bit.

// Mulberry32 returns a function that yields the next u in [0, 1) of the
// stream seeded with `seed` (a uint32).
export function mulberry32(seed) {
  let s = seed >>> 0;
  return function next() {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    // Math.imul is the uint32 multiply mod 2^32 (as int32 bits); ^ and |
    // also work on int32 bits, and >>> reads them back as uint32.
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// uniformF32 draws one u and returns float32(center + a*(2u-1)). JavaScript
// rounds every float64 operation on its own (no fused multiply-add), which
// is what the spec asks; 2u-1 is exact.
export function uniformF32(next, a, center) {
  const u = next();
  return Math.fround(center + a * (2 * u - 1));
}

// drawInt draws one u and returns floor(u * n), an integer in [0, n).
export function drawInt(next, n) {
  return Math.floor(next() * n);
}

// SEED1 holds the first three outputs of seed 1 given by SPEC.md section 1.
const SEED1 = [0.6270739405881613, 0.002735721180215478, 0.5274470399599522];

// checkSeed1 throws unless mulberry32(1) starts with the spec's outputs.
export function checkSeed1() {
  const next = mulberry32(1);
  for (const [i, want] of SEED1.entries()) {
    const got = next();
    if (got !== want) {
      throw new Error(`mulberry32(1) output ${i} = ${got}, want ${want}`);
    }
  }
}
