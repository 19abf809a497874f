package transformer

import (
	"fmt"

	"stepgraph/engine"
)

// Model is a transformer's configuration and parameters. The parameters
// live here, outside any graph: every graph that Build returns shares these
// tensors, so a batch-1 graph for stepping and a batched graph for training
// see the same weights.
type Model struct {
	Config
	Params map[string]*engine.Tensor // by spec name, e.g. "layers.0.attn.wq"
	Order  []string                  // parameter names in spec (init) order
}

// New validates cfg and returns a model initialised from a mulberry32
// stream seeded with seed, exactly as SPEC.md section 2 says: a model built
// from a reference fixture's seed has that fixture's parameters bit for bit.
func New(cfg Config, seed uint32) (*Model, error) {
	return NewFromRNG(cfg, engine.NewMulberry32(seed))
}

// NewFromRNG is New with the stream given, so that the caller can keep
// drawing from it after the parameters (the spec draws the data next; see
// DrawBatch).
func NewFromRNG(cfg Config, rng *engine.Mulberry32) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("transformer config: %w", err)
	}
	params, order := initParams(cfg, rng)
	return &Model{Config: cfg, Params: params, Order: order}, nil
}

// NumParams returns the number of scalar parameters.
func (m *Model) NumParams() int {
	n := 0
	for _, t := range m.Params {
		n += t.Size()
	}
	return n
}

// SetParams copies values into the model's parameters (so graphs built
// earlier see them). src must hold exactly the model's parameter names,
// each with the model's shape.
func (m *Model) SetParams(src map[string]*engine.Tensor) error {
	return engine.CopyParams(m.Params, m.Order, src)
}

// Build returns a new graph of the model for a batch of the given size.
// T is the length of input_ids and target_ids (the target sequence of the
// encoder-decoder); tSrc is the length of src_ids and must be 0 for the
// other variants. Sizes outside the documented bounds return an error.
//
// The graph's input nodes are "input_ids" [B, T], "target_ids" [B, T],
// "positions" [T] (filled with 0..T-1) and, for EncDec, "src_ids"
// [B, tSrc] and "src_positions" [tSrc]. Its parameter nodes come in
// m.Order and share m.Params. Its outputs are "logits" [B, T, V] and the
// loss "loss". Fill the ids with Feed before running it.
func (m *Model) Build(batch, T, tSrc int) (*engine.Graph, error) {
	return m.BuildMasked(batch, T, tSrc, nil)
}

// Masks are the attention masks a learner chose, by attention scope
// ("layers.0.attn", "dec.layers.0.cross_attn"): one pattern [Tq, Tk] for
// every head of the attention.
type Masks map[string]*engine.MaskPattern

