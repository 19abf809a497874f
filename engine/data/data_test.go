package data

import (
	"math"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
)

// generator makes one data set from a seed, for the tests that apply to
// every kind of points and images alike.
type generator struct {
	name string
	gen  func(n int, seed uint32) (*Set, error)
}

func generators() []generator {
	var gs []generator
	for _, k := range PointKinds {
		gs = append(gs, generator{"points/" + k, func(n int, seed uint32) (*Set, error) { return Points(k, n, 0.1, seed) }})
	}
	for _, k := range ImageKinds {
		gs = append(gs, generator{"images/" + k, func(n int, seed uint32) (*Set, error) { return Images(k, n, 12, 0.1, seed) }})
	}
	return gs
}

func TestSameSeedSameData(t *testing.T) {
	for _, g := range generators() {
		a, errA := g.gen(50, 7)
		b, errB := g.gen(50, 7)
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", g.name, errA, errB)
		}
		// Bit-for-bit equality: the same draws in the same order.
		if !slices.Equal(a.X.Data, b.X.Data) || !slices.Equal(a.Y, b.Y) {
			t.Errorf("%s: two sets from seed 7 differ", g.name)
		}
	}
}

func TestDifferentSeedDifferentData(t *testing.T) {
	for _, g := range generators() {
		for _, seeds := range [][2]uint32{{7, 8}, {7, TestSeed(7)}} {
			a, _ := g.gen(50, seeds[0])
			b, _ := g.gen(50, seeds[1])
			same := 0
			for i := range a.X.Data {
				if a.X.Data[i] == b.X.Data[i] {
					same++
				}
			}
			// Every value carries Gaussian noise from the seed's stream, so
			// no value should repeat across seeds.
			if same > 0 {
				t.Errorf("%s: seeds %d and %d share %d of %d values", g.name, seeds[0], seeds[1], same, len(a.X.Data))
			}
		}
	}
}

func TestLabelsBalanced(t *testing.T) {
	for _, g := range generators() {
		for _, n := range []int{1, 10, 99, 240} {
			s, err := g.gen(n, 3)
			if err != nil {
				t.Fatalf("%s(n=%d): %v", g.name, n, err)
			}
			if s.Len() != n || s.X.Dim(0) != n || len(s.Names) != s.Classes {
				t.Fatalf("%s(n=%d): Len %d, X %v, %d names for %d classes", g.name, n, s.Len(), s.X.Shape, len(s.Names), s.Classes)
			}
			for _, y := range s.Y {
				if y < 0 || y >= s.Classes {
					t.Fatalf("%s(n=%d): label %d outside [0, %d)", g.name, n, y, s.Classes)
				}
			}
			c := s.Counts()
			if slices.Max(c)-slices.Min(c) > 1 && n >= s.Classes {
				t.Errorf("%s(n=%d).Counts() = %v, want counts within 1 of each other", g.name, n, c)
			}
		}
	}
}

// TestPointGeometry checks, without noise, that each point lies where its
// kind's description puts its class.
func TestPointGeometry(t *testing.T) {
	cases := []struct {
		kind string
		ok   func(x, y float64, k int) bool
	}{
		{"circle", func(x, y float64, k int) bool {
			r := math.Hypot(x, y)
			return (k == 0 && r <= 0.5) || (k == 1 && r >= 0.7 && r <= 1)
		}},
		{"xor", func(x, y float64, k int) bool {
			return math.Abs(x) >= 0.1 && math.Abs(y) >= 0.1 && (x*y > 0) == (k == 0)
		}},
		{"spiral", func(x, y float64, k int) bool {
			// Arm k at radius r sits at angle 2πk/3 + 2π(r-0.1)/0.9.
			r := math.Hypot(x, y)
			want := 2*math.Pi*float64(k)/3 + 2*math.Pi*(r-0.1)/0.9
			d := math.Remainder(math.Atan2(y, x)-want, 2*math.Pi)
			return r >= 0.1-1e-12 && r <= 1 && math.Abs(d) < 1e-9 // rounding of cos, sin and atan2
		}},
		{"clusters", func(x, y float64, k int) bool {
			// Within 5 standard deviations (0.2 each) of the class's centre.
			cx := []float64{0.5, -0.5, -0.5, 0.5}[k]
			cy := []float64{0.5, 0.5, -0.5, -0.5}[k]
			return math.Hypot(x-cx, y-cy) < 1
		}},
	}
	for _, c := range cases {
		s, err := Points(c.kind, 400, 0, 11)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Len() {
			x, y := s.X.Data[2*i], s.X.Data[2*i+1]
			if !c.ok(x, y, s.Y[i]) {
				t.Errorf("Points(%q)[%d] = (%v, %v) with class %d, outside its region", c.kind, i, x, y, s.Y[i])
				break
			}
		}
	}
}

