package exhibit

import (
	"fmt"

	"stepgraph/engine"
	"stepgraph/engine/mlp"
	"stepgraph/engine/quant"
	"stepgraph/viz"
)

// QuantOptions is the option table of the "quant" kind. A new seed trains
// the float model again; every other option quantizes it again.
var QuantOptions = &Table{Kind: "quant", Options: []Option{
	{Name: "bits", Label: "Bits", Help: "bits per weight", Type: Choice, Choices: []string{"8", "4"}, Default: "8", Effect: Rebuild},
	{Name: "symmetry", Label: "Grid", Help: "a grid symmetric around 0, or one with a zero point", Type: Choice,
		Choices: []string{"symmetric", "asymmetric"}, Default: "symmetric", Effect: Rebuild},
	{Name: "granularity", Label: "Scales", Help: "one scale per tensor, or one per output column of each weight", Type: Choice,
		Choices: []string{"per-tensor", "per-channel"}, Default: "per-tensor", Effect: Rebuild},
	{Name: "pass", Label: "Pass", Help: "`dynamic`; `static` (an `observer` on each activation over the `calibration` training points); `qat` (200 fine-tuning steps through fake quantization, then converted)",
		Type: Choice, Choices: []string{"dynamic", "static", "qat"}, Default: "dynamic", Effect: Rebuild},
	{Name: "calibration", Label: "Calibration points", Help: "`static` only: how many training points the observers see, the first ones of the training set",
		Type: Int, Min: 1, Max: quantPoints, Default: "300", Effect: Rebuild},
	{Name: "observer", Label: "Observer", Help: "`static` only: `minmax` covers every value the calibration points gave; `percentile` the 1st to the 99th percentile of them, clamping the rarest extremes",
		Type: Choice, Choices: []string{"minmax", "percentile"}, Default: "minmax", Effect: Rebuild},
	{Name: "view", Label: "Graph", Help: "`integer`: the converted graph (int matmuls on the `.q` weights); `prepared`: the graph the pass works on before converting (the float model for `dynamic`, the calibration graph with its `.obs` observers for `static`, the fake-quant graph with its `.fq` nodes for `qat`)",
		Type: Choice, Choices: []string{"integer", "prepared"}, Default: "integer", Effect: Rebuild},
	{Name: "weight", Label: "Histogram of", Help: "the weight whose rounding error the histogram shows", Type: Choice,
		Choices: quantWeights(), Default: "layers.1.w", Effect: Rebuild},
	{Name: "seed", Label: "Seed", Help: "the float model's weights, data and training", Type: Seed, Default: "1", Effect: Retrain},
}}

// quantScheme returns the quantization scheme that v describes.
func quantScheme(v Values) quant.Scheme {
	return quant.Scheme{Bits: v.Int("bits"), Symmetric: v.Str("symmetry") == "symmetric", PerChannel: v.Str("granularity") == "per-channel"}
}

// Quant shows what quantizing a trained MLP costs: it steps through the
// quantized graph and reports the error of every node, the loss and
// accuracy before and after, and the bytes the weights take. The float
// model is trained once, when the exhibit is built (once per seed and
// process: see memo), and the pass (at most a short QAT fine-tuning) runs
// on every change of an option. With the qat pass it also trains on
// request: a live replay of that fine-tuning beside a float one
// (quant_train.go).
type Quant struct {
	values Values
	float  *quantFloat  // the trained float model of the seed
	rep    *quantReport // the quantized model of the other options
	step   *Stepping
	drawn  *Drawing
	run    *quantRun // the live QAT run (quant_train.go), nil before a train start
}

// NewQuant builds the quant exhibit of v, options checked by QuantOptions.
func NewQuant(v Values) (Exhibit, *Error) {
	q := &Quant{}
	if e := q.Apply(v, Retrain); e != nil {
		return nil, e
	}
	return q, nil
}

// Apply implements Exhibit: it fetches the float model of the seed (for
// Retrain), training it unless the cache has it, and quantizes it as v
// says.
func (q *Quant) Apply(v Values, effect Effect) *Error {
	f, e := cachedModel(quantFloats, q.float, effect == Retrain, v.Seed("seed"), "float model")
	if e != nil {
		return e
	}
	rep, err := f.quantize(v)
	if err != nil {
		return internal(err)
	}
	q.values, q.float, q.rep, q.run = v, f, rep, nil
	q.step = NewStepping(rep.stepped)
	q.drawn = drawingOf(rep.stepped, nil)
	return nil
}

// FloatModel returns the trained float model that the passes quantize.
func (q *Quant) FloatModel() *mlp.Model { return q.float.model }

// Values implements Exhibit.
func (q *Quant) Values() Values { return q.values }

// Stepping implements Exhibit.
func (q *Quant) Stepping() *Stepping { return q.step }

// Drawing implements Exhibit.
func (q *Quant) Drawing() *Drawing { return q.drawn }

// Views implements Exhibit: the error of every node of the stepped graph,
// which colours it, and the highlighted node's float and quantized values.
// The errors are the integer model's (the report's), in either view of the
// graph: a node of the prepared graph shows the error of the integer node
// of the same name.
func (q *Quant) Views() []View {
	return []View{q.rep.errorView(q.step.Graph(), q.step.Highlight(), "every held-out point", q.axes)}
}

// axes names the rows and columns of n's comparison maps: examples and
// units, as the other classifiers do.
func (q *Quant) axes(n *engine.Node) (rows, cols Axis) { return classifierAxes(n, q.float.test.Names) }

// Metrics implements Exhibit: the report of quantize.
// While a live QAT run goes on, Step counts its steps, and the values add
// the last step's training losses, floatTrainLoss and qatTrainLoss.
func (q *Quant) Metrics(running bool) Metrics {
	if q.run == nil || q.run.done == 0 {
		return Metrics{Values: q.rep.values}
	}
	v := make(map[string]float64, len(q.rep.values)+2)
	for k, x := range q.rep.values {
		v[k] = x
	}
	last := q.run.done - 1
	v["floatTrainLoss"], v["qatTrainLoss"] = q.run.float.Y[last], q.run.qatLoss.Y[last]
	return Metrics{Step: q.run.done, RunEnd: quantQATSteps, Running: running, Values: v}
}

// Charts implements Exhibit: the histogram of the chosen weight's
// quantization error.
func (q *Quant) Charts() ([]Chart, error) {
	w := q.values.Str("weight")
	title := fmt.Sprintf("Error of %s as %v", w, q.rep.scheme)
	svg, err := viz.Histogram(q.rep.errors[w], quantHistBins, title)
	if err != nil {
		return nil, err
	}
	charts := []Chart{{Name: "error", SVG: svg}}
	if q.run != nil && q.run.done > 0 {
		loss, err := q.run.lossChart()
		if err != nil {
			return nil, err
		}
		charts = append(charts, Chart{Name: "loss", SVG: loss})
	}
	return charts, nil
}