// BuildMasked is Build with the learner's masks: every head of an
// attention named in masks gets a node "<head>.masked" that applies the
// pattern (engine.Mask) to its scores, in place of the causal mask if the
// model has one there. The graph reads the patterns as they are when it
// runs, so changing their entries changes the next forward pass. A scope
// that is not an attention of the model, a pattern whose sides are not
// the attention's [Tq, Tk], or one with a row of blocked keys return an
// error.
func (m *Model) BuildMasked(batch, T, tSrc int, masks Masks) (*engine.Graph, error) {
	if err := m.checkSizes(batch, T, tSrc); err != nil {
		return nil, err
	}
	if err := m.checkMasks(T, tSrc, masks); err != nil {
		return nil, err
	}
	g := engine.NewGraph()
	b := &builder{m: m, g: g, params: map[string]*engine.Node{}, masks: masks}
	var src, srcPos *engine.Node
	if m.Variant == EncDec {
		src = g.Input("src_ids", batch, tSrc)        // [B, Tsrc]
		srcPos = positions(g, "src_positions", tSrc) // [Tsrc]
	}
	ids := g.Input("input_ids", batch, T)      // [B, T]
	targets := g.Input("target_ids", batch, T) // [B, T]
	pos := positions(g, "positions", T)        // [T]
	for _, name := range m.Order {
		b.params[name] = g.Param(name, m.Params[name])
	}

	var x *engine.Node
	switch m.Variant {
	case EncDec:
		mem := b.embed("enc.", src, srcPos) // [B, Tsrc, d]
		for l := range m.LEnc {
			mem = b.selfBlock(fmt.Sprintf("enc.layers.%d", l), mem, false) // [B, Tsrc, d]
		}
		mem = b.layerNorm("enc.ln_f", mem) // [B, Tsrc, d], the memory every cross-attention reads
		x = b.embed("dec.", ids, pos)      // [B, T, d]
		for l := range m.LDec {
			x = b.decoderBlock(fmt.Sprintf("dec.layers.%d", l), x, mem) // [B, T, d]
		}
		x = b.layerNorm("dec.ln_f", x) // [B, T, d]
	default:
		x = b.embed("", ids, pos) // [B, T, d]
		for l := range m.Layers {
			x = b.selfBlock(fmt.Sprintf("layers.%d", l), x, m.Variant == Decoder && m.causal()) // [B, T, d]
		}
		x = b.layerNorm("ln_f", x) // [B, T, d]
	}
	logits := b.linear("logits", x, "head.w", "head.b")     // [B, T, V]
	g.Loss("loss", &engine.CrossEntropy{}, logits, targets) // [], mean over B*T positions
	return g, nil
}

// checkMasks validates the masks of BuildMasked against the attentions
// of the model, for target length T and source length tSrc.
func (m *Model) checkMasks(T, tSrc int, masks Masks) error {
	sides := map[string][2]int{}
	switch m.Variant {
	case EncDec:
		for l := range m.LEnc {
			sides[fmt.Sprintf("enc.layers.%d.attn", l)] = [2]int{tSrc, tSrc}
		}
		for l := range m.LDec {
			sides[fmt.Sprintf("dec.layers.%d.self_attn", l)] = [2]int{T, T}
			sides[fmt.Sprintf("dec.layers.%d.cross_attn", l)] = [2]int{T, tSrc}
		}
	default:
		for l := range m.Layers {
			sides[fmt.Sprintf("layers.%d.attn", l)] = [2]int{T, T}
		}
	}
	for scope, p := range masks {
		side, ok := sides[scope]
		switch {
		case !ok:
			return fmt.Errorf("build: mask for %q, which is no attention of this model", scope)
		case p.Tq != side[0] || p.Tk != side[1]:
			return fmt.Errorf("build: mask of %q is %d×%d, want %d×%d", scope, p.Tq, p.Tk, side[0], side[1])
		}
		if err := p.Check(); err != nil {
			return fmt.Errorf("build: mask of %q: %w", scope, err)
		}
	}
	return nil
}

// positions adds the input node name [T] holding 0, 1, ..., T-1.
func positions(g *engine.Graph, name string, T int) *engine.Node {
	n := g.Input(name, T)
	for t := range T {
		n.Value.Data[t] = float64(t)
	}
	return n
}

// checkSizes validates Build's arguments.
func (m *Model) checkSizes(batch, T, tSrc int) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if batch < 1 || batch > MaxBatch {
		return fmt.Errorf("build: batch %d outside [1, %d]", batch, MaxBatch)
	}
	if T < 1 || T > m.MaxLen {
		return fmt.Errorf("build: sequence length %d outside [1, %d] (max length)", T, m.MaxLen)
	}
	if m.Variant == EncDec {
		if tSrc < 1 || tSrc > m.MaxLen {
			return fmt.Errorf("build: source length %d outside [1, %d] (max length)", tSrc, m.MaxLen)
		}
	} else if tSrc != 0 {
		return fmt.Errorf("build: source length %d given to a %s model, want 0", tSrc, m.Variant)
	}
	if n := GraphFloats(m.Config, batch, T, tSrc); n > MaxGraphFloats {
		return fmt.Errorf("build: graph would hold %d floats, over the limit of %d", n, MaxGraphFloats)
	}
	return nil
}
