package session

import (
	"math"
	"slices"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// configureCNN asks for two convolutions (2 then 3 channels) with average
// pooling on the six-class shapes.
const configureCNN = `{"type":"configure","widget":"c1","id":1,"kind":"cnn","options":{"data":"shapes","channels":"2,3","pool":"avg","seed":"3"}}`

// TestCNNConfigureAndStep configures a cnn widget over a real websocket
// and checks its graph, its first step and the maps that come with it.
func TestCNNConfigureAndStep(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureCNN)
	var g protocol.Graph
	if m := c.expect(protocol.TypeGraph, &g); m.ID != 1 || m.Widget != "c1" || g.Kind != "cnn" {
		t.Errorf("graph header %+v kind %q, want widget c1 id 1 kind cnn", m.Header, g.Kind)
	}
	var names []string
	ops := 0
	for _, n := range g.Nodes {
		names = append(names, n.Name)
		if n.Kind == "op" || n.Kind == "loss" {
			ops++
		}
	}
	// The nodes package cnn documents for two conv layers with a pool and
	// no hidden linear layer.
	want := []string{
		"x", "y", "convs.0.w", "convs.0.b", "convs.1.w", "convs.1.b", "fc.0.w", "fc.0.b",
		"convs.0.conv", "convs.0.act", "convs.0.pool", "convs.1.conv", "convs.1.act", "convs.1.pool",
		"flatten", "fc.0.linear", "logits", "loss",
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("graph nodes = %v, want %v", names, want)
	}
	if g.Steps != 2*ops+1 || ops != 10 {
		t.Errorf("graph steps = %d with %d op nodes, want 2 x 10 + the seed", g.Steps, ops)
	}
	var maps protocol.Maps
	c.expect(protocol.TypeMaps, &maps)
	if maps.Image == nil || maps.Image.Rows != 12 || maps.Image.Cols != 12 || len(maps.Classes) != 6 || maps.Node != "" {
		t.Errorf("maps after configure: image %v, classes %v, node %q; want a 12x12 image, 6 classes, no node", maps.Image, maps.Classes, maps.Node)
	}

	c.send(`{"type":"step","widget":"c1","id":2,"dir":"forward"}`)
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 2 || n.Node == nil || n.Node.Name != "convs.0.conv" || n.Step.Index != 1 {
		t.Fatalf("step answer id %d, cursor %+v, node %+v; want id 2 at convs.0.conv, index 1", m.ID, n.Step, n.Node)
	}
	if !slices.Equal(n.Node.Shape, []int{1, 2, 12, 12}) || n.Node.Op != "conv2d" {
		t.Errorf("convs.0.conv: op %q shape %v, want conv2d [1 2 12 12]", n.Node.Op, n.Node.Shape)
	}
	if m := c.expect(protocol.TypeMaps, &maps); m.ID != 2 || maps.Node != "convs.0.conv" || len(maps.Channels) != 2 || maps.Probs != nil {
		t.Errorf("maps after a step: id %d node %q, %d channels, probs %v; want id 2, convs.0.conv, 2 channels, no probs", m.ID, maps.Node, len(maps.Channels), maps.Probs)
	}

	c.send(`{"type":"run","widget":"c1","id":3,"to":"forward"}`)
	c.expect(protocol.TypeMaps, &maps)
	sum := 0.0
	for _, p := range maps.Probs {
		sum += p
	}
	// Six probabilities of a softmax, each exact to an ulp or so.
	if len(maps.Probs) != 6 || math.Abs(sum-1) > 1e-12 {
		t.Errorf("probs after the forward pass = %v (sum %v), want 6 summing to 1", maps.Probs, sum)
	}
}