// TestClustersMeans checks that each cluster's mean is near its centre:
// with 250 points of standard deviation 0.2, the mean's error has standard
// deviation 0.2/sqrt(250) ≈ 0.013, so 0.05 is about four of them.
func TestClustersMeans(t *testing.T) {
	s, _ := Points("clusters", 1000, 0, 5)
	want := [][2]float64{{0.5, 0.5}, {-0.5, 0.5}, {-0.5, -0.5}, {0.5, -0.5}}
	sum := make([][2]float64, 4)
	for i, k := range s.Y {
		sum[k][0] += s.X.Data[2*i] / 250
		sum[k][1] += s.X.Data[2*i+1] / 250
	}
	for k := range want {
		if math.Hypot(sum[k][0]-want[k][0], sum[k][1]-want[k][1]) > 0.05 {
			t.Errorf("clusters class %d mean = %v, want %v", k, sum[k], want[k])
		}
	}
}

// TestImagesAreDrawn checks noiseless images: values in [0, 1], a clearly
// lit pixel somewhere, and at most two thirds of the pixels lit (a drawing,
// not a filled square; the thickest ring on a 10x10 image lights about
// half). Every straight stroke passes
// within half a pixel of some pixel centre (the centres of a column are one
// pixel apart), so with strokes at least 1.4 wide and 0.7 bright some pixel
// reaches 0.7 * min(1, 1.4/2) = 0.49.
func TestImagesAreDrawn(t *testing.T) {
	for _, kind := range ImageKinds {
		for _, size := range []int{MinImageSize, 16, MaxImageSize} {
			s, err := Images(kind, 30, size, 0, 9)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{30, 1, size, size}; !engine.SameShape(s.X.Shape, want) {
				t.Fatalf("Images(%q, size %d).X.Shape = %v, want %v", kind, size, s.X.Shape, want)
			}
			for i := range s.Len() {
				img := s.Example(i)
				lit := 0
				for _, v := range img {
					if v < 0 || v > 1 {
						t.Fatalf("Images(%q)[%d] has pixel %v outside [0, 1]", kind, i, v)
					}
					if v > 0.25 {
						lit++
					}
				}
				if slices.Max(img) < 0.49 || 3*lit > 2*len(img) {
					t.Errorf("Images(%q, size %d)[%d]: max %v, %d of %d pixels lit", kind, size, i, slices.Max(img), lit, len(img))
				}
			}
		}
	}
}

// TestBarsPointTheRightWay checks that labels match drawings: the ink of a
// horizontal bar spreads across columns more than across rows, and the
// other way round for a vertical bar.
func TestBarsPointTheRightWay(t *testing.T) {
	const size = 16
	s, _ := Images("bars", 100, size, 0, 4)
	for i := range s.Len() {
		img := s.Example(i)
		var w, mr, mc, vr, vc float64
		for p, v := range img {
			w += v
			mr += v * float64(p/size)
			mc += v * float64(p%size)
		}
		mr, mc = mr/w, mc/w
		for p, v := range img {
			vr += v * math.Pow(float64(p/size)-mr, 2)
			vc += v * math.Pow(float64(p%size)-mc, 2)
		}
		if horizontal := vc > vr; horizontal != (s.Y[i] == 0) {
			t.Errorf("bars[%d] (%s): row variance %v, column variance %v", i, s.Names[s.Y[i]], vr/w, vc/w)
		}
	}
}

