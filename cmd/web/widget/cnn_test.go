package widget

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/cnn"
	"stepgraph/engine/data"
)

// TestCNNOptions checks which options configure a cnn widget, and the
// error code and field of each bad one. A combination whose feature maps
// have no pixels is refused by the table's output-size formula, which
// names the first size option the request set.
func TestCNNOptions(t *testing.T) {
	checkOptions(t, "cnn", []optionCase{
		{map[string]string{}, "", ""},
		{map[string]string{
			"data": "digits", "size": "16", "channels": "8, 8", "kernel": "5", "stride": "1", "pad": "2", "pool": "avg",
			"act": "gelu", "image": "511", "seed": "4294967295", "lr": "1", "optimizer": "sgd",
		}, "", ""},
		{map[string]string{"pool": "none", "stride": "2", "pad": "0"}, "", ""},
		{map[string]string{"caption": "anything"}, "", ""},
		{map[string]string{"data": "faces"}, protocol.CodeBadField, "data"},
		{map[string]string{"size": "9"}, protocol.CodeOutOfRange, "size"},
		{map[string]string{"size": "17"}, protocol.CodeOutOfRange, "size"},
		{map[string]string{"channels": ""}, protocol.CodeOutOfRange, "channels"},
		{map[string]string{"channels": "9"}, protocol.CodeOutOfRange, "channels"},
		{map[string]string{"channels": "2,2,2"}, protocol.CodeOutOfRange, "channels"},
		{map[string]string{"channels": "two"}, protocol.CodeBadField, "channels"},
		{map[string]string{"kernel": "0"}, protocol.CodeOutOfRange, "kernel"},
		{map[string]string{"kernel": "6"}, protocol.CodeOutOfRange, "kernel"},
		{map[string]string{"stride": "4"}, protocol.CodeOutOfRange, "stride"},
		{map[string]string{"pad": "3"}, protocol.CodeOutOfRange, "pad"},
		// Padding wider than kernel - 1 only adds all-zero windows.
		{map[string]string{"kernel": "1", "pad": "1"}, protocol.CodeOutOfRange, "pad"},
		// 10 -> (10 - 5)/3 + 1 = 2 -> pool 1: the second 5x5 kernel does not fit.
		{map[string]string{"size": "10", "channels": "4,4", "kernel": "5", "stride": "3", "pad": "0"}, protocol.CodeOutOfRange, "size"},
		{map[string]string{"pool": "min"}, protocol.CodeBadField, "pool"},
		{map[string]string{"act": "swish"}, protocol.CodeBadField, "act"},
		{map[string]string{"image": "512"}, protocol.CodeOutOfRange, "image"},
		{map[string]string{"image": "-1"}, protocol.CodeOutOfRange, "image"},
		{map[string]string{"lr": "0"}, protocol.CodeOutOfRange, "lr"},
		{map[string]string{"optimizer": "rmsprop"}, protocol.CodeBadField, "optimizer"},
		{map[string]string{"seed": "x"}, protocol.CodeBadField, "seed"}, // text that is not a number
		{map[string]string{"hidden": "4"}, protocol.CodeUnknownParam, "hidden"},
	})
}

