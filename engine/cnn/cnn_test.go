package cnn

import (
	"math"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/gradcheck"
	"stepgraph/engine/optim"
)

// lenet is the model of the training test: two 3x3 "same" convolutions,
// each followed by ReLU and a 2x2 max-pool, on 12x12 images.
var lenet = Config{
	Size: 12, Channels: 1,
	Convs: []Conv{{Out: 8, Kernel: 3, Stride: 1, Pad: 1}, {Out: 16, Kernel: 3, Stride: 1, Pad: 1}},
	Pool:  "max", PoolSize: 2, Act: "relu", Classes: 10,
}

// with returns a copy of lenet changed by f.
func with(f func(c *Config)) Config {
	c := lenet
	c.Convs = slices.Clone(lenet.Convs)
	f(&c)
	return c
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string // part of the error; "" for a valid config
	}{
		{"lenet", lenet, ""},
		{"no pool, hidden", with(func(c *Config) { c.Pool, c.PoolSize, c.Hidden = "none", 0, []int{32} }), ""},
		{"strided rgb", with(func(c *Config) { c.Channels, c.Convs[0].Stride, c.Pool = 3, 2, "avg" }), ""},
		{"size small", with(func(c *Config) { c.Size = MinSize - 1 }), "size = 3 outside"},
		{"size big", with(func(c *Config) { c.Size = MaxSize + 1 }), "size"},
		{"channels", with(func(c *Config) { c.Channels = 0 }), "channels = 0 outside"},
		{"no convs", with(func(c *Config) { c.Convs = nil }), "conv layers = 0 outside"},
		{"too many convs", with(func(c *Config) { c.Pool, c.Convs = "none", make([]Conv, MaxConvs+1) }), "conv layers = 5 outside"},
		{"out", with(func(c *Config) { c.Convs[1].Out = MaxChannels + 1 }), "conv 1 out channels"},
		{"kernel", with(func(c *Config) { c.Convs[0].Kernel = 0 }), "conv 0 kernel = 0"},
		{"stride", with(func(c *Config) { c.Convs[0].Stride = 0 }), "conv 0 stride = 0"},
		{"pad", with(func(c *Config) { c.Convs[0].Pad = 3 }), "conv 0 pad = 3 outside [0, 2]"},
		{"pool kind", with(func(c *Config) { c.Pool = "min" }), `unknown pool "min"`},
		{"pool size", with(func(c *Config) { c.PoolSize = 1 }), "pool size = 1 outside"},
		{"act", with(func(c *Config) { c.Act = "" }), "unknown activation"},
		{"hidden width", with(func(c *Config) { c.Hidden = []int{0} }), "hidden layer 0 width = 0"},
		{"hidden depth", with(func(c *Config) { c.Hidden = []int{4, 4, 4, 4} }), "hidden layers = 4 outside"},
		{"classes", with(func(c *Config) { c.Classes = 1 }), "classes = 1 outside"},
		// 12 -> 6 -> 3 after two conv+pool layers; a third pool cannot fit 3
		// into windows of 4.
		{"pool too big", with(func(c *Config) { c.PoolSize = 4 }), "pool window 4 larger than its 3x3"},
		{"kernel too big", with(func(c *Config) { c.Convs[1] = Conv{Out: 4, Kernel: 7, Stride: 1} }), "conv 1: kernel 7 larger than its padded 6x6 input"},
		{"too many params", with(func(c *Config) { c.Size, c.Pool, c.Hidden = 32, "none", []int{256} }), "parameters, more than"},
		{"too much work", with(func(c *Config) {
			c.Size, c.Pool = 32, "none"
			c.Convs = []Conv{{32, 7, 1, 3}, {32, 7, 1, 3}, {2, 1, 4, 0}}
		}), "multiply-adds per image, more than"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", c.name, err, c.want)
		}
		if m, err := New(c.cfg, 1); m != nil || err == nil {
			t.Errorf("%s: New() = %v, %v; want nil and an error", c.name, m, err)
		}
	}
}

