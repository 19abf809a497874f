package widget

import (
	"fmt"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/quant"
	"stepgraph/viz"
)

// quantOptionNames lists the options of the quant widget.
var quantOptionNames = []string{"bits", "symmetry", "granularity", "pass", "view", "weight", "seed"}

// The choices of the quant widget's enumerated options.
var (
	quantSymmetries    = []string{"symmetric", "asymmetric"}
	quantGranularities = []string{"per-tensor", "per-channel"}
	quantPasses        = []string{"dynamic", "static", "qat"}
	// quantViews: "integer" steps the converted graph (int matmuls on .q
	// weights); "prepared" steps the graph the pass works on before it
	// converts: the float model (dynamic), the calibration graph with its
	// .obs observers (static), or the fake-quant graph with its .fq nodes
	// (qat).
	quantViews = []string{"integer", "prepared"}
)

// quantOptions configure a quant widget. Every option is text, as a
// lesson's widget block writes it.
type quantOptions struct {
	Bits        int    // "bits": 8 or 4
	Symmetry    string // "symmetry": symmetric or asymmetric
	Granularity string // "granularity": per-tensor or per-channel
	Pass        string // "pass": dynamic, static or qat
	View        string // "view": integer or prepared
	Weight      string // "weight": the weight whose error histogram is drawn
	Seed        uint32 // "seed": the float model's weights, data and training
}

func defaultQuantOptions() quantOptions {
	return quantOptions{Bits: 8, Symmetry: "symmetric", Granularity: "per-tensor", Pass: "dynamic", View: "integer", Weight: "layers.1.w", Seed: 1}
}

// scheme returns the quantization scheme the options describe.
func (o quantOptions) scheme() quant.Scheme {
	return quant.Scheme{Bits: o.Bits, Symmetric: o.Symmetry == "symmetric", PerChannel: o.Granularity == "per-channel"}
}

// set applies one option. It reports whether the float model must be
// trained again (a new seed); any other option only quantizes it again.
func (o *quantOptions) set(name, value string) (retrain bool, e *protocol.Error) {
	switch name {
	case "bits":
		var s string
		if s, e = enumOption(name, value, []string{"8", "4"}); e == nil {
			o.Bits = map[string]int{"8": 8, "4": 4}[s]
		}
	case "symmetry":
		o.Symmetry, e = enumOption(name, value, quantSymmetries)
	case "granularity":
		o.Granularity, e = enumOption(name, value, quantGranularities)
	case "pass":
		o.Pass, e = enumOption(name, value, quantPasses)
	case "view":
		o.View, e = enumOption(name, value, quantViews)
	case "weight":
		o.Weight, e = enumOption(name, value, quantWeights())
	case "seed":
		o.Seed, e = seedOption(value)
		retrain = true
	default:
		return false, unknownOption("quant", name, quantOptionNames)
	}
	return retrain, atField(e, name)
}

// quantWidget shows what quantizing a trained MLP costs: it steps through
// the quantized graph and reports the error of every node, the loss and
// accuracy before and after, and the bytes the weights take. It does not
// train on request: the float model is trained once, when it is
// configured (once per seed and process: see seedCache), and the pass (at
// most a short QAT fine-tuning) runs on every change of an option. The
// session calls it on the shared pool, so that work goes through Env.Pool.
type quantWidget struct {
	env   Env
	opts  quantOptions
	float *quantFloat  // the trained float model of opts.Seed
	rep   *quantReport // the quantized model of the other options
	step  *stepping
}

// NewQuant is the factory of the "quant" widget kind.
func NewQuant(env Env, opts map[string]string) (Widget, *protocol.Error) {
	o := defaultQuantOptions()
	if e := applyOptions(&o, opts); e != nil {
		return nil, e
	}
	w := &quantWidget{env: env, opts: o}
	if e := w.build(true); e != nil {
		return nil, e
	}
	return w, nil
}

// build fetches the float model of the seed (when retrain is set),
// training it unless the cache has it, and quantizes it as the options say.
func (w *quantWidget) build(retrain bool) *protocol.Error {
	f, e := cachedModel(quantFloats, w.float, retrain, w.opts.Seed, "float model")
	if e != nil {
		return e
	}
	rep, err := f.quantize(w.opts)
	if err != nil {
		return protocol.Errorf(protocol.CodeInternal, "%v", err)
	}
	w.float, w.rep = f, rep
	w.step = newStepping(rep.stepped)
	return nil
}

// Start sends the graph, the cursor, the report and the error histogram.
func (w *quantWidget) Start(id int64) { w.sendAll(id) }

// sendAll sends the graph, the cursor, the report and the histogram.
func (w *quantWidget) sendAll(id int64) {
	emitGraph(w.env, id, "quant", w.step)
	w.env.Emit(id, &protocol.Metrics{Header: protocol.Header{Type: protocol.TypeMetrics}, Values: w.rep.values})
	w.plot(id)
}

// plot sends the histogram of the chosen weight's quantization error.
func (w *quantWidget) plot(id int64) {
	title := fmt.Sprintf("Error of %s as %v", w.opts.Weight, w.rep.scheme)
	svg, err := viz.Histogram(w.rep.errors[w.opts.Weight], quantHistBins, title)
	if err != nil {
		w.env.Log.Error("quantization error histogram", "err", err)
		return
	}
	w.env.Emit(id, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: "error", SVG: string(svg)})
}

// Handle answers step, back, run, reset, select and set.
func (w *quantWidget) Handle(req *protocol.Request) *protocol.Error {
	switch {
	case handles(req):
		return stepAndEmit(w.env, w.step, req)
	case req.Type == protocol.TypeSet:
		if e := setAndRebuild(&w.opts, req, w.build); e != nil {
			return e
		}
		w.sendAll(req.ID)
		return nil
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the quant widget does not answer %q: its float model is trained when it is configured", req.Type)
}

// Close does nothing: the quant widget starts no background work.
func (w *quantWidget) Close() {}
