package quant

import (
	"errors"
	"fmt"

	"stepgraph/engine"
)

// QATMomentum is the moving-average momentum of the activation observers
// that QAT inserts.
const QATMomentum = 0.9

// Dynamic returns an inference copy of g in which every linear layer runs
// on integers (QMatMul): its weight is quantized now, with scheme s, into a
// frozen node named after the weight plus ".q" (e.g. "layers.0.w.q"), and
// its input is quantized at run time, one grid per row, with s's bits and
// symmetry. Every other node is copied with its name; all parameters are
// frozen. It returns an error if s is invalid or g has no linear layer.
//
// g must be freshly built and must not run afterwards: the copy takes over
// its ops.
func Dynamic(g *engine.Graph, s Scheme) (*engine.Graph, error) {
	if err := check(g, s); err != nil {
		return nil, err
	}
	return convert(g, s, nil)
}

// Static is Dynamic with activation grids fixed in advance. It first builds
// a float calibration copy of g in which each linear layer's input passes
// through an Observe node (named after the input plus ".obs"), and calls
// calibrate with it: calibrate should set the graph's inputs to each
// calibration batch and run Forward. Each observer's range then fixes one
// per-tensor grid for that activation, and the integer graph is built as
// by Dynamic. newObserver makes one observer per activation (nil means
// NewMinMax).
//
// g must be freshly built and must not run afterwards; it returns an error
// if s is invalid, g has no linear layer, calibrate fails, or an activation
// was never observed.
func Static(g *engine.Graph, s Scheme, newObserver func() Observer, calibrate func(*engine.Graph) error) (*engine.Graph, error) {
	if err := check(g, s); err != nil {
		return nil, err
	}
	if newObserver == nil {
		newObserver = NewMinMax
	}
	observers := map[string]Observer{} // by activation name
	cal := rewrite(g, true, func(r *rewriter, n *engine.Node) *engine.Node {
		if !IsLinear(n) {
			return nil
		}
		x, w := n.Inputs[0], n.Inputs[1]
		xo := r.once(x.Name+".obs", func() *engine.Node {
			observers[x.Name] = newObserver()
			return r.dst.Apply(x.Name+".obs", &Observe{Observer: observers[x.Name]}, r.node(x))
		})
		return r.dst.Apply(n.Name, n.Op, xo, r.node(w))
	})
	if err := calibrate(cal); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	act := activationScheme(s)
	ranges := map[string]Params{}
	for name, o := range observers {
		lo, hi, ok := o.Range()
		if !ok {
			return nil, fmt.Errorf("calibrate: activation %q was never observed", name)
		}
		ranges[name] = ParamsFromRange([]float64{lo}, []float64{hi}, act, PerTensor)
	}
	return convert(g, s, ranges)
}

// QAT returns a trainable copy of g for quantization-aware training: every
// linear layer reads its weight through a fake-quant node named after the
// weight plus ".fq" (e.g. "layers.0.ffn.w1.fq"; grid from the weight's own
// range, scheme s) and its input through one named after the input plus
// ".fq" (per-tensor grid from a moving-average observer, with s's bits and
// symmetry). Parameters keep sharing the model's tensors and stay
// trainable, so training the copy trains the model. Call SetObserving(g,
// false) to freeze the activation ranges before evaluating.
//
// g must be freshly built and must not run afterwards; it returns an error
// if s is invalid or g has no linear layer.
func QAT(g *engine.Graph, s Scheme) (*engine.Graph, error) {
	if err := check(g, s); err != nil {
		return nil, err
	}
	act := activationScheme(s)
	return rewrite(g, false, func(r *rewriter, n *engine.Node) *engine.Node {
		if !IsLinear(n) {
			return nil
		}
		x, w := n.Inputs[0], n.Inputs[1]
		xf := r.once(x.Name+".fq", func() *engine.Node {
			q := NewActQuantizer(act, NewMovingAverage(QATMomentum))
			return r.dst.Apply(x.Name+".fq", engine.NewFakeQuant(q), r.node(x))
		})
		wf := r.once(w.Name+".fq", func() *engine.Node {
			return r.dst.Apply(w.Name+".fq", engine.NewFakeQuant(&WeightQuantizer{Scheme: s}), r.node(w))
		})
		return r.dst.Apply(n.Name, n.Op, xf, wf)
	}), nil
}

// SetObserving turns the activation observers of a QAT graph on (training:
// ranges follow the data) or off (evaluation: ranges stay fixed).
func SetObserving(g *engine.Graph, on bool) {
	for _, n := range g.Nodes {
		if fq, ok := n.Op.(*engine.FakeQuant); ok {
			if a, ok := fq.Q.(*ActQuantizer); ok {
				a.Observing = on
			}
		}
	}
}

// Convert turns a model trained with QAT into a real integer graph: the
// activation ranges its QAT graph qat has observed fix static grids, and
// the weights are quantized with s, as by Static. g is a freshly built float
// graph of the same model. It returns an error if s is invalid, g has no
// linear layer, or qat has no observed range for one of g's linear inputs.
func Convert(qat, g *engine.Graph, s Scheme) (*engine.Graph, error) {
	if err := check(g, s); err != nil {
		return nil, err
	}
	act := activationScheme(s)
	ranges := map[string]Params{}
	for _, n := range qat.Nodes {
		fq, ok := n.Op.(*engine.FakeQuant)
		if !ok {
			continue
		}
		if a, ok := fq.Q.(*ActQuantizer); ok {
			if lo, hi, seen := a.Observer.Range(); seen {
				ranges[n.Inputs[0].Name] = ParamsFromRange([]float64{lo}, []float64{hi}, act, PerTensor)
			}
		}
	}
	for _, n := range Linears(g) {
		if _, ok := ranges[n.Inputs[0].Name]; !ok {
			return nil, fmt.Errorf("convert: no observed range for %q, the input of %q", n.Inputs[0].Name, n.Name)
		}
	}
	return convert(g, s, ranges)
}

// convert builds the integer graph. ranges holds a static grid per
// activation name; nil means dynamic.
func convert(g *engine.Graph, s Scheme, ranges map[string]Params) (*engine.Graph, error) {
	act := activationScheme(s)
	return rewrite(g, true, func(r *rewriter, n *engine.Node) *engine.Node {
		if !IsLinear(n) {
			return nil
		}
		x, w := n.Inputs[0], n.Inputs[1]
		wp := ParamsFor(w.Value, s)
		wq := r.once(w.Name+".q", func() *engine.Node {
			q := Quantize(w.Value, wp)
			t := engine.New(w.Shape...) // [in, out], the integers of W
			for i, v := range q {
				t.Data[i] = float64(v)
			}
			return r.dst.Frozen(w.Name+".q", t)
		})
		op := &QMatMul{W: wp, Act: act}
		if ranges != nil {
			p := ranges[x.Name]
			op.ActParams = &p
		}
		return r.dst.Apply(n.Name, op, r.node(x), wq)
	}), nil
}

// check validates the scheme and that g has something to quantize.
func check(g *engine.Graph, s Scheme) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if len(Linears(g)) == 0 {
		return errors.New("quantize: the graph has no linear layer (a matmul by a parameter)")
	}
	return nil
}

// activationScheme is s made per-tensor: activations share one grid (or one
// per row, when dynamic).
func activationScheme(s Scheme) Scheme {
	s.PerChannel = false
	return s
}