func TestStages(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		want     []Stage
		features int
	}{
		// Padding 1 keeps 12 and 6; each pool halves.
		{"lenet", lenet, []Stage{{8, 6, 6, 12, 12}, {16, 3, 3, 6, 6}}, 16 * 3 * 3},
		// (16 - 5)/2 + 1 = 6, then (6 + 2 - 3)/1 + 1 = 6; no pools.
		{"strided", Config{Size: 16, Channels: 1, Convs: []Conv{{4, 5, 2, 0}, {6, 3, 1, 1}}, Pool: "none"}, []Stage{{4, 6, 6, 6, 6}, {6, 6, 6, 6, 6}}, 216},
		// 10 -> 8 -> pool 3: (8 - 3)/3 + 1 = 2, the last two rows dropped.
		{"ragged pool", Config{Size: 10, Channels: 2, Convs: []Conv{{3, 3, 1, 0}}, Pool: "avg", PoolSize: 3}, []Stage{{3, 2, 2, 8, 8}}, 12},
	}
	for _, c := range cases {
		got, err := c.cfg.Stages()
		if err != nil || !slices.Equal(got, c.want) || c.cfg.Features() != c.features {
			t.Errorf("%s: Stages() = %v, %v (features %d); want %v (features %d)", c.name, got, err, c.cfg.Features(), c.want, c.features)
		}
	}
}

func TestNewInitialisation(t *testing.T) {
	cfg := with(func(c *Config) { c.Hidden = []int{20} })
	m, err := New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name  string
		shape []int
		fanIn int
	}{
		{"convs.0.w", []int{8, 1, 3, 3}, 9}, {"convs.0.b", []int{8}, 9},
		{"convs.1.w", []int{16, 8, 3, 3}, 72}, {"convs.1.b", []int{16}, 72},
		{"fc.0.w", []int{144, 20}, 144}, {"fc.0.b", []int{20}, 144},
		{"fc.1.w", []int{20, 10}, 20}, {"fc.1.b", []int{10}, 20},
	}
	if len(m.Order) != len(want) || len(m.Params) != len(want) {
		t.Fatalf("New().Order = %v, want %d parameters", m.Order, len(want))
	}
	total := 0
	for i, w := range want {
		p := m.Params[w.name]
		if m.Order[i] != w.name || p == nil || !engine.SameShape(p.Shape, w.shape) {
			t.Fatalf("parameter %d = %q, want %q %v", i, m.Order[i], w.name, w.shape)
		}
		bound := 1 / math.Sqrt(float64(w.fanIn))
		for _, v := range p.Data {
			if math.Abs(v) > bound || v != float64(float32(v)) {
				t.Errorf("Params[%q] holds %v, want a float32 value within ±%v", w.name, v, bound)
				break
			}
		}
		total += p.Size()
	}
	if m.NumParams() != total {
		t.Errorf("NumParams() = %d, counted %d", m.NumParams(), total)
	}
	again, _ := New(cfg, 3)
	other, _ := New(cfg, 4)
	// Bit-for-bit: the same seed makes the same draws in the same order.
	for _, name := range m.Order {
		if !slices.Equal(m.Params[name].Data, again.Params[name].Data) {
			t.Errorf("New(seed 3) twice: %q differs", name)
		}
		if slices.Equal(m.Params[name].Data, other.Params[name].Data) {
			t.Errorf("New(seed 3) and New(seed 4): %q is the same", name)
		}
	}
}

func TestBuildNamesAndShapes(t *testing.T) {
	m, _ := New(with(func(c *Config) { c.Hidden = []int{20} }), 1)
	g, err := m.Build(5)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"x": {5, 1, 12, 12}, "y": {5},
		"convs.0.conv": {5, 8, 12, 12}, "convs.0.act": {5, 8, 12, 12}, "convs.0.pool": {5, 8, 6, 6},
		"convs.1.conv": {5, 16, 6, 6}, "convs.1.act": {5, 16, 6, 6}, "convs.1.pool": {5, 16, 3, 3},
		"flatten":     {5, 144},
		"fc.0.linear": {5, 20}, "fc.0.affine": {5, 20}, "fc.0.act": {5, 20},
		"fc.1.linear": {5, 10}, "logits": {5, 10}, "loss": {},
	}
	for name, shape := range want {
		if n := g.Node(name); n == nil || !engine.SameShape(n.Shape, shape) {
			t.Errorf("Build(5) node %q = %v, want shape %v", name, n, shape)
		}
	}
	if op := g.MustNode("convs.1.pool").Op.Info().Name; op != "maxpool2d" {
		t.Errorf("convs.1.pool op = %q, want maxpool2d", op)
	}
	for i, p := range g.Params() {
		if p.Name != m.Order[i] || p.Value != m.Params[p.Name] {
			t.Errorf("parameter node %d = %q, want %q sharing the model's tensor", i, p.Name, m.Order[i])
		}
	}
	flat, _ := New(with(func(c *Config) { c.Pool = "none" }), 1)
	gf, _ := flat.Build(2)
	if n := gf.Node("convs.0.pool"); n != nil {
		t.Errorf(`Pool "none" built a pool node %q`, n.Name)
	}
	if got := gf.MustNode("flatten").Shape; !engine.SameShape(got, []int{2, 16 * 12 * 12}) {
		t.Errorf(`Pool "none": flatten shape %v, want [2 2304]`, got)
	}
	for _, batch := range []int{0, MaxBatch + 1} {
		if g, err := m.Build(batch); g != nil || err == nil {
			t.Errorf("Build(%d) = %v, %v; want an error", batch, g, err)
		}
	}
}

