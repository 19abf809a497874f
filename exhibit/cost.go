package exhibit

import (
	"stepgraph/engine/cnn"
	"stepgraph/engine/data"
	"stepgraph/engine/task"
)

// The memory an exhibit may take, estimated from its options before it is
// built, so that a server can refuse a model it has no room for instead of
// finding out. An estimate is of the most the exhibit holds: every graph it
// may build (stepped, training, scoring), each node's value and gradient,
// the parameters with a gradient per graph and an optimizer's two moments,
// and a margin for scratch and bookkeeping. TestCosts holds each estimate
// between the heap its exhibit really takes, trained, and twice that.

// floatBytes is the size of one number; a node holds a value and a
// gradient of its shape.
const floatBytes = 8

// costMargin covers the ops' scratch (softmax rows, im2col windows) and
// the graphs' bookkeeping, measured at about a fifth of the tensors.
const costMargin = 1.3

// graphsCost returns the bytes of graphs of rows rows each holding
// perRow numbers of values (and as many of gradients), over params
// parameters shared by all of them.
func graphsCost(perRow, params int, rows ...int) int64 {
	total := 0
	for _, r := range rows {
		total += 2 * perRow * r // values and gradients
	}
	// A parameter's value, one gradient per graph, two moments.
	total += params * (3 + len(rows))
	return int64(costMargin * float64(total*floatBytes))
}

// transformerRow returns the numbers one sequence holds in a transformer
// graph, and the parameters: a stack's layer holds about 20 activations of
// d per position, three score maps per head (scores, masked, probs), and
// three of the feed-forward width; a decoder layer with cross-attention
// half as much again and the cross maps.
func transformerRow(variant string, l task.Layout, d, heads, dff, layers int) (perRow, params int) {
	t, ts := l.T, l.TSrc
	block := 4*d*d + 4*d + 2*d*dff + dff + d + 4*d // attention, feed-forward, two LayerNorms
	self := func(t int) int { return 20*t*d + 3*heads*t*t + 3*t*dff }
	switch variant {
	case "encdec":
		perRow = layers*self(ts) + layers*(35*t*d+3*heads*(t*t+t*ts)+3*t*dff) + 5*(t+ts)*d + 2*t*l.V
		params = (l.VSrc+l.V+t+ts)*d + layers*(2*block+4*d*d+6*d) + 4*d + d*l.V + l.V
	default:
		perRow = layers*self(t) + 5*t*d + 2*t*l.V
		params = (l.V+t)*d + layers*block + 2*d + d*l.V + l.V
	}
	return perRow, params
}

// labCost is the lab's Cost.
func labCost(v Values) int64 {
	l, err := task.Seq{Kind: v.Str("task"), N: v.Int("n"), K: v.Int("k")}.Layout(v.Str("arch"))
	if err != nil {
		return 0 // the exhibit refuses to build it
	}
	perRow, params := transformerRow(v.Str("arch"), l, v.Int("d"), v.Int("heads"), v.Int("dff"), v.Int("layers"))
	c := graphsCost(perRow, params, 1, labTrainBatch, labSamples)
	if q := v.Str("quant"); q != labQuantNone {
		// While it quantizes: the float and integer graphs of the stepped
		// example and of the held-out samples, the fine-tuned copy's graph
		// for qat; after, the integer graph and the compared values.
		rows := []int{1, 1, labSamples, labSamples}
		if q == "qat" {
			rows = append(rows, labQATBatch)
		}
		c += graphsCost(perRow, params, rows...)
	}
	return c
}

// attentionCost is the attention exhibit's Cost.
func attentionCost(v Values) int64 {
	l, err := task.Seq{Kind: v.Str("task"), N: v.Int("n"), K: v.Int("k")}.Layout(v.Str("arch"))
	if err != nil {
		return 0
	}
	d := v.Int("d")
	perRow, params := transformerRow(v.Str("arch"), l, d, v.Int("heads"), 2*d, v.Int("layers"))
	return graphsCost(perRow, params, 1, attnTrainBatch)
}

// mlpCost is the mlp exhibit's Cost: a layer holds its product, its sum
// and its activation per example; the grid of the regions is a graph of
// its own.
func mlpCost(v Values) int64 {
	widths := append(append([]int{2}, v.Ints("hidden")...), data.PointClasses(v.Str("data")))
	perRow, params := 0, 0
	for i := 1; i < len(widths); i++ {
		perRow += 3 * widths[i]
		params += widths[i-1]*widths[i] + widths[i]
	}
	perRow += 2 + 4 // inputs, the loss's row
	return graphsCost(perRow, params, v.Int("batch"), mlpTrainBatch, regionsGrid*regionsGrid, neuronsGrid*neuronsGrid) + pointsCost(mlpAllPoints)
}

