package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// TestBrowserMLPNeurons clicks a hidden layer's node in an mlp lesson
// widget and checks that the widget shows one map per neuron, and that
// the numbers the server sent for each are those of the same exhibit
// built in Go: each neuron's activation at a few cells of the grid.
func TestBrowserMLPNeurons(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "mlp")
	kind, _ := exhibit.KindOf("mlp")
	ex, e := kind.Build(w.Options)
	if e != nil {
		t.Fatal(e)
	}
	m := ex.(*exhibit.MLP)
	if e := m.Stepping().Select("layers.0.act"); e != nil {
		t.Fatal(e)
	}
	want := m.Neurons()
	b.do("click layers.0.act", chromedp.Click(chromedp.CSS(root+` [data-testid="node-layers.0.act"]`)))
	var got struct {
		Layer int
		Node  string
		Grid  int
		Units []struct {
			Rows, Cols int
			Data       []float64
		}
	}
	b.waitWire("the neurons of layer 0", 0, "neurons", func(msg wireMsg) bool {
		return msg.Widget == w.ID && strings.Contains(string(msg.Raw), `"layer":0,`)
	}).decode(b, &got)
	if got.Layer != 0 || got.Node != "layers.0.act" || len(got.Units) != len(want.Units) {
		t.Fatalf("neurons message: layer %d (%s), %d maps; want layer 0 (layers.0.act), %d maps", got.Layer, got.Node, len(got.Units), len(want.Units))
	}
	for j, u := range got.Units {
		if u.Rows != want.Grid || u.Cols != want.Grid {
			t.Fatalf("neuron %d: %d×%d map, want %d×%d", j, u.Rows, u.Cols, want.Grid, want.Grid)
		}
		for _, rc := range [][2]int{{0, 0}, {3, 12}, {want.Grid - 1, want.Grid / 2}} {
			g, x := u.Data[rc[0]*u.Cols+rc[1]], want.Units[j].Tensor.At(rc[0], rc[1])
			// Six significant digits on the wire: 1e-5 relative.
			if math.Abs(g-x) > 1e-5*math.Abs(x)+1e-12 {
				t.Errorf("neuron %d at row %d col %d: page got %v, engine %v", j, rc[0], rc[1], g, x)
			}
		}
	}
	for j := range want.Units {
		b.do("neuron map "+strconv.Itoa(j), chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="neuron-0-`+strconv.Itoa(j)+`"]`)))
	}
	b.shootWidget("mlp-neurons.png", root)
	b.checkClean()
}
