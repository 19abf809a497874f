// The cases of SPEC.md section 5's table. The shared fixtures hold
// decoder_1 (seed 1), encoder_1 (seed 11) and encdec_1 (seed 21); the spec
// gives no seeds for the others, so case k of a variant takes the next seed
// of that pattern (decoder k, encoder 10+k, encdec 20+k). maxLen is 8, as
// in the shared fixtures, except decoder_3, whose T = maxLen = 6.

const eps = 1e-5;

// CASES maps a case name to its fixture config.
export const CASES = {
  decoder_1: { variant: "decoder", V: 7, d: 8, h: 2, dff: 16, L: 1, T: 5, maxLen: 8, B: 1, act: "relu", seed: 1, eps },
  decoder_2: { variant: "decoder", V: 7, d: 8, h: 2, dff: 16, L: 2, T: 5, maxLen: 8, B: 2, act: "gelu_tanh", seed: 2, eps },
  decoder_3: { variant: "decoder", V: 11, d: 12, h: 3, dff: 24, L: 2, T: 6, maxLen: 6, B: 1, act: "relu", seed: 3, eps },
  encoder_1: { variant: "encoder", V: 7, d: 8, h: 2, dff: 16, L: 1, T: 5, maxLen: 8, B: 1, act: "relu", seed: 11, eps },
  encoder_2: { variant: "encoder", V: 7, d: 8, h: 2, dff: 16, L: 2, T: 5, maxLen: 8, B: 2, act: "gelu_tanh", seed: 12, eps },
  encoder_3: { variant: "encoder", V: 5, d: 12, h: 4, dff: 20, L: 2, T: 7, maxLen: 8, B: 1, act: "relu", seed: 13, eps },
  encdec_1: {
    variant: "encdec", V_src: 7, V: 7, d: 8, h: 2, dff: 16, L_enc: 1, L_dec: 1,
    T_src: 5, T_tgt: 4, maxLen: 8, B: 1, act: "relu", seed: 21, eps,
  },
  encdec_2: {
    variant: "encdec", V_src: 9, V: 6, d: 8, h: 2, dff: 16, L_enc: 2, L_dec: 2,
    T_src: 6, T_tgt: 5, maxLen: 8, B: 2, act: "gelu_tanh", seed: 22, eps,
  },
  encdec_3: {
    variant: "encdec", V_src: 7, V: 7, d: 12, h: 3, dff: 24, L_enc: 1, L_dec: 2,
    T_src: 4, T_tgt: 6, maxLen: 8, B: 1, act: "relu", seed: 23, eps,
  },
};

// SHARED names the cases whose fixtures are in shared/reference/fixtures;
// refgen writes the others, and validate.mjs checks refgen on these.
export const SHARED = ["decoder_1", "encoder_1", "encdec_1"];