// cnnCost is the cnn exhibit's Cost: each convolution stage holds its
// product, activation and pool per image, and its op an im2col window of
// each output position; the images themselves are data.
func cnnCost(v Values) int64 {
	c := cnnConfig(v, 10) // at most 10 classes
	stages, err := c.Stages()
	if err != nil {
		return 0
	}
	perRow, params, in := c.Size*c.Size, 0, cnn.Stage{Channels: 1, Height: c.Size, Width: c.Size}
	for i, s := range stages {
		conv := c.Convs[i]
		perRow += s.Channels * (2*s.ConvHeight*s.ConvWidth + s.Height*s.Width)
		perRow += in.Channels * conv.Kernel * conv.Kernel * s.ConvHeight * s.ConvWidth // im2col
		params += s.Channels * (in.Channels*conv.Kernel*conv.Kernel + 1)
		in = s
	}
	params += c.Features()*10 + 10
	images := (cnnImages + cnnTestImages) * c.Size * c.Size * floatBytes
	return graphsCost(perRow, params, 1, cnnTrainBatch, cnnEvalBatch) + int64(images)
}

// pointsCost is the bytes of n 2-D points with their labels.
func pointsCost(n int) int64 { return int64(n * 3 * floatBytes) }

// quantCost is the quant exhibit's Cost. The trained float model is
// shared by seed, and the pass's graphs over the held-out points are
// dropped once measured; the exhibit keeps the stepped graph over
// quantBatch points (each layer a product, a sum, an activation, and as
// many of the quantize and dequantize ops) and, per parameter, its
// quantized value, its dequantized value and its error; for the graph's
// error colours and the inspector's comparison, each op node's float and
// integer values on the stepped points (as many numbers as the stepped
// graph's values and gradients) and each weight's round trip again.
//
// Percentile observers in a stepped calibration graph keep the values
// they saw. With the qat pass, a live run (quant_train.go) adds two copies of the
// model, each with its training graph over quantTrainBatch points, its
// gradients and Adam's two moments, the QAT graph's fake-quant nodes of
// every linear layer's input and weight (values and gradients), and two
// losses a step.
func quantCost(v Values) int64 {
	perRow, params, inputs, weights := 0, 0, 0, 0
	widths := append(append([]int{quantConfig.Inputs}, quantConfig.Hidden...), quantConfig.Classes)
	for i := 1; i < len(widths); i++ {
		perRow += 2 * 3 * widths[i]
		params += widths[i-1]*widths[i] + widths[i]
		inputs += widths[i-1]
		weights += widths[i-1] * widths[i]
	}
	numbers := 3*perRow*quantBatch + 4*params
	if v.Str("pass") == "static" && v.Str("observer") == "percentile" && v.Str("view") == "prepared" {
		// The stepped calibration graph's percentile observers keep every
		// value they saw: each calibration point's activations.
		numbers += v.Int("calibration") * inputs
	}
	if v.Str("pass") == "qat" {
		numbers += 2*perRow*quantTrainBatch + 8*params + 2*(inputs*quantTrainBatch+weights) + 2*2*quantQATSteps
	}
	return int64(costMargin * float64(numbers*floatBytes))
}

// distillCost is the distill exhibit's Cost: the teacher is shared by
// seed; each student has its graph over the labelled points and one over
// the held-out points, and the taught student's training graph and the
// stepped graph run the frozen teacher beside it.
func distillCost(v Values) int64 {
	w, p := v.Int("width"), v.Int("points")
	student := 3 * (2*w + 3) // per example: two hidden layers and the logits
	teacher := 0             // the frozen teacher's layers
	widths := append(append([]int{distillTeacherConfig.Inputs}, distillTeacherConfig.Hidden...), distillTeacherConfig.Classes)
	for _, n := range widths[1:] {
		teacher += 3 * n
	}
	params := 2 * (2*w + w*w + 3*w + 2*w + 3) // both students
	alone := graphsCost(student, params, p, distillTeacherPoints, distillTeacherPoints)
	taught := graphsCost(student+teacher+8, 0, p, distillBatch) // with the softened outputs and both losses
	return alone + taught
}
