package exhibit

import (
	"fmt"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/quant"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// The lab's quantization: the quant option runs the lab's transformer, as
// it is when the option is set (trained or not), through one of package
// quant's passes, and the learner steps the integer graph it gives. Every
// linear layer (the attention's projections, the feed-forward layers and
// the head) becomes an int matmul on a .q weight; attention's products of
// two activations, the embeddings and the LayerNorms stay float. The
// graph is coloured by each node's error against the float model on the
// stepped example; the metrics add the float and quantized loss and
// accuracy on the held-out samples, the bytes of the weights, and the
// measured time of the linear layers (lab_quant_time.go).
const (
	labMaxCalib  = 64    // calibration sequences of the static pass, at most
	labQATSteps  = 40    // fine-tuning steps of the qat pass, at most
	labQATMin    = 10    // and at least
	labQATWork   = 4e6   // parameters x steps: the largest models take labQATMin steps, a tenth of a second or two
	labQATBatch  = 8     // sequences per fine-tuning step
	labQATLR     = 0.001 // their learning rate (Adam): the weights may be trained already
	labQuantNone = "none"
)

// labQuantOptions are the lab's quantization options, the last of its
// table.
var labQuantOptions = []Option{
	{Name: "quant", Label: "Quantize", Help: "run the model on integers: `none` keeps it float; `dynamic` quantizes the weights now and each activation row from its own range at run time; " +
		"`static` fixes each activation's grid from its range over `qcalib` calibration sequences; `qat` fine-tunes a copy through fake quantization for " +
		fmt.Sprintf("%d steps (fewer for large models, %d at the least)", labQATSteps, labQATMin) + ", then converts it. The weights are the lab's as they are when it is set; a change pauses training, and the lab trains only its float model",
		Type: Choice, Choices: []string{labQuantNone, "dynamic", "static", "qat"}, ChoiceLabels: []string{"none (float)", "dynamic", "static", "QAT"},
		Default: labQuantNone, Effect: Requantize},
	{Name: "qbits", Label: "Quant bits", Help: "bits per weight and activation, on a grid symmetric around 0 with one scale per output column of each weight",
		Type: Choice, Choices: []string{"8", "4"}, ChoiceLabels: []string{"int8", "int4"}, Default: "8", Effect: Requantize},
	{Name: "qcalib", Label: "Calibration seqs", Help: "`static` only: how many random training sequences the min/max observers see",
		Type: Int, Min: 1, Max: labMaxCalib, Default: "16", Effect: Requantize},
}

// labScheme returns the scheme the lab quantizes with.
func labScheme(v Values) quant.Scheme {
	return quant.Scheme{Bits: v.Int("qbits"), Symmetric: true, PerChannel: true}
}

// requantize quantizes the lab's model as its options say (or goes back
// to the float model for none), and steps the graph that gives at the
// same place of the timeline.
func (l *Lab) requantize() *Error {
	g := l.lm.g
	if l.values.Str("quant") == labQuantNone {
		l.quant = nil
	} else {
		rep, err := l.quantize()
		if err != nil {
			return internal(err)
		}
		l.quant, g = rep, rep.stepped
	}
	l.step = restep(l.step, g)
	l.relayout()
	return nil
}

// notQuantized refuses what needs the float model while the lab runs its
// quantized one: what, such as "train", says what was asked.
func (l *Lab) notQuantized(what string) *Error {
	if l.quant == nil {
		return nil
	}
	return at(Errorf(Busy, "the lab runs its quantized model, whose weights are frozen integers: set Quantize to none to %s, then quantize again", what), "quant")
}

// quantize runs the lab's pass on the model as it is, and measures the
// result:
//
//	floatLoss, floatAccuracy   the float model on the held-out samples
//	quantLoss, quantAccuracy   the quantized model on them
//	floatBytes, bytes          parameter bytes as float32, and quantized
//	weightBytes, scaleBytes, zeroBytes, otherBytes   the parts of bytes
//	linears, matmulMACs        the int matmuls of one pass and their multiply-adds
//	floatMatmulNs, int8MatmulNs, int8LinearNs   their measured times (lab_quant_time.go)
//	qatSteps, qatFirstLoss, qatLastLoss        the qat pass's fine-tuning
//	mse:<name>, maxAbs:<name>, sqnr:<name>     each node's error on the stepped example
func (l *Lab) quantize() (*quantReport, error) {
	v, lm := l.values, l.lm
	s, pass := labScheme(v), v.Str("quant")
	build := func(m *transformer.Model, rows int) (*engine.Graph, error) {
		return m.BuildMasked(rows, lm.layout.T, lm.layout.TSrc, l.masks.patterns())
	}
	m, qat, tune := lm.model, (*engine.Graph)(nil), []float64(nil)
	if pass == "qat" {
		var err error
		if m, qat, tune, err = l.fineTune(s, build); err != nil {
			return nil, fmt.Errorf("quantization-aware training: %w", err)
		}
	}
	calib := l.calibrationInputs(v.Int("qcalib"))
	conv := func(g *engine.Graph) (q, cal *engine.Graph, err error) {
		return labConvert(pass, g, s, qat, lm.layout, calib)
	}

	// The stepped example, in the float and the integer model.
	ref, err := build(lm.model, 1)
	if err != nil {
		return nil, err
	}
	task.Fill(ref, lm.batch)
	ref.Forward()
	src, err := build(m, 1)
	if err != nil {
		return nil, err
	}
	task.Fill(src, lm.batch)
	q, cal, err := conv(src)
	if err != nil {
		return nil, err
	}
	task.Fill(q, lm.batch)
	q.Forward()

	rep := &quantReport{
		scheme: s, stepped: q, values: map[string]float64{},
		rows: map[string][2]*engine.Tensor{}, nodeErrors: map[string]quant.Error{}, weights: map[string][2]*engine.Tensor{},
	}
	if err := l.heldOutReport(rep, build, m, conv); err != nil {
		return nil, err
	}
	mem := quant.MemoryOf(ref, s)
	if key := pass + " " + s.String(); l.timed.key != key {
		l.timed = labTimed{key: key, times: timeLinears(ref, q)}
	}
	times := l.timed.times
	for k, x := range map[string]float64{
		"floatBytes": float64(mem.Float32), "bytes": float64(mem.Quantized()),
		"weightBytes": float64(mem.Weights), "scaleBytes": float64(mem.Scales), "zeroBytes": float64(mem.Zeros), "otherBytes": float64(mem.Other),
		"linears": float64(times.linears), "matmulMACs": float64(times.macs),
		"floatMatmulNs": times.float, "int8MatmulNs": times.int8, "int8LinearNs": times.linear,
	} {
		rep.put(k, x)
	}
	if tune != nil {
		rep.put("qatSteps", float64(len(tune)))
		rep.put("qatFirstLoss", tune[0])
		rep.put("qatLastLoss", tune[len(tune)-1])
	}
	if cal != nil {
		rep.calibration = calibrationOf(cal, q, len(calib))
		rep.calibration.Inputs = make([]string, len(calib))
		for i, x := range calib {
			rep.calibration.Inputs[i] = lm.layout.Task.Format(x)
		}
	}
	for _, e := range quant.Compare(ref, q) {
		rep.putError(e)
		rep.rows[e.Name] = [2]*engine.Tensor{ref.MustNode(e.Name).Value.Clone(), q.MustNode(e.Name).Value.Clone()}
	}
	for _, e := range quant.WeightErrors(src, s) {
		rep.putError(e)
		w := src.MustNode(e.Name).Value.Clone()
		d, _ := quant.RoundTrip(w, s)
		rep.weights[e.Name] = [2]*engine.Tensor{w, d}
	}
	return rep, nil
}

// heldOutReport puts the loss and token accuracy of the float model and
// of the quantized model m (converted by conv) on the held-out samples,
// teacher-forced, as the training card measures them.
func (l *Lab) heldOutReport(rep *quantReport, build func(*transformer.Model, int) (*engine.Graph, error), m *transformer.Model,
	conv func(*engine.Graph) (*engine.Graph, *engine.Graph, error)) error {
	b, err := l.lm.layout.Encode(l.lm.held)
	if err != nil {
		return err
	}
	f, err := build(l.lm.model, len(l.lm.held))
	if err != nil {
		return err
	}
	src, err := build(m, len(l.lm.held))
	if err != nil {
		return err
	}
	task.Fill(src, b)
	q, _, err := conv(src)
	if err != nil {
		return err
	}
	for _, g := range []struct {
		name string
		g    *engine.Graph
	}{{"float", f}, {"quant", q}} {
		task.Fill(g.g, b)
		rep.put(g.name+"Loss", g.g.Forward())
		rep.put(g.name+"Accuracy", task.Accuracy(g.g, b))
	}
	return nil
}

// labConvert returns the integer graph of g, a fresh float graph, under
// the pass, and for static its calibration graph: calib are the
// calibration inputs, qat the trained QAT graph of the qat pass.
func labConvert(pass string, g *engine.Graph, s quant.Scheme, qat *engine.Graph, layout task.Layout, calib [][]int) (q, cal *engine.Graph, err error) {
	switch pass {
	case "dynamic":
		q, err = quant.Dynamic(g, s)
	case "static":
		q, err = quant.Static(g, s, quant.NewMinMax, func(c *engine.Graph) error {
			cal = c
			return calibrateOn(c, layout, calib)
		})
	case "qat":
		q, err = quant.Convert(qat, g, s)
	default:
		panic("exhibit: unknown quantization pass " + pass)
	}
	return q, cal, err
}

// calibrateOn runs calibration graph cal forward over the inputs, as many
// a batch as it has rows. The last batch is filled with inputs from the
// start again, which a min/max observer's range does not change.
func calibrateOn(cal *engine.Graph, layout task.Layout, inputs [][]int) error {
	rows := cal.MustNode("input_ids").Shape[0]
	batch := make([][]int, rows)
	for start := 0; start < len(inputs); start += rows {
		for r := range batch {
			batch[r] = inputs[(start+r)%len(inputs)]
		}
		b, err := layout.Encode(batch)
		if err != nil {
			return err
		}
		task.Fill(cal, b)
		cal.Forward()
	}
	return nil
}

// calibrationInputs draws the static pass's n calibration sequences from
// the seed's calibration stream, one after the other, so that n of them
// begin with the n-1 of one fewer: training inputs, never a held-out one
// when the task has enough others.
func (l *Lab) calibrationInputs(n int) [][]int {
	rng := LabStream(l.values.Seed("seed"), StreamCalib)
	xs := make([][]int, n)
	for i := range xs {
		xs[i] = l.lm.layout.Inputs(rng, 1)[0]
		for l.lm.heldOut && l.lm.isHeld(xs[i]) {
			xs[i] = l.lm.layout.Inputs(rng, 1)[0]
		}
	}
	return xs
}

// labQATStepsOf returns the fine-tuning steps of a model of params
// parameters.
func labQATStepsOf(params int) int {
	return min(labQATSteps, max(labQATMin, int(labQATWork)/params))
}

// fineTune runs quantization-aware training on a copy of the lab's model:
// labQATStepsOf Adam steps through fake-quant nodes on batches of
// labQATBatch training sequences from the seed's QAT stream. It returns the tuned copy, its QAT graph
// (whose observers hold the activation ranges) and the loss of each step.
func (l *Lab) fineTune(s quant.Scheme, build func(*transformer.Model, int) (*engine.Graph, error)) (*transformer.Model, *engine.Graph, []float64, error) {
	seed := l.values.Seed("seed")
	m, err := transformer.New(l.lm.model.Config, seed)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := m.SetParams(l.lm.model.Params); err != nil {
		return nil, nil, nil, err
	}
	g, err := build(m, labQATBatch)
	if err != nil {
		return nil, nil, nil, err
	}
	qat, err := quant.QAT(g, s)
	if err != nil {
		return nil, nil, nil, err
	}
	opt, rng := optim.NewAdam(labQATLR), LabStream(seed, StreamQAT)
	losses := make([]float64, labQATStepsOf(m.NumParams()))
	for i := range losses {
		task.Fill(qat, l.lm.batchOf(rng, labQATBatch))
		losses[i] = optim.TrainStep(qat, opt)
	}
	quant.SetObserving(qat, false)
	return m, qat, losses, nil
}
