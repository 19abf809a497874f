package exhibit

import (
	"fmt"
	"math"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
	"stepgraph/engine/quant"
)

// The recipe of the quant exhibit's float model: an MLP 2 -> 16 -> 16 -> 3
// (ReLU) trained with Adam on spiral points when the widget is configured.
// 1200 steps take tens of milliseconds and reach 94-99% held-out accuracy
// (97.7% for seed 1), which leaves int4 something to lose.
const (
	quantPoints     = 300   // training points, and as many held-out points
	quantNoise      = 0.05  // jitter of the points
	quantBatch      = 4     // examples in the stepped graph: the first held-out points
	quantTrainBatch = 32    // examples per training step
	quantTrainSteps = 1200  // Adam steps of the float model
	quantLR         = 0.02  // Adam's learning rate for the first three quarters of them
	quantLRLate     = 0.005 // and for the last quarter
	quantQATSteps   = 200   // fine-tuning steps of the QAT pass
	quantQATLR      = 0.002 // their learning rate: small, the model is trained already
	quantHistBins   = 24    // bins of the error histogram
)

// quantConfig is the float model's architecture.
var quantConfig = mlp.Config{Inputs: 2, Hidden: []int{16, 16}, Classes: 3, Act: "relu"}

// quantWeights returns the names of the float model's weights, the tensors
// the passes quantize: "layers.0.w", "layers.1.w", ...
func quantWeights() []string {
	names := make([]string, len(quantConfig.Hidden)+1)
	for l := range names {
		names[l] = fmt.Sprintf("layers.%d.w", l)
	}
	return names
}

// quantFloat is a trained float model and its data.
type quantFloat struct {
	seed        uint32
	model       *mlp.Model
	train, test *data.Set
}

// quantRecipe trains the float model.
var quantRecipe = spiralRecipe{
	config: quantConfig, points: quantPoints, noise: quantNoise, batch: quantTrainBatch,
	steps: quantTrainSteps, lr: quantLR, lrLate: quantLRLate, stream: 1,
}

// trainQuantFloat trains the float model of a seed: weights, points and
// batches all come from it.
func trainQuantFloat(seed uint32) (*quantFloat, error) {
	m, train, test, err := quantRecipe.train(seed)
	if err != nil {
		return nil, err
	}
	return &quantFloat{seed: seed, model: m, train: train, test: test}, nil
}

// graph builds a fresh float graph of m for batch examples, filled with the
// first held-out points.
func (f *quantFloat) graph(m *mlp.Model, batch int) (*engine.Graph, error) {
	g, err := m.Build(batch)
	if err != nil {
		return nil, err
	}
	data.FillFirst(g, f.test)
	return g, nil
}

// quantCalib is a static pass's calibration: how many training points,
// which observer, and the rows of the current batch that are calibration
// points (the rest repeat points from the start of the set).
type quantCalib struct {
	points   int
	observer string // "minmax" or "percentile"
	rows     *int   // the current batch's calibration rows; 0: all of them
}

// quantPercentile is the percentile observer's P: the range runs from the
// 1st to the 99th percentile of the values seen.
const quantPercentile = 99

// calibOf returns the calibration the options v describe.
func calibOf(v Values) quantCalib {
	return quantCalib{points: v.Int("calibration"), observer: v.Str("observer"), rows: new(int)}
}

// newObserver returns the observers of c: each sees only the calibration
// rows of a batch, so that it sees every calibration point exactly once
// whatever the batch size.
func (c quantCalib) newObserver() func() quant.Observer {
	return func() quant.Observer {
		inner := quant.NewMinMax()
		if c.observer == "percentile" {
			inner = quant.NewPercentile(quantPercentile)
		}
		return &rowsObserver{Observer: inner, rows: c.rows}
	}
}

// rowsObserver passes the first *rows rows of each batch to its observer
// (every row when *rows is 0 or the batch's size).
type rowsObserver struct {
	quant.Observer
	rows *int
}

// Observe records the calibration rows of x.
func (o *rowsObserver) Observe(x *engine.Tensor) {
	if k := *o.rows; k > 0 && x.Rank() > 0 && k < x.Shape[0] {
		x = leading(x, k)
	}
	o.Observer.Observe(x)
}

// calibrate returns the calibration of a static pass over the first
// c.points training points: it runs the pass's calibration graph forward
// over them, a batch at a time, so that its observers see each once. A
// batch larger than what is left is filled with points from the start of
// the set again, which the observers do not see.
func (f *quantFloat) calibrate(c quantCalib) func(cal *engine.Graph) error {
	return func(cal *engine.Graph) error {
		x, y := cal.MustNode("x").Value, cal.MustNode("y").Value
		idx := make([]int, y.Size())
		for start := 0; start < c.points; start += len(idx) {
			for b := range idx {
				idx[b] = (start + b) % c.points
			}
			*c.rows = min(len(idx), c.points-start)
			f.train.Fill(x, y, idx)
			cal.Forward()
		}
		*c.rows = 0
		return nil
	}
}

