package exhibit

import (
	"fmt"
	"strconv"
	"strings"

	"stepgraph/engine"
)

// neuronsGrid is the side of the grid of a hidden neuron's map: coarser
// than the decision regions' grid, so that a layer of eight maps stays a
// small message.
const neuronsGrid = 16

// NeuronsView shows where each neuron of one hidden layer of the mlp is
// active: for every unit j of layer Layer, its activation layers.<l>.act[:, j]
// at the centre of each cell of a Grid × Grid grid over [Lo, Hi]², computed
// with the current weights. It shows the layer of the highlighted node
// (layers.<l>.linear, .affine, .act, .w or .b of a hidden layer); Layer is
// -1 and Units empty otherwise.
type NeuronsView struct {
	Layer  int    // the hidden layer shown, or -1
	Node   string // its activation node, "layers.<l>.act", or ""
	Lo, Hi float64
	Grid   int
	// Units are the maps, one a unit: [Grid, Grid], row 0 at the top
	// (y = Hi), column 0 on the left (x = Lo).
	Units []Map
}

func (*NeuronsView) view() {}

// neuronCell returns the centre (x, y) of the cell of map row r and
// column c of the neurons' grid.
func neuronCell(r, c int) (x, y float64) {
	h := -2 * regionsLo / neuronsGrid
	return regionsLo + (float64(c)+0.5)*h, -regionsLo - (float64(r)+0.5)*h
}

// fillNeuronsGrid writes the cell centres into g's input x [Grid², 2], in
// the order of the maps: row by row from the top.
func fillNeuronsGrid(g *engine.Graph) {
	x := g.MustNode("x").Value // [G², 2]
	for r := range neuronsGrid {
		for c := range neuronsGrid {
			i := r*neuronsGrid + c
			x.Data[2*i], x.Data[2*i+1] = neuronCell(r, c)
		}
	}
}

// hiddenLayerOf returns the hidden layer a node name belongs to, or -1.
func (m *MLP) hiddenLayerOf(name string) int {
	rest, ok := strings.CutPrefix(name, "layers.")
	if !ok {
		return -1
	}
	num, _, _ := strings.Cut(rest, ".")
	l, err := strconv.Atoi(num)
	if err != nil || l < 0 || l >= len(m.model.Hidden) {
		return -1
	}
	return l
}

// Neurons returns the neuron maps of the highlighted node's hidden layer.
func (m *MLP) Neurons() *NeuronsView {
	v := &NeuronsView{Layer: -1, Lo: regionsLo, Hi: -regionsLo, Grid: neuronsGrid, Units: []Map{}}
	n := m.step.Highlight()
	if n == nil {
		return v
	}
	l := m.hiddenLayerOf(n.Name)
	if l < 0 {
		return v
	}
	g := m.neurons.get()
	g.Forward()
	act := g.MustNode(fmt.Sprintf("layers.%d.act", l)).Value // [G², width]
	width := act.Shape[1]
	v.Layer, v.Node = l, fmt.Sprintf("layers.%d.act", l)
	for j := range width {
		t := engine.New(neuronsGrid, neuronsGrid) // [G, G]
		for i := range t.Data {
			t.Data[i] = act.Data[i*width+j]
		}
		v.Units = append(v.Units, Map{Tensor: t})
	}
	return v
}