func TestSetParams(t *testing.T) {
	m, _ := New(lenet, 1)
	src := map[string]*engine.Tensor{}
	for _, name := range m.Order {
		src[name] = m.Params[name].Clone()
		src[name].Data[0] = 42
	}
	if err := m.SetParams(src); err != nil {
		t.Fatal(err)
	}
	for _, name := range m.Order {
		if m.Params[name].Data[0] != 42 {
			t.Errorf("SetParams: %q[0] = %v, want 42", name, m.Params[name].Data[0])
		}
	}
	delete(src, "fc.0.b")
	if err := m.SetParams(src); err == nil || !strings.Contains(err.Error(), `missing parameter "fc.0.b"`) {
		t.Errorf("SetParams without fc.0.b = %v, want a missing-parameter error", err)
	}
}

// TestGraphsShareParameters trains with a batch graph and checks that a
// batch-1 graph of the same model sees the new weights: its logits for one
// image equal that image's row of the batch graph.
func TestGraphsShareParameters(t *testing.T) {
	m, _ := New(lenet, 2)
	set, _ := data.Images("digits", 8, 12, 0.1, 2)
	big, _ := m.Build(8)
	one, _ := m.Build(1)
	set.Fill(big.MustNode("x").Value, big.MustNode("y").Value, []int{0, 1, 2, 3, 4, 5, 6, 7})
	set.Fill(one.MustNode("x").Value, one.MustNode("y").Value, []int{3})
	one.Forward()
	before := slices.Clone(one.MustNode("logits").Value.Data)
	optim.TrainStep(big, optim.NewAdam(0.01))
	big.Forward()
	one.Forward()
	got, want := one.MustNode("logits").Value.Data, big.MustNode("logits").Value.Data[3*10:4*10]
	if slices.Equal(got, before) {
		t.Fatalf("batch-1 logits %v unchanged by a training step", got)
	}
	for i := range want {
		// The same sums, but the matrix kernel may group them differently
		// for 1 row and for 8: a few ulps of O(1) values.
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("batch-1 logits = %v, want row 3 of the batch logits %v", got, want)
			break
		}
	}
}

// margin returns, over every window of a max-pool node's input, the
// smallest gap between the largest and second-largest value: the distance
// to a change of the winner, where max-pool is not differentiable. Windows
// whose largest value is exactly 0 are skipped: after a ReLU they hold only
// clipped values, whose gradient is 0 whichever of them wins (and the
// pre-activation check keeps them clipped).
func margin(g *engine.Graph, pool *engine.Node) float64 {
	op := pool.Op.(*engine.MaxPool2D)
	x := pool.Inputs[0].Value
	planes, h, w := x.Shape[0]*x.Shape[1], x.Shape[2], x.Shape[3]
	ho, wo := pool.Shape[2], pool.Shape[3]
	gap := math.Inf(1)
	for p := range planes {
		for i := range ho {
			for j := range wo {
				var win []float64
				for u := range op.Size {
					for v := range op.Size {
						win = append(win, x.Data[(p*h+i*op.Stride+u)*w+j*op.Stride+v])
					}
				}
				slices.Sort(win)
				if win[len(win)-1] != 0 {
					gap = min(gap, win[len(win)-1]-win[len(win)-2])
				}
			}
		}
	}
	return gap
}

