package viz_test

import (
	"stepgraph/engine"
)

// tinyGraph builds a small two-layer perceptron with a residual connection
// from the core ops only, so that its drawing does not change when the
// models change:
//
//	x [2,4] -> fc1 (matmul, add, relu) -> fc2 (matmul, add) -> resid = x + fc2
//	        -> head (matmul) -> logits -> cross-entropy with y [2]
func tinyGraph() *engine.Graph {
	r := engine.NewMulberry32(7)
	param := func(shape ...int) *engine.Tensor {
		t := engine.New(shape...)
		for i := range t.Data {
			t.Data[i] = r.Next() - 0.5
		}
		return t
	}
	g := engine.NewGraph()
	x := g.Input("x", 2, 4)                                                     // [2, 4]
	y := g.Input("y", 2)                                                        // [2]
	h := g.Apply("fc1.mm", &engine.MatMul{}, x, g.Param("fc1.w", param(4, 8)))  // [2, 8]
	h = g.Apply("fc1.add", &engine.Add{}, h, g.Param("fc1.b", param(8)))        // [2, 8]
	h = g.Apply("fc1.act", engine.ReLU(), h)                                    // [2, 8]
	h = g.Apply("fc2.mm", &engine.MatMul{}, h, g.Param("fc2.w", param(8, 4)))   // [2, 4]
	h = g.Apply("fc2.add", &engine.Add{}, h, g.Param("fc2.b", param(4)))        // [2, 4]
	h = g.Apply("resid", &engine.Add{}, x, h)                                   // [2, 4]
	z := g.Apply("logits", &engine.MatMul{}, h, g.Param("head.w", param(4, 3))) // [2, 3]
	g.Loss("loss", &engine.CrossEntropy{}, z, y)
	return g
}