func TestBadRequests(t *testing.T) {
	cases := []struct {
		name string
		call func() (*Set, error)
		want string
	}{
		{"points/kind", func() (*Set, error) { return Points("moons", 10, 0.1, 1) }, "unknown point kind"},
		{"points/n=0", func() (*Set, error) { return Points("xor", 0, 0.1, 1) }, "outside [1,"},
		{"points/n big", func() (*Set, error) { return Points("xor", MaxExamples+1, 0.1, 1) }, "outside [1,"},
		{"points/noise<0", func() (*Set, error) { return Points("xor", 10, -0.1, 1) }, "noise"},
		{"points/noise NaN", func() (*Set, error) { return Points("xor", 10, math.NaN(), 1) }, "noise"},
		{"points/noise big", func() (*Set, error) { return Points("xor", 10, MaxNoise*2, 1) }, "noise"},
		{"images/kind", func() (*Set, error) { return Images("faces", 10, 16, 0.1, 1) }, "unknown image kind"},
		{"images/size small", func() (*Set, error) { return Images("bars", 10, MinImageSize-1, 0.1, 1) }, "size"},
		{"images/size big", func() (*Set, error) { return Images("bars", 10, MaxImageSize+1, 0.1, 1) }, "size"},
		{"images/n<0", func() (*Set, error) { return Images("bars", -1, 16, 0.1, 1) }, "outside [1,"},
		{"images/noise", func() (*Set, error) { return Images("bars", 10, 16, math.Inf(1), 1) }, "noise"},
		{"split/test n", func() (*Set, error) { _, s, err := PointSplit("xor", 10, 0, 0.1, 1); return s, err }, "outside [1,"},
		{"split/images", func() (*Set, error) { s, _, err := ImageSplit("bars", 10, 10, 4, 0.1, 1); return s, err }, "size"},
	}
	for _, c := range cases {
		s, err := c.call()
		if err == nil || s != nil {
			t.Errorf("%s = %v, %v; want a nil set and an error", c.name, s, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || strings.ToLower(msg[:1]) != msg[:1] {
			t.Errorf("%s error %q, want a lowercase error mentioning %q", c.name, err, c.want)
		}
	}
}

func TestSplitUsesTestSeed(t *testing.T) {
	train, test, err := ImageSplit("digits", 20, 30, 12, 0.1, 42)
	if err != nil {
		t.Fatal(err)
	}
	wantTrain, _ := Images("digits", 20, 12, 0.1, 42)
	wantTest, _ := Images("digits", 30, 12, 0.1, TestSeed(42))
	if !slices.Equal(train.X.Data, wantTrain.X.Data) || !slices.Equal(test.X.Data, wantTest.X.Data) {
		t.Errorf("ImageSplit(seed 42) differs from Images with seeds 42 and TestSeed(42)")
	}
	if TestSeed(42) == 42 {
		t.Errorf("TestSeed(42) = 42, want another seed")
	}
}

func TestFillAndSample(t *testing.T) {
	s, _ := Points("spiral", 30, 0.1, 2)
	x, y := engine.New(3, 2), engine.New(3)
	idx := []int{4, 0, 29}
	s.Fill(x, y, idx)
	for b, i := range idx {
		if x.At(b, 0) != s.X.At(i, 0) || x.At(b, 1) != s.X.At(i, 1) || y.Data[b] != float64(s.Y[i]) {
			t.Errorf("Fill row %d = (%v, %v; %v), want example %d = %v; %d", b, x.At(b, 0), x.At(b, 1), y.Data[b], i, s.Example(i), s.Y[i])
		}
	}
	// Sample draws with rng.Intn, so the same rng seed picks the same rows.
	rng, ref := engine.NewMulberry32(5), engine.NewMulberry32(5)
	s.Sample(rng, x, y)
	for b := range 3 {
		i := ref.Intn(s.Len())
		if x.At(b, 0) != s.X.At(i, 0) || y.Data[b] != float64(s.Y[i]) {
			t.Errorf("Sample row %d = %v, want example %d", b, x.At(b, 0), i)
		}
	}
	defer func() {
		if msg, _ := recover().(string); !strings.HasPrefix(msg, "data: ") {
			t.Errorf("Fill with a wrong batch shape panicked with %q, want a \"data: \" panic", msg)
		}
	}()
	s.Fill(engine.New(2, 2), y, idx)
}

func TestArgmaxAndAccuracy(t *testing.T) {
	logits := engine.FromData([]float64{
		0.1, 0.7, 0.2, // 1
		3, -1, 2, // 0
		0, 0, 5, // 2
		1, 1, 0, // tie: first wins, 0
	}, 4, 3)
	if got, want := Argmax(logits), []int{1, 0, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("Argmax = %v, want %v", got, want)
	}
	cases := []struct {
		labels []int
		want   float64
	}{
		{[]int{1, 0, 2, 0}, 1},
		{[]int{1, 1, 2, 2}, 0.5},
		{[]int{0, 1, 0, 1}, 0},
		{[]int{1, 0, 0}, 2.0 / 3}, // only the first three rows
	}
	for _, c := range cases {
		if got := Accuracy(logits, c.labels); got != c.want {
			t.Errorf("Accuracy(%v) = %v, want %v", c.labels, got, c.want)
		}
	}
}

// TestEvaluateCountsEachExampleOnce runs Evaluate on a graph whose logits
// are its inputs, so the prediction of a point is the larger of its two
// coordinates. Seven examples in batches of three leave a padded last batch.
func TestEvaluateCountsEachExampleOnce(t *testing.T) {
	s := &Set{
		X: engine.FromData([]float64{
			1, 0, 0, 1, 1, 0, // predictions 0, 1, 0
			0, 1, 1, 0, 0, 1, // 1, 0, 1
			1, 0, // 0
		}, 7, 2),
		Y:       []int{0, 1, 1, 1, 1, 1, 1}, // right: rows 0, 1, 3, 5
		Classes: 2,
	}
	g := engine.NewGraph()
	x := g.Input("x", 3, 2)
	y := g.Input("y", 3)
	logits := g.Apply("logits", &engine.Flatten{}, x)
	g.Loss("loss", &engine.CrossEntropy{}, logits, y)
	if got, want := Evaluate(g, s), 4.0/7; got != want {
		t.Errorf("Evaluate = %v, want %v", got, want)
	}
}