// fineTune runs quantization-aware training on a copy of the float model:
// quantQATSteps steps through fake-quant nodes. It returns the tuned copy
// and its QAT graph, whose observers now hold the activation ranges.
func (f *quantFloat) fineTune(s quant.Scheme) (*mlp.Model, *engine.Graph, error) {
	m, err := mlp.New(quantConfig, f.seed)
	if err != nil {
		return nil, nil, err
	}
	if err := m.SetParams(f.model.Params); err != nil {
		return nil, nil, err
	}
	g, err := m.Build(quantTrainBatch)
	if err != nil {
		return nil, nil, err
	}
	qat, err := quant.QAT(g, s)
	if err != nil {
		return nil, nil, err
	}
	data.Train(qat, f.train, optim.NewAdam(quantQATLR), quantQATSteps, engine.NewMulberry32(f.seed+3))
	quant.SetObserving(qat, false)
	return m, qat, nil
}

// convert returns the integer graph of g, a fresh float graph, under the
// pass; qat is the trained QAT graph for the "qat" pass.
func (f *quantFloat) convert(pass string, g *engine.Graph, s quant.Scheme, qat *engine.Graph, cb quantCalib) (*engine.Graph, error) {
	q, _, err := f.convertCal(pass, g, s, qat, cb)
	return q, err
}

// convertCal is convert that also returns, for the static pass, its
// calibration graph (the observers' ranges).
func (f *quantFloat) convertCal(pass string, g *engine.Graph, s quant.Scheme, qat *engine.Graph, cb quantCalib) (*engine.Graph, *engine.Graph, error) {
	if pass == "static" {
		var cal *engine.Graph
		q, err := quant.Static(g, s, cb.newObserver(), func(c *engine.Graph) error {
			cal = c
			return f.calibrate(cb)(c)
		})
		return q, cal, err
	}
	q, err := f.convertOther(pass, g, s, qat)
	return q, nil, err
}

// convertOther converts g by the dynamic or the qat pass.
func (f *quantFloat) convertOther(pass string, g *engine.Graph, s quant.Scheme, qat *engine.Graph) (*engine.Graph, error) {
	switch pass {
	case "dynamic":
		return quant.Dynamic(g, s)
	case "qat":
		return quant.Convert(qat, g, s)
	}
	panic("exhibit: unknown quantization pass " + pass)
}

// prepare returns the graph a pass works on before it converts g: g itself
// for dynamic (nothing to insert), the calibration graph with its observers
// for static, and for qat the fake-quant graph with the activation ranges
// that training learnt (frozen, as for evaluation).
func (f *quantFloat) prepare(pass string, g *engine.Graph, s quant.Scheme, qat *engine.Graph, cb quantCalib) (*engine.Graph, error) {
	switch pass {
	case "dynamic":
		return g, nil
	case "static":
		var cal *engine.Graph
		_, err := quant.Static(g, s, cb.newObserver(), func(c *engine.Graph) error {
			cal = c
			return f.calibrate(cb)(c)
		})
		return cal, err
	case "qat":
		p, err := quant.QAT(g, s)
		if err != nil {
			return nil, err
		}
		if err := shareObservers(p, qat); err != nil {
			return nil, err
		}
		quant.SetObserving(p, false)
		return p, nil
	}
	panic("exhibit: unknown quantization pass " + pass)
}

// shareObservers gives each activation fake-quant node of dst the observer
// of the node of the same name in src, so dst quantizes with the ranges src
// has learnt.
func shareObservers(dst, src *engine.Graph) error {
	for _, n := range dst.Nodes {
		a := actQuantizer(n)
		if a == nil {
			continue
		}
		from := actQuantizer(src.Node(n.Name))
		if from == nil {
			return fmt.Errorf("share observers: no activation fake-quant %q in the trained graph", n.Name)
		}
		a.Observer = from.Observer
	}
	return nil
}

// actQuantizer returns the activation quantizer of a fake-quant node, or
// nil.
func actQuantizer(n *engine.Node) *quant.ActQuantizer {
	if n == nil {
		return nil
	}
	fq, ok := n.Op.(*engine.FakeQuant)
	if !ok {
		return nil
	}
	a, _ := fq.Q.(*quant.ActQuantizer)
	return a
}