// TestCNNBadOptions sends bad options and settings to a cnn widget and
// checks each error's code, then that the widget still answers.
func TestCNNBadOptions(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureCNN)
	c.expect(protocol.TypeMaps, &protocol.Maps{})

	cases := []struct {
		name, frame string
		code        protocol.Code
		id          int64
	}{
		{"unknown image kind", `{"type":"configure","widget":"c2","id":10,"kind":"cnn","options":{"data":"faces"}}`, protocol.CodeBadField, 10},
		{"padding wider than the kernel", `{"type":"configure","widget":"c2","id":11,"kind":"cnn","options":{"kernel":"1","pad":"1"}}`, protocol.CodeOutOfRange, 11},
		{"too many channels", `{"type":"configure","widget":"c2","id":12,"kind":"cnn","options":{"channels":"4,16"}}`, protocol.CodeOutOfRange, 12},
		{"unknown option", `{"type":"configure","widget":"c2","id":13,"kind":"cnn","options":{"hidden":"4"}}`, protocol.CodeUnknownParam, 13},
		{"set stride out of range", `{"type":"set","widget":"c1","id":14,"name":"stride","value":"9"}`, protocol.CodeOutOfRange, 14},
		{"set bad pool", `{"type":"set","widget":"c1","id":15,"name":"pool","value":"min"}`, protocol.CodeBadField, 15},
		{"set image past the set", `{"type":"set","widget":"c1","id":16,"name":"image","value":"512"}`, protocol.CodeOutOfRange, 16},
		{"select unknown node", `{"type":"select","widget":"c1","id":17,"node":"convs.5.conv"}`, protocol.CodeUnknownNode, 17},
	}
	for _, tc := range cases {
		c.send(tc.frame)
		var e protocol.ErrorMsg
		c.expect(protocol.TypeError, &e)
		if e.Code != tc.code || e.ID != tc.id || e.Message == "" {
			t.Errorf("%s: error %+v, want code %s for id %d with a message", tc.name, e, tc.code, tc.id)
		}
	}
	c.send(`{"type":"set","widget":"c1","id":20,"name":"image","value":"5"}`)
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 20 || n.Step.Index != 0 {
		t.Errorf("set image after the errors: id %d index %d, want id 20 index 0", m.ID, n.Step.Index)
	}
}

// TestCNNTraining trains a cnn widget on the shapes (seed 1, the default
// network: four 3x3 channels, max-pooling) for its whole budget of
// exhibit.CNNMaxSteps steps, over the websocket, and checks that the loss
// falls and the held-out accuracy rises far above chance (1/6). Measured:
// the mean loss of a chunk falls from about 1.6 to below 0.05, and 96.5%
// of the held-out images are right.
func TestCNNTraining(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(`{"type":"configure","widget":"c1","id":1,"kind":"cnn","options":{"data":"shapes","seed":"1"}}`)
	var met protocol.Metrics
	c.expect(protocol.TypeMetrics, &met)
	if met.Step != 0 || met.Values["testAccuracy"] > 0.5 {
		t.Errorf("metrics before training = %+v, want step 0 near chance", met)
	}
	c.send(`{"type":"train","widget":"c1","id":2,"action":"start"}`)
	var losses []float64
	for {
		c.expect(protocol.TypeMetrics, &met)
		losses = append(losses, met.Values["loss"])
		if !met.Running {
			break
		}
	}
	if met.Step != exhibit.CNNMaxSteps || len(losses) < 2 {
		t.Fatalf("training ended at step %d after %d metrics, want step %d and more than one", met.Step, len(losses), exhibit.CNNMaxSteps)
	}
	first, last := losses[0], losses[len(losses)-1]
	t.Logf("loss %.3f -> %.3f over %d metrics; held-out accuracy %.3f", first, last, len(losses), met.Values["testAccuracy"])
	if !(last < first/4) {
		t.Errorf("loss %v -> %v, want it to fall to below a quarter", first, last)
	}
	if acc := met.Values["testAccuracy"]; acc < 0.9 {
		t.Errorf("held-out accuracy after %d steps = %.3f, want >= 0.9", met.Step, acc)
	}
}
