package transformer

import "fmt"

// The three model variants of SPEC.md section 4.
const (
	Encoder = "encoder" // encoder-only: unmasked attention, one class per token
	Decoder = "decoder" // decoder-only: causal attention, next-token prediction
	EncDec  = "encdec"  // encoder-decoder: a decoder that also reads the encoder's memory
)

// Bounds on a model's size. They keep one model small enough for a shared
// server while fitting the largest model the project benchmarks (d 128,
// 8 heads, 4 layers, dff 512, V 96, T 64).
const (
	MaxD      = 256  // model width d
	MaxHeads  = 16   // attention heads h
	MaxLayers = 6    // Layers, LEnc and LDec each
	MaxVocab  = 512  // V and VSrc
	MaxSeqLen = 128  // MaxLen, the longest sequence (rows of pos_emb)
	MaxDFF    = 1024 // feed-forward width
	MaxBatch  = 64   // batch size of one graph
	// MaxGraphFloats caps the float64 values (node values and gradients)
	// one graph may hold: 2^26 floats are 512 MiB. The benchmark model at
	// batch 16 and T 64 needs 72% of it, 48 million floats (GraphFloats).
	MaxGraphFloats = 1 << 26
)

// DefaultEps is the LayerNorm epsilon of the reference spec.
const DefaultEps = 1e-5

// Config describes a transformer. The field names follow the reference
// spec: V is the (target) vocabulary, which is also the class count of the
// encoder-only model; VSrc is the source vocabulary of the encoder-decoder.
type Config struct {
	Variant string  // Encoder, Decoder or EncDec
	V       int     // vocabulary of input_ids and target_ids, in [2, MaxVocab]
	VSrc    int     // EncDec only: vocabulary of src_ids, in [2, MaxVocab]
	D       int     // model width d, in [1, MaxD], a multiple of Heads
	Heads   int     // attention heads h, in [1, MaxHeads]; head size dh = D/Heads
	DFF     int     // feed-forward hidden width, in [1, MaxDFF]
	Layers  int     // Encoder and Decoder: number of blocks, in [1, MaxLayers]
	LEnc    int     // EncDec only: encoder blocks, in [1, MaxLayers]
	LDec    int     // EncDec only: decoder blocks, in [1, MaxLayers]
	MaxLen  int     // longest sequence, rows of pos_emb, in [1, MaxSeqLen]
	Act     string  // feed-forward activation: "relu" or "gelu_tanh"
	Eps     float64 // LayerNorm epsilon: 0 means DefaultEps (1e-5), else in (0, 0.1]
	// NoCausalMask builds the decoder's self-attention (Decoder and EncDec)
	// without its causal mask, so that every position sees the whole
	// sequence. It is a teaching switch: trained that way, a decoder reads
	// the very tokens it should predict and cannot generate. The zero value
	// is the spec's model; the encoder has no mask either way.
	NoCausalMask bool
}

// Validate reports the first problem with the configuration, or nil. Fields
// that the variant does not use (VSrc, LEnc and LDec outside EncDec; Layers
// in EncDec) are ignored.
func (c Config) Validate() error {
	inRange := func(name string, v, lo, hi int) error {
		if v < lo || v > hi {
			return fmt.Errorf("%s = %d outside [%d, %d]", name, v, lo, hi)
		}
		return nil
	}
	var errs []error
	switch c.Variant {
	case Encoder, Decoder:
		errs = append(errs, inRange("layers", c.Layers, 1, MaxLayers))
	case EncDec:
		errs = append(errs,
			inRange("source vocabulary", c.VSrc, 2, MaxVocab),
			inRange("encoder layers", c.LEnc, 1, MaxLayers),
			inRange("decoder layers", c.LDec, 1, MaxLayers))
	default:
		return fmt.Errorf("unknown variant %q (want %s, %s or %s)", c.Variant, Encoder, Decoder, EncDec)
	}
	errs = append(errs,
		inRange("vocabulary", c.V, 2, MaxVocab),
		inRange("d_model", c.D, 1, MaxD),
		inRange("heads", c.Heads, 1, MaxHeads),
		inRange("feed-forward width", c.DFF, 1, MaxDFF),
		inRange("max length", c.MaxLen, 1, MaxSeqLen))
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if c.D%c.Heads != 0 {
		return fmt.Errorf("d_model %d is not divisible by %d heads", c.D, c.Heads)
	}
	if c.Act != "relu" && c.Act != "gelu_tanh" {
		return fmt.Errorf("unknown activation %q (want relu or gelu_tanh)", c.Act)
	}
	if c.Eps != 0 && !(c.Eps > 0 && c.Eps <= 0.1) {
		return fmt.Errorf("layernorm eps %g outside (0, 0.1]", c.Eps)
	}
	return nil
}

// causal reports whether the decoder's self-attention is masked.
func (c Config) causal() bool { return !c.NoCausalMask }

// HeadSize returns dh = D / Heads.
func (c Config) HeadSize() int { return c.D / c.Heads }

// eps returns the LayerNorm epsilon in use.
func (c Config) eps() float64 {
	if c.Eps == 0 {
		return DefaultEps
	}
	return c.Eps
}