// quantReport is a quantized model and what it costs.
type quantReport struct {
	scheme  quant.Scheme
	stepped *engine.Graph        // the graph the learner steps, on the first held-out points
	values  map[string]float64   // the metrics message: see quantize
	errors  map[string][]float64 // per weight name, w - w' for every entry

	// What the graph's colours and the inspector's comparison show.
	rows        map[string][2]*engine.Tensor // per compared op node, its float and integer values on the stepped points
	nodeErrors  map[string]quant.Error       // engine/quant's error of each op node (Compare) and weight (WeightErrors), by name
	weights     map[string][2]*engine.Tensor // per weight name, the float weight and its round trip
	calibration *QuantCalibration            // the static pass's calibration; nil for the others
}

// quantize runs the options' pass on the float model and measures the
// result on every held-out point. The values it reports are:
//
//	floatLoss, floatAccuracy   the float model
//	quantLoss, quantAccuracy   the quantized model
//	floatBytes, bytes          parameter bytes as float32, and quantized
//	weightBytes, scaleBytes, zeroBytes, otherBytes   the parts of bytes
//	mse:<name>, maxAbs:<name>, sqnr:<name>
//
// The last three are the error of each op node of the integer graph against
// the float node of the same name, and of each weight's round trip (under
// the weight's name); an SQNR is left out when the error is exactly 0.
func (f *quantFloat) quantize(v Values) (*quantReport, error) {
	s := quantScheme(v)
	pass := v.Str("pass")
	m, qat := f.model, (*engine.Graph)(nil)
	if pass == "qat" {
		var err error
		if m, qat, err = f.fineTune(s); err != nil {
			return nil, fmt.Errorf("quantization-aware training: %w", err)
		}
	}
	n := f.test.Len()
	ref, err := f.graph(f.model, n)
	if err != nil {
		return nil, err
	}
	src, err := f.graph(m, n)
	if err != nil {
		return nil, err
	}
	cb := calibOf(v)
	q, cal, err := f.convertCal(pass, src, s, qat, cb)
	if err != nil {
		return nil, err
	}
	data.FillFirst(q, f.test)
	ref.Forward()
	q.Forward()

	if src, err = f.graph(m, quantBatch); err != nil {
		return nil, err
	}
	var stepped *engine.Graph
	if v.Str("view") == "integer" {
		stepped, err = f.convert(pass, src, s, qat, cb)
	} else {
		stepped, err = f.prepare(pass, src, s, qat, cb)
	}
	if err != nil {
		return nil, err
	}
	data.FillFirst(stepped, f.test)

	rep := &quantReport{
		scheme: s, stepped: stepped, values: map[string]float64{}, errors: map[string][]float64{},
		rows: map[string][2]*engine.Tensor{}, nodeErrors: map[string]quant.Error{}, weights: map[string][2]*engine.Tensor{},
	}
	fe, qe := quant.Evaluate(ref), quant.Evaluate(q)
	mem := quant.MemoryOf(ref, s)
	for k, v := range map[string]float64{
		"floatLoss": fe.Loss, "floatAccuracy": fe.Accuracy, "quantLoss": qe.Loss, "quantAccuracy": qe.Accuracy,
		"floatBytes": float64(mem.Float32), "bytes": float64(mem.Quantized()),
		"weightBytes": float64(mem.Weights), "scaleBytes": float64(mem.Scales), "zeroBytes": float64(mem.Zeros), "otherBytes": float64(mem.Other),
	} {
		rep.put(k, v)
	}
	if cal != nil {
		rep.calibration = calibrationOf(cal, q, cb.points)
	}
	for _, e := range quant.Compare(ref, q) {
		rep.putError(e)
		// The graphs over every held-out point are dropped: the
		// inspector's comparison keeps the stepped points only.
		rep.rows[e.Name] = [2]*engine.Tensor{leading(ref.MustNode(e.Name).Value, quantBatch), leading(q.MustNode(e.Name).Value, quantBatch)}
	}
	wg, err := m.Build(1) // a graph of m, for its weights
	if err != nil {
		return nil, err
	}
	for _, e := range quant.WeightErrors(wg, s) {
		rep.putError(e)
	}
	for _, name := range quantWeights() {
		w := m.Params[name]
		d, _ := quant.RoundTrip(w, s)
		rep.weights[name] = [2]*engine.Tensor{w, d}
		diff := make([]float64, w.Size())
		for i, v := range w.Data {
			diff[i] = v - d.Data[i]
		}
		rep.errors[name] = diff
	}
	return rep, nil
}

// put stores a finite value; JSON has no infinity.
func (r *quantReport) put(key string, v float64) {
	if !math.IsInf(v, 0) && !math.IsNaN(v) {
		r.values[key] = v
	}
}

// putError stores the three numbers of a node's error.
func (r *quantReport) putError(e quant.NodeError) {
	r.nodeErrors[e.Name] = e.Error
	r.put("mse:"+e.Name, e.MSE)
	r.put("maxAbs:"+e.Name, e.MaxAbs)
	r.put("sqnr:"+e.Name, e.SQNR)
}
