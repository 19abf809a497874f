package exhibit

import (
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/viz"
)

// The decision regions of the mlp exhibit: the class the model predicts at
// each cell of a grid over the plane, drawn under the training points.
const (
	regionsGrid = 32    // cells per side; the grid is one graph of regionsGrid² rows
	regionsLo   = -1.25 // the grid covers [regionsLo, -regionsLo]², where the point sets lie
)

// fillGrid writes the centres of the grid's cells into g's input x
// [regionsGrid², 2], row by row from the bottom, as viz.Regions orders
// them.
func fillGrid(g *engine.Graph) {
	x := g.MustNode("x").Value // [G², 2]
	h := -2 * regionsLo / regionsGrid
	for row := range regionsGrid {
		for col := range regionsGrid {
			i := row*regionsGrid + col
			x.Data[2*i] = regionsLo + (float64(col)+0.5)*h
			x.Data[2*i+1] = regionsLo + (float64(row)+0.5)*h
		}
	}
}

// Regions runs the model on the grid and returns its decision regions
// with the training points.
func (m *MLP) Regions() viz.Regions {
	grid := m.grid.get()
	grid.Forward()
	r := viz.Regions{
		Title: "Decision regions", Lo: regionsLo, Hi: -regionsLo, Grid: regionsGrid,
		Classes: data.Argmax(grid.MustNode("logits").Value), // [G²]
		Labels:  m.train.Y, Names: m.train.Names,
	}
	for i := range m.train.Len() {
		p := m.train.Example(i)
		r.Points = append(r.Points, [2]float64{p[0], p[1]})
	}
	return r
}

// charts implements classifierKind: the decision regions, shared by every
// exhibit of the same untrained model (without keeping the grid's graph).
func (m *MLP) charts() ([]Chart, error) {
	draw := func() ([]byte, error) { return viz.RegionsChart(m.Regions()) }
	var svg []byte
	var err error
	if m.fresh {
		built := m.grid.built()
		svg, err = untrainedRegions.getOr(untrainedKey("mlp", m.values), draw)
		if !built {
			m.grid.drop()
		}
	} else {
		svg, err = draw()
	}
	if err != nil {
		return nil, err
	}
	return []Chart{{Name: "regions", SVG: svg}}, nil
}

// untrainedRegions keeps the regions charts of untrained models, by
// untrainedKey.
var untrainedRegions = newMemo[string, []byte](64, nil)