// referenceCNN builds, outside the widget, the network and image that the
// options of TestCNNMaps describe: three 3x3 "same" convolutions with ReLU
// and 2x2 max-pooling on 12x12 shapes (noise 0.1) of seed 5, fed training
// image 4, run forward and backward.
func referenceCNN(t *testing.T) (*engine.Graph, *data.Set) {
	t.Helper()
	set, err := data.Images("shapes", 512, 12, 0.1, 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg := cnn.Config{Size: 12, Channels: 1, Convs: []cnn.Conv{{Out: 3, Kernel: 3, Stride: 1, Pad: 1}}, Pool: "max", PoolSize: 2, Act: "relu", Classes: 6}
	m, err := cnn.New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	set.Fill(g.MustNode("x").Value, g.MustNode("y").Value, []int{4})
	g.Forward()
	g.Backward()
	return g, set
}

var mapsOptions = map[string]string{"data": "shapes", "channels": "3", "seed": "5", "image": "4"}

// sameValues compares a heatmap with a slice of values, exactly: both
// come from the same float64 operations.
func sameValues(t *testing.T, what string, h *protocol.Heatmap, want []float64) {
	t.Helper()
	if h == nil || len(h.Data) != len(want) {
		t.Errorf("%s: heatmap %v, want %d values", what, h, len(want))
		return
	}
	for i := range want {
		if h.Data[i] != want[i] {
			t.Errorf("%s[%d] = %v, want %v", what, i, h.Data[i], want[i])
			return
		}
	}
}

// plane returns the [H, W] slice (a, c) of a rank-4 tensor.
func plane(x *engine.Tensor, a, c int) []float64 {
	n := x.Shape[2] * x.Shape[3]
	off := (a*x.Shape[1] + c) * n
	return x.Data[off : off+n]
}

// TestCNNMaps steps the widget and checks its maps messages against the
// network run outside it: the image, the probabilities, and the channels
// of a kernel and of a feature map with their gradients.
func TestCNNMaps(t *testing.T) {
	ref, set := referenceCNN(t)
	w, rec := newWidget(t, "cnn", mapsOptions)
	w.Start(1)
	m := last[*protocol.Maps](rec.take())
	if m == nil {
		t.Fatal("no maps message at start")
	}
	sameValues(t, "image", m.Image, set.Example(4))
	if m.Example != 4 || m.Label != set.Names[set.Y[4]] || !slices.Equal(m.Classes, set.Names) {
		t.Errorf("example %d label %q classes %v, want 4, %q of %v", m.Example, m.Label, m.Classes, set.Names[set.Y[4]], set.Names)
	}
	if m.Probs != nil || m.Node != "" || len(m.Channels) != 0 {
		t.Errorf("maps at start: probs %v node %q %d channels, want none", m.Probs, m.Node, len(m.Channels))
	}

	handle := func(req *protocol.Request) *protocol.Maps {
		t.Helper()
		if e := w.Handle(req); e != nil {
			t.Fatalf("Handle(%+v) = %v", req, e)
		}
		m := last[*protocol.Maps](rec.take())
		if m == nil {
			t.Fatalf("Handle(%+v) sent no maps", req)
		}
		return m
	}
	// A kernel [3, 1, 3, 3] is three pictures, before any step.
	m = handle(&protocol.Request{Type: protocol.TypeSelect, Node: "convs.0.w"})
	kernel := ref.MustNode("convs.0.w").Value
	if m.Node != "convs.0.w" || len(m.Channels) != 3 || len(m.Grads) != 0 {
		t.Fatalf("maps of convs.0.w: node %q, %d channels, %d grads; want 3 and none", m.Node, len(m.Channels), len(m.Grads))
	}
	for o := range 3 {
		sameValues(t, "kernel picture", m.Channels[o], plane(kernel, o, 0))
	}

	// Run to the end: the probabilities, then a feature map's channels
	// and gradients.
	m = handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd})
	logits := ref.MustNode("logits").Value.Data
	sum := 0.0
	for _, z := range logits {
		sum += math.Exp(z)
	}
	if len(m.Probs) != len(logits) {
		t.Fatalf("probs = %v, want %d", m.Probs, len(logits))
	}
	for k, z := range logits {
		// Softmax subtracts the largest logit first; the two forms agree
		// to a few ulps of values below 1.
		if want := math.Exp(z) / sum; math.Abs(m.Probs[k]-want) > 1e-15 {
			t.Errorf("probs[%d] = %v, want %v", k, m.Probs[k], want)
		}
	}
	m = handle(&protocol.Request{Type: protocol.TypeSelect, Node: "convs.0.act"})
	act := ref.MustNode("convs.0.act")
	if m.Node != "convs.0.act" || len(m.Channels) != 3 || len(m.Grads) != 3 {
		t.Fatalf("maps of convs.0.act: node %q, %d channels, %d grads; want 3 and 3", m.Node, len(m.Channels), len(m.Grads))
	}
	for c := range 3 {
		sameValues(t, "activation", m.Channels[c], plane(act.Value, 0, c))
		sameValues(t, "activation gradient", m.Grads[c], plane(act.Grad, 0, c))
		if want := fmt.Sprintf("[0, %d, :, :] of [1, 3, 12, 12]", c); m.Channels[c].Caption != want {
			t.Errorf("channel %d caption %q, want %q", c, m.Channels[c].Caption, want)
		}
	}

	// A flat node has no pictures.
	if m = handle(&protocol.Request{Type: protocol.TypeSelect, Node: "flatten"}); m.Node != "" || len(m.Channels) != 0 {
		t.Errorf("maps of flatten: node %q, %d channels; want none", m.Node, len(m.Channels))
	}
}

