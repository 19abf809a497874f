package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/viz"
)

// wireNodeMaps is the part of a node message with its heatmaps.
type wireNodeMaps struct {
	Node *struct {
		Name  string       `json:"name"`
		Value wireHeatmap  `json:"value"`
		Grad  *wireHeatmap `json:"grad"`
	} `json:"node"`
}

// wireHeatmap is a heatmap as the server sent it.
type wireHeatmap struct {
	Rows   int       `json:"rows"`
	Cols   int       `json:"cols"`
	Data   []float64 `json:"data"`
	Masked []bool    `json:"masked"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
}

// shownCells is a heatmap figure as the page draws it: each cell's fill
// (as the browser computes it), its text and its legend's numbers.
type shownCells struct {
	Fills  []string `json:"fills"`
	Text   string   `json:"text"`
	Legend []string `json:"legend"`
}

const shownCellsJS = `((sel) => {
	const f = document.querySelector(sel);
	if (!f) return null;
	return {fills: [...f.querySelectorAll('rect.heatmap__cell')].map(r => getComputedStyle(r).fill),
		text: f.textContent, legend: [...f.querySelectorAll('.lab-legend-bar__num')].map(e => e.textContent)};
})`

// rgb writes a colour as the browser computes a fill: "rgb(r, g, b)".
func rgb(r, g, b uint8) string { return fmt.Sprintf("rgb(%d, %d, %d)", r, g, b) }

// TestBrowserHeatmapZero steps the Lab once and checks the inspector's
// gradient, which the server sends all zero before the backward pass:
// every cell is drawn in viz's neutral colour (the colour of 0), and the
// map says "all zero" in words, where it once drew solid mid-blue. A map
// with numbers has a colour scale beside it whose ends are the server's
// min and max; and at the end of the run, the gradient into a ReLU, which
// is signed and exactly 0 where the unit is off, draws those zeros
// neutral too.
func TestBrowserHeatmapZero(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	var g struct {
		Nodes []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
			Op   string `json:"op"`
		} `json:"nodes"`
		Edges []struct{ From, To int } `json:"edges"`
	}
	b.waitWire("the graph", 0, "graph", nil).decode(b, &g)
	neutral := rgb(viz.Neutral.R, viz.Neutral.G, viz.Neutral.B)

	from := b.wireMark()
	press(b, "one step", chromedp.Click(chromedp.CSS(sel("step-forward"))))
	var msg wireNodeMaps
	b.waitWire("the first step", from, "node", nil).decode(b, &msg)
	if msg.Node == nil || msg.Node.Grad == nil {
		t.Fatalf("the first step's node message has no gradient: %+v", msg.Node)
	}
	for i, v := range msg.Node.Grad.Data {
		if v != 0 {
			t.Fatalf("the server's gradient of %s before the backward pass has %v at %d, want all zero", msg.Node.Name, v, i)
		}
	}
	grad := pollJS[shownCells](b, "the gradient map", shownCellsJS+`('[data-testid="inspector-grad"]')`)
	if len(grad.Fills) != min(msg.Node.Grad.Rows, 64)*min(msg.Node.Grad.Cols, 64) {
		t.Fatalf("the gradient map of %s has %d cells, want %d×%d", msg.Node.Name, len(grad.Fills), msg.Node.Grad.Rows, msg.Node.Grad.Cols)
	}
	for i, f := range grad.Fills {
		if f != neutral {
			t.Fatalf("all-zero gradient: cell %d is %s, want the neutral %s (viz.Neutral)", i, f, neutral)
		}
	}
	if !strings.Contains(grad.Text, "all zero") {
		t.Errorf("the all-zero gradient map does not say so: %q", grad.Text)
	}

	// The value beside it: a colour scale from the server's min to its max.
	value := pollJS[shownCells](b, "the value map", shownCellsJS+`('[data-testid="inspector-value"]')`)
	checkLegend(t, "value of "+msg.Node.Name, value.Legend, msg.Node.Value.Min, msg.Node.Value.Max)
	b.screenshot("lab-heatmap-zero.png")

	// Every map of the Lab has its colour scale (an attention mask, which
	// is only seen or hidden, excepted).
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	waitHeads(b, 2)
	if bare := eval[[]string](b, `[...document.querySelectorAll('figure.heatmap')].filter(f => !(f.dataset.testid || '').endsWith('-mask') && !f.querySelector('[data-testid="legend"]')).map(f => f.dataset.testid || f.textContent.slice(0, 30))`); len(bare) > 0 {
		t.Errorf("heatmaps without a colour scale: %v", bare)
	}

	// The gradient into the first ReLU: signed, and 0 where the unit is off.
	relu, input := -1, ""
	for _, n := range g.Nodes {
		if n.Op == "relu" {
			relu = n.ID
			break
		}
	}
	for _, e := range g.Edges {
		if e.To == relu {
			for _, n := range g.Nodes {
				if n.ID == e.From {
					input = n.Name
				}
			}
		}
	}
	if input == "" {
		t.Fatal("the default model has no ReLU with an input")
	}
	from = b.wireMark()
	find(b, input)
	var signed wireNodeMaps
	b.waitWire("the node message of "+input, from, "node", func(m wireMsg) bool { return strings.Contains(string(m.Raw), `"name":"`+input+`"`) }).decode(b, &signed)
	gm := signed.Node.Grad
	if gm == nil || !(gm.Min < 0 && gm.Max > 0) {
		t.Fatalf("the gradient of %s is not signed: %+v", input, gm)
	}
	cells := pollJS[shownCells](b, "the signed gradient", shownCellsJS+`('[data-testid="inspector-grad"]')`)
	zeros := 0
	for i := 0; i < gm.Rows && i < 64; i++ {
		for j := 0; j < gm.Cols && j < 64; j++ {
			v, f := gm.Data[i*gm.Cols+j], cells.Fills[i*min(gm.Cols, 64)+j]
			if v == 0 {
				zeros++
				if f != neutral {
					t.Errorf("gradient of %s: the 0 at [%d, %d] is %s, want the neutral %s", input, i, j, f, neutral)
				}
			} else if f == neutral {
				t.Errorf("gradient of %s: %v at [%d, %d] is drawn neutral, as a 0", input, v, i, j)
			}
		}
	}
	if zeros == 0 {
		t.Errorf("the gradient of %s, into a ReLU, has no exact 0 to check", input)
	}
	checkLegend(t, "gradient of "+input, cells.Legend, gm.Min, gm.Max)
	b.checkClean()
}

// checkLegend checks a colour scale's two printed ends against the
// server's min and max; printed with 4 digits (dom.js fmt), each is within
// 5e-4 of the number's size.
func checkLegend(t *testing.T, what string, legend []string, lo, hi float64) {
	t.Helper()
	if len(legend) != 2 {
		t.Errorf("%s: the colour scale prints %v, want its min and max", what, legend)
		return
	}
	for i, want := range []float64{lo, hi} {
		got, err := strconv.ParseFloat(legend[i], 64)
		if err != nil || math.Abs(got-want) > 5e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: the colour scale's end %d reads %q, want the server's %v", what, i, legend[i], want)
		}
	}
}
