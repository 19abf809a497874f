package exhibit

import (
	"slices"
	"time"

	"stepgraph/engine"
	"stepgraph/engine/quant"
)

// How the lab times its linear layers: a round repeats one forward pass
// of them until it has taken labTimeRound (at most labTimeMaxReps
// passes); the time is the median of labTimeRounds rounds, per pass. At
// the lab's largest model a pass takes a few milliseconds, so the three
// timings stay within a few tenths of a second.
const (
	labTimeRound   = 500 * time.Microsecond
	labTimeMaxReps = 1024
	labTimeRounds  = 5
)

// linearTimes are the measured times, in nanoseconds, of the linear layers
// of one forward pass of the stepped example, on this server as it runs:
//
//	float   the float model's matmuls X W, in the engine's float64 gemm
//	int8    the int8 x int8 products with int32 sums alone (quant.MatMulInt8To)
//	linear  the whole int linear layers: quantize X, the int8 product, rescale (quant.QMatMul)
type linearTimes struct {
	float, int8, linear float64
	linears, macs       int // the layers, and their multiply-adds: rows x k x n summed
}

// labTimed is a lab's timing of its quantized model's linear layers, and
// the pass and scheme it timed ("dynamic int8-sym-channel"). It
// depends on nothing else the lab changes without building a new model
// (the weights, the tokens and the masks leave every shape as it was), so
// a requantize of the same pass and scheme keeps it: a mask edit of a
// quantized lab need not time again.
type labTimed struct {
	key   string
	times linearTimes
}

// timeLinears times the int matmuls of q (run forward on the stepped
// example) against the matmuls of the same name in ref, the float graph
// of the same example.
func timeLinears(ref, q *engine.Graph) linearTimes {
	var t linearTimes
	var floats, ints, linears []func()
	for _, n := range q.Nodes {
		op, ok := n.Op.(*quant.QMatMul)
		if !ok {
			continue
		}
		f := ref.MustNode(n.Name)
		x, w := n.Inputs[0].Value, n.Inputs[1].Value // [..., k], [k, cols]
		k, cols := w.Shape[0], w.Shape[1]
		rows := x.Size() / k
		t.linears++
		t.macs += rows * k * cols

		fout, fa, fb := engine.New(f.Shape...), f.Inputs[0].Value, f.Inputs[1].Value
		floats = append(floats, func() { f.Op.Forward(fout, fa, fb) })

		qx, qw, acc := make([]int8, rows*k), make([]int8, k*cols), make([]int32, rows*cols)
		quant.QuantizeTo(qx, nil, x.Data, []int{rows, k}, op.LastAct)
		for i, v := range w.Data {
			qw[i] = int8(v)
		}
		ints = append(ints, func() { quant.MatMulInt8To(acc, qx, qw, rows, k, cols) })

		qout := engine.New(n.Shape...)
		linears = append(linears, func() { op.Forward(qout, x, w) })
	}
	if t.linears > 0 {
		t.float, t.int8, t.linear = timePass(floats), timePass(ints), timePass(linears)
	}
	return t
}

// timePass returns the median time of one run of every function of fs,
// in nanoseconds.
func timePass(fs []func()) float64 {
	pass := func(reps int) time.Duration {
		start := time.Now()
		for range reps {
			for _, f := range fs {
				f()
			}
		}
		return time.Since(start)
	}
	pass(1) // warm the caches
	reps := 1
	for reps < labTimeMaxReps && pass(reps) < labTimeRound {
		reps *= 2
	}
	rounds := make([]float64, labTimeRounds)
	for i := range rounds {
		rounds[i] = float64(pass(reps).Nanoseconds()) / float64(reps)
	}
	slices.Sort(rounds)
	return rounds[len(rounds)/2]
}