// TestCNNSet checks what each kind of option change keeps: another image
// keeps the trained weights and restarts the cursor, a learning rate keeps
// the cursor, a kernel size builds a new network.
func TestCNNSet(t *testing.T) {
	w, rec := newWidget(t, "cnn", mapsOptions)
	chunk(w)
	// The steps of one chunk, as its metrics report them.
	chunk := last[*protocol.Metrics](rec.take()).Step
	convW := func() *engine.Node { return w.ex.Stepping().Graph().MustNode("convs.0.w") }
	done := func() int { return w.ex.Metrics(false).Step }
	trained := slices.Clone(convW().Value.Data)
	_, images := referenceCNN(t)
	set := func(name, value string) []protocol.Message {
		t.Helper()
		rec.take()
		if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: name, Value: value}); e != nil {
			t.Fatalf("set %s %s: %v", name, value, e)
		}
		return rec.take()
	}
	step := func(n int) {
		t.Helper()
		if e := w.Handle(&protocol.Request{Type: protocol.TypeStep, Dir: protocol.DirForward, Count: n}); e != nil {
			t.Fatal(e)
		}
	}
	step(2)
	msgs := set("image", "7")
	n, m := last[*protocol.Node](msgs), last[*protocol.Maps](msgs)
	if n == nil || n.Step.Index != 0 || m == nil || last[*protocol.Graph](msgs) != nil {
		t.Fatalf("set image: node %v maps %v, want the cursor at 0, maps, and no new graph", n, m)
	}
	sameValues(t, "image 7", m.Image, images.Example(7))
	if m.Example != 7 {
		t.Errorf("set image 7: maps example %d, want 7", m.Example)
	}
	if m.Node != "convs.0.act" || len(m.Channels) != 0 {
		t.Errorf("set image after 2 steps: maps of %q with %d channels, want convs.0.act with none (not computed for image 7 yet)", m.Node, len(m.Channels))
	}
	if done() != chunk || !slices.Equal(convW().Value.Data, trained) {
		t.Errorf("set image: %d steps done and weights changed, want %d and the trained weights", done(), chunk)
	}

	step(2)
	if n := last[*protocol.Node](set("lr", "0.002")); n == nil || n.Step.Index != 2 || done() != chunk {
		t.Errorf("set lr: node %v after %d steps done, want the cursor kept at 2", n, done())
	}

	msgs = set("kernel", "5")
	if g := last[*protocol.Graph](msgs); g == nil || done() != 0 {
		t.Fatalf("set kernel: graph %v, %d steps done; want a new graph and none", g, done())
	}
	if shape := convW().Shape; !slices.Equal(shape, []int{3, 1, 5, 5}) {
		t.Errorf("set kernel 5: convs.0.w shape %v, want [3 1 5 5]", shape)
	}

	// A change the network cannot take is refused, and nothing changes.
	rec.take()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "pad", Value: "2"}); e != nil {
		t.Fatalf("set pad 2 with kernel 5: %v", e)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "kernel", Value: "1"}); e == nil || e.Code != protocol.CodeOutOfRange {
		t.Errorf("set kernel 1 with pad 2: %v, want out_of_range", e)
	}
	if shape := convW().Shape; !slices.Equal(shape, []int{3, 1, 5, 5}) {
		t.Errorf("after a refused kernel: convs.0.w shape %v, want [3 1 5 5]", shape)
	}
}

// TestCNNSetSizesThatDoNotFit checks that a set whose sizes do not fit
// together is refused with out_of_range and names the option it set: the
// table's own rule (pad at most kernel - 1), and the network's (a kernel
// larger than its padded input).
func TestCNNSetSizesThatDoNotFit(t *testing.T) {
	w, _ := newWidget(t, "cnn", map[string]string{"size": "10", "channels": "4,4", "kernel": "3", "stride": "3", "pad": "2"})
	for _, c := range []struct{ name, value string }{
		{"kernel", "2"}, // pad 2 is more than kernel - 1
		{"kernel", "5"}, // the second convolution then makes 1x1 maps, too small for the 2x2 pool
	} {
		before := maps.Clone(w.ex.Values())
		e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: c.name, Value: c.value})
		if e == nil || e.Code != protocol.CodeOutOfRange || e.Field != c.name {
			t.Errorf("set %s %s: error %+v, want out_of_range at field %s", c.name, c.value, e, c.name)
		}
		if !maps.Equal(w.ex.Values(), before) {
			t.Errorf("set %s %s (refused) changed the options to %v", c.name, c.value, w.ex.Values())
		}
	}
}
