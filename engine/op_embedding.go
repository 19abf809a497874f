package engine

import "fmt"

// Embedding looks up rows of a table. Inputs: the table [V, d] and integer
// ids [...] stored as float64. The output [..., d] holds, for each id, the
// table row it names:
//
//	y[p, :] = table[id_p, :]
//
// The backward pass scatters each output row's gradient back into the row
// it came from, adding (+=) when an id appears more than once. Ids are
// discrete, so they get no gradient. Rows that no id names get none.
type Embedding struct{}

// Info describes the op.
func (*Embedding) Info() OpInfo {
	return OpInfo{Name: "embedding", Formula: `y_{p} = E_{\mathrm{id}_p}`}
}

// Shape returns [ids..., d]. It panics unless the table is 2-D.
func (*Embedding) Shape(in ...[]int) []int {
	if len(in) != 2 || len(in[0]) != 2 {
		panic(fmt.Sprintf("engine: embedding takes (table [V, d], ids), got %v", in))
	}
	return append(append([]int(nil), in[1]...), in[0][1])
}

// Forward gathers one table row per id. It panics with an "engine: "
// message if an id is not an integer in [0, V): callers validate external
// data before it reaches the graph.
func (*Embedding) Forward(out *Tensor, in ...*Tensor) {
	table, ids := in[0], in[1]
	v, d := table.Shape[0], table.Shape[1]
	for p, f := range ids.Data {
		id := int(f)
		if float64(id) != f || id < 0 || id >= v {
			panic(fmt.Sprintf("engine: embedding id %v at %d outside [0, %d)", f, p, v))
		}
		copy(out.Data[p*d:(p+1)*d], table.Data[id*d:(id+1)*d])
	}
}

// Backward accumulates dtable[id_p, :] += dy[p, :] for every position p.
func (*Embedding) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	d := in[0].Shape[1]
	dt := din[0].Data
	for p, f := range in[1].Data {
		id := int(f)
		row, g := dt[id*d:(id+1)*d], dout.Data[p*d:(p+1)*d]
		for j, v := range g {
			row[j] += v
		}
	}
}