// TestGradcheckWholeModel compares backprop through a whole small CNN with
// central differences. The tolerance is the op tests' 1e-6 relative to
// max(|g|, 1): with h = 1e-5 the difference quotient of these O(1)
// functions is accurate to about 1e-10, and a deeper graph adds rounding of
// the same order. ReLU and max-pool are not smooth everywhere, so for them
// the test first checks that every pre-activation and every max-pool
// window is at least 1e-4 = 10h from a kink or a tie. A step of h in one
// parameter moves a value by h times its derivative with respect to that
// parameter, which in this model (pixels below 1.5, weights below 0.6, a few
// terms per path) stays well under 10, so the central difference sees one
// smooth piece.
func TestGradcheckWholeModel(t *testing.T) {
	const h, tol, kinkMargin = 1e-5, 1e-6, 1e-4
	base := Config{
		Size: 8, Channels: 1,
		Convs:    []Conv{{Out: 2, Kernel: 3, Stride: 1, Pad: 1}, {Out: 3, Kernel: 2, Stride: 2, Pad: 1}},
		PoolSize: 2, Hidden: []int{4}, Classes: 3,
	}
	// The seeds of the ReLU cases were picked so that the margins hold;
	// the check below would say so if they did not.
	cases := []struct {
		pool, act string
		seed      uint32
	}{
		{"max", "tanh", 6}, {"avg", "gelu_tanh", 6}, {"none", "sigmoid", 6}, {"max", "relu", 7}, {"avg", "relu", 7},
	}
	set, _ := data.Images("shapes", 3, 10, 0.2, 8)
	for _, c := range cases {
		cfg := base
		cfg.Pool, cfg.Act = c.pool, c.act
		m, err := New(cfg, c.seed)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := m.Build(3)
		// Take the centre 8x8 of each 10x10 image.
		x := g.MustNode("x").Value
		for b := range 3 {
			for i := range 8 {
				copy(x.Data[(b*8+i)*8:(b*8+i+1)*8], set.Example(b)[(i+1)*10+1:(i+1)*10+9])
			}
			g.MustNode("y").Value.Data[b] = float64(b)
		}
		g.Forward()
		for _, n := range g.Nodes {
			switch {
			case c.act == "relu" && (strings.HasSuffix(n.Name, ".conv") || strings.HasSuffix(n.Name, ".affine")):
				for _, v := range n.Value.Data {
					if math.Abs(v) < kinkMargin {
						t.Fatalf("%s/%s: pre-activation %s holds %v, too close to the kink", c.pool, c.act, n.Name, v)
					}
				}
			case c.pool == "max" && strings.HasSuffix(n.Name, ".pool"):
				if gap := margin(g, n); gap < kinkMargin {
					t.Fatalf("%s/%s: %s has a window whose top two values are %v apart", c.pool, c.act, n.Name, gap)
				}
			}
		}
		for _, mm := range gradcheck.Graph(g, h) {
			if mm.Err > tol {
				t.Errorf("%s/%s: %v", c.pool, c.act, mm)
			}
		}
	}
}

// TestTrainDigits trains lenet on 12x12 seven-segment digits (pixel noise
// 0.1) and checks the accuracy on 600 held-out images from another seed.
// Recipe: seed 1, 1000 training images, batches of 16 drawn with
// replacement, Adam with lr 0.005 for 400 steps and 0.001 for 100 more.
// Measured: 98.3% held-out (seeds 1-5 give 97.7-98.7%). For comparison, a
// linear classifier on the raw pixels reaches about 86% on this task and an
// MLP with one hidden layer of 64 about 91%.
func TestTrainDigits(t *testing.T) {
	const steps, decayAt = 500, 400
	train, test, err := data.ImageSplit("digits", 1000, 600, 12, 0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(lenet, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := m.Build(16)
	eval, _ := m.Build(200)
	chance := data.Evaluate(eval, test)
	opt := optim.NewAdam(0.005)
	rng := engine.NewMulberry32(101)
	first, _ := data.Train(g, train, opt, decayAt, rng)
	opt.LR = 0.001
	_, last := data.Train(g, train, opt, steps-decayAt, rng)
	acc := data.Evaluate(eval, test)
	t.Logf("digits: loss %.3f -> %.3f, held-out accuracy %.3f -> %.3f after %d steps", first, last, chance, acc, steps)
	if acc < 0.95 {
		t.Errorf("held-out digit accuracy = %.3f after %d steps, want >= 0.95", acc, steps)
	}
}
