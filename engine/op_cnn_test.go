package engine_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

// distinct returns a tensor whose entries are a seeded shuffle of evenly
// spaced values in [-1, 1). Max-pool is not differentiable where two entries
// of a window tie; with a spacing of 2/n between any two values (1/72 for
// the 144 entries used below), a step of h = 1e-5 can never swap a window's
// winner, so the central difference sees the same argmax as backprop.
func distinct(seed uint32, shape ...int) *engine.Tensor {
	t := engine.New(shape...)
	n := t.Size()
	rng := engine.NewMulberry32(seed)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := rng.Intn(i + 1)
		perm[i], perm[j] = perm[j], perm[i]
	}
	for i, p := range perm {
		t.Data[i] = 2*float64(p)/float64(n) - 1
	}
	return t
}

func TestCNNOpGradients(t *testing.T) {
	r := gradcheck.Random
	runOpCases(t, []opCase{
		{"conv/plain", &engine.Conv2D{Stride: 1}, []*engine.Tensor{r(30, 1, 2, 2, 5, 5), r(31, 1, 3, 2, 3, 3), r(32, 1, 3)}, nil},
		{"conv/pad", &engine.Conv2D{Stride: 1, Pad: 1}, []*engine.Tensor{r(33, 1, 2, 2, 4, 4), r(34, 1, 3, 2, 3, 3), r(35, 1, 3)}, nil},
		{"conv/stride", &engine.Conv2D{Stride: 2}, []*engine.Tensor{r(36, 1, 2, 1, 7, 6), r(37, 1, 2, 1, 3, 2), r(38, 1, 2)}, nil},
		{"conv/stride+pad", &engine.Conv2D{Stride: 2, Pad: 2}, []*engine.Tensor{r(39, 1, 1, 3, 5, 5), r(40, 1, 2, 3, 3, 3), r(41, 1, 2)}, nil},
		{"conv/no-bias", &engine.Conv2D{Stride: 1, Pad: 1}, []*engine.Tensor{r(42, 1, 2, 2, 3, 4), r(43, 1, 2, 2, 2, 3)}, nil},
		{"conv/1x1", &engine.Conv2D{Stride: 1}, []*engine.Tensor{r(44, 1, 2, 3, 3, 3), r(45, 1, 4, 3, 1, 1), r(46, 1, 4)}, nil},
		{"conv/const-input", &engine.Conv2D{Stride: 1}, []*engine.Tensor{r(47, 1, 2, 1, 4, 4), r(48, 1, 2, 1, 3, 3), r(49, 1, 2)}, []int{0}},
		{"maxpool/2x2", &engine.MaxPool2D{Size: 2, Stride: 2}, []*engine.Tensor{distinct(50, 2, 2, 6, 6)}, nil},
		{"maxpool/overlap", &engine.MaxPool2D{Size: 3, Stride: 1}, []*engine.Tensor{distinct(51, 2, 2, 6, 6)}, nil},
		{"maxpool/ragged", &engine.MaxPool2D{Size: 2, Stride: 2}, []*engine.Tensor{distinct(52, 1, 3, 5, 7)}, nil},
		{"avgpool/2x2", &engine.AvgPool2D{Size: 2, Stride: 2}, []*engine.Tensor{r(53, 1, 2, 2, 6, 6)}, nil},
		{"avgpool/overlap", &engine.AvgPool2D{Size: 3, Stride: 2}, []*engine.Tensor{r(54, 1, 2, 2, 7, 7)}, nil},
		{"flatten", &engine.Flatten{}, []*engine.Tensor{r(55, 1, 2, 3, 2, 2)}, nil},
	})
}

// naiveConv is an independent reference: the convolution sum written out
// with one loop per index, as in the formula of Conv2D.
func naiveConv(x, w, b *engine.Tensor, stride, pad int) *engine.Tensor {
	B, cin, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	cout, kh, kw := w.Shape[0], w.Shape[2], w.Shape[3]
	ho, wo := (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	y := engine.New(B, cout, ho, wo)
	for n := 0; n < B; n++ {
		for o := 0; o < cout; o++ {
			for i := 0; i < ho; i++ {
				for j := 0; j < wo; j++ {
					s := 0.0
					if b != nil {
						s = b.Data[o]
					}
					for c := 0; c < cin; c++ {
						for u := 0; u < kh; u++ {
							for v := 0; v < kw; v++ {
								yy, xx := i*stride+u-pad, j*stride+v-pad
								if yy >= 0 && yy < h && xx >= 0 && xx < wd {
									s += w.At(o, c, u, v) * x.At(n, c, yy, xx)
								}
							}
						}
					}
					y.Set(s, n, o, i, j)
				}
			}
		}
	}
	return y
}

// runOp builds a one-op graph over copies of the inputs and returns its
// forward value.
func runOp(op engine.Op, inputs ...*engine.Tensor) *engine.Tensor {
	g := engine.NewGraph()
	nodes := make([]*engine.Node, len(inputs))
	for i, in := range inputs {
		nodes[i] = g.Param(fmt.Sprintf("in%d", i), in.Clone())
	}
	y := g.Apply("y", op, nodes...)
	g.Forward()
	return y.Value
}

func TestConv2DMatchesNaiveLoops(t *testing.T) {
	r := gradcheck.Random
	cases := []struct {
		x, w        []int
		stride, pad int
		bias        bool
	}{
		{[]int{2, 3, 8, 8}, []int{4, 3, 3, 3}, 1, 0, true},
		{[]int{2, 3, 8, 8}, []int{4, 3, 3, 3}, 1, 1, true},
		{[]int{1, 2, 9, 7}, []int{3, 2, 3, 2}, 2, 1, false},
		{[]int{3, 1, 6, 6}, []int{2, 1, 5, 5}, 3, 2, true},
	}
	for i, c := range cases {
		x := r(uint32(60+3*i), 1, c.x...)
		w := r(uint32(61+3*i), 1, c.w...)
		ins := []*engine.Tensor{x, w}
		var b *engine.Tensor
		if c.bias {
			b = r(uint32(62+3*i), 1, c.w[0])
			ins = append(ins, b)
		}
		op := &engine.Conv2D{Stride: c.stride, Pad: c.pad}
		got := runOp(op, ins...)
		want := naiveConv(x, w, b, c.stride, c.pad)
		if !engine.SameShape(got.Shape, want.Shape) {
			t.Fatalf("Conv2D(%v, %v, s=%d, p=%d) shape %v, want %v", c.x, c.w, c.stride, c.pad, got.Shape, want.Shape)
		}
		for k := range want.Data {
			// The two sums add the same terms in a different order: at most a
			// few ulps of rounding for sums of ~75 terms of size <= 1.
			if math.Abs(got.Data[k]-want.Data[k]) > 1e-12 {
				t.Fatalf("Conv2D(%v, %v, s=%d, p=%d)[%d] = %v, want %v", c.x, c.w, c.stride, c.pad, k, got.Data[k], want.Data[k])
			}
		}
	}
}

// TestSmallExamplesByHand checks ops on inputs small enough to work out on
// paper. X is the 3x3 or 4x4 image 1, 2, 3, ... in row-major order.
func TestSmallExamplesByHand(t *testing.T) {
	seq := func(h, w int) *engine.Tensor {
		x := engine.New(1, 1, h, w)
		for i := range x.Data {
			x.Data[i] = float64(i + 1)
		}
		return x
	}
	ones := engine.FromData([]float64{1, 1, 1, 1}, 1, 1, 2, 2)
	cases := []struct {
		name string
		op   engine.Op
		in   []*engine.Tensor
		want []float64
	}{
		// 2x2 window sums of [[1 2 3] [4 5 6] [7 8 9]]: 1+2+4+5, 2+3+5+6, ...
		{"conv/sum-windows", &engine.Conv2D{Stride: 1}, []*engine.Tensor{seq(3, 3), ones}, []float64{12, 16, 24, 28}},
		// Pad 1, stride 2: windows start at (-1,-1), (-1,1), (1,-1), (1,1),
		// so they hold {1}, {2,3}, {4,7} and {5,6,8,9}; bias adds 10.
		{"conv/pad-stride-bias", &engine.Conv2D{Stride: 2, Pad: 1}, []*engine.Tensor{seq(3, 3), ones, engine.FromData([]float64{10}, 1)}, []float64{11, 15, 21, 38}},
		// 4x4 image 1..16 in 2x2 blocks: maxima 6, 8, 14, 16.
		{"maxpool", &engine.MaxPool2D{Size: 2, Stride: 2}, []*engine.Tensor{seq(4, 4)}, []float64{6, 8, 14, 16}},
		// Block means: (1+2+5+6)/4 = 3.5, then 5.5, 11.5, 13.5.
		{"avgpool", &engine.AvgPool2D{Size: 2, Stride: 2}, []*engine.Tensor{seq(4, 4)}, []float64{3.5, 5.5, 11.5, 13.5}},
		// 3x3 windows at stride 1 over 4x4: maxima are the bottom-right corners.
		{"maxpool/overlap", &engine.MaxPool2D{Size: 3, Stride: 1}, []*engine.Tensor{seq(4, 4)}, []float64{11, 12, 15, 16}},
	}
	for _, c := range cases {
		got := runOp(c.op, c.in...)
		if len(got.Data) != len(c.want) {
			t.Fatalf("%s: %d outputs, want %d", c.name, len(got.Data), len(c.want))
		}
		for i := range c.want {
			// Small integers and halves: exact in float64.
			if got.Data[i] != c.want[i] {
				t.Errorf("%s = %v, want %v", c.name, got.Data, c.want)
				break
			}
		}
	}
}

// TestMaxPoolRoutesGradientToWinner checks the backward by hand: with
// overlapping windows, an input that wins two windows gets both gradients.
func TestMaxPoolRoutesGradientToWinner(t *testing.T) {
	// A 2x3 image with 2x2 windows at stride 1: the windows cover columns
	// {0,1} and {1,2}, and the 5 at the top of the middle column wins both.
	x := engine.FromData([]float64{0, 5, 1, 2, 3, 4}, 1, 1, 2, 3)
	g := engine.NewGraph()
	xn := g.Param("x", x)
	y := g.Apply("y", &engine.MaxPool2D{Size: 2, Stride: 1}, xn)
	g.Forward()
	y.Grad.Data[0], y.Grad.Data[1] = 10, 100
	g.BackwardNode(y)
	want := []float64{0, 110, 0, 0, 0, 0}
	for i := range want {
		if xn.Grad.Data[i] != want[i] {
			t.Fatalf("MaxPool2D backward dX = %v, want %v", xn.Grad.Data, want)
		}
	}
}

func TestCNNOpShapes(t *testing.T) {
	cases := []struct {
		name string
		op   engine.Op
		in   [][]int
		want []int
	}{
		{"conv", &engine.Conv2D{Stride: 1}, [][]int{{2, 3, 8, 8}, {5, 3, 3, 3}, {5}}, []int{2, 5, 6, 6}},
		{"conv/same", &engine.Conv2D{Stride: 1, Pad: 1}, [][]int{{2, 3, 8, 8}, {5, 3, 3, 3}}, []int{2, 5, 8, 8}},
		{"conv/stride", &engine.Conv2D{Stride: 2, Pad: 1}, [][]int{{1, 1, 7, 7}, {4, 1, 3, 3}}, []int{1, 4, 4, 4}},
		{"maxpool/floor", &engine.MaxPool2D{Size: 2, Stride: 2}, [][]int{{2, 3, 7, 5}}, []int{2, 3, 3, 2}},
		{"avgpool", &engine.AvgPool2D{Size: 3, Stride: 1}, [][]int{{1, 2, 5, 5}}, []int{1, 2, 3, 3}},
		{"flatten", &engine.Flatten{}, [][]int{{4, 3, 2, 5}}, []int{4, 30}},
	}
	for _, c := range cases {
		if got := c.op.Shape(c.in...); !engine.SameShape(got, c.want) {
			t.Errorf("%s.Shape(%v) = %v, want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestCNNOpShapePanics(t *testing.T) {
	cases := []struct {
		name string
		op   engine.Op
		in   [][]int
	}{
		{"conv/channels", &engine.Conv2D{Stride: 1}, [][]int{{1, 3, 8, 8}, {4, 2, 3, 3}}},
		{"conv/rank", &engine.Conv2D{Stride: 1}, [][]int{{3, 8, 8}, {4, 3, 3, 3}}},
		{"conv/stride0", &engine.Conv2D{}, [][]int{{1, 1, 8, 8}, {1, 1, 3, 3}}},
		{"conv/bias", &engine.Conv2D{Stride: 1}, [][]int{{1, 1, 8, 8}, {2, 1, 3, 3}, {3}}},
		{"conv/kernel", &engine.Conv2D{Stride: 1}, [][]int{{1, 1, 2, 2}, {1, 1, 3, 3}}},
		{"maxpool/window", &engine.MaxPool2D{Size: 3, Stride: 1}, [][]int{{1, 1, 2, 5}}},
		{"avgpool/stride0", &engine.AvgPool2D{Size: 2}, [][]int{{1, 1, 4, 4}}},
		{"flatten/rank", &engine.Flatten{}, [][]int{{4}}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "engine: ") {
					t.Errorf("%s.Shape(%v) panic = %q, want an \"engine: \" panic", c.name, c.in, msg)
				}
			}()
			c.op.Shape(c.in...)
		}()
	}
}

// TestConv2DChunks runs a batch big enough to be split into chunks (each
// 16x32x32 image with 5x5 kernels needs 400 x 1024 columns, so two images
// fill a chunk and five make chunks of 2, 2 and 1), and checks forward and
// backward against the same op run on each image alone.
func TestConv2DChunks(t *testing.T) {
	r := gradcheck.Random
	x, w, b := r(70, 1, 5, 16, 32, 32), r(71, 1, 3, 16, 5, 5), r(72, 1, 3)
	dout := r(73, 1, 5, 3, 32, 32)
	op := &engine.Conv2D{Stride: 1, Pad: 2}
	out := engine.New(op.Shape(x.Shape, w.Shape, b.Shape)...)
	op.Forward(out, x, w, b)
	din := []*engine.Tensor{engine.New(x.Shape...), engine.New(w.Shape...), engine.New(b.Shape...)}
	op.Backward(din, dout, out, x, w, b)

	want := []*engine.Tensor{engine.New(x.Shape...), engine.New(w.Shape...), engine.New(b.Shape...)}
	wantOut := engine.New(out.Shape...)
	inSize, outSize := 16*32*32, 3*32*32
	for i := range 5 {
		xi := engine.FromData(x.Data[i*inSize:(i+1)*inSize], 1, 16, 32, 32)
		gi := engine.FromData(dout.Data[i*outSize:(i+1)*outSize], 1, 3, 32, 32)
		oi := engine.FromData(wantOut.Data[i*outSize:(i+1)*outSize], 1, 3, 32, 32)
		one := &engine.Conv2D{Stride: 1, Pad: 2}
		one.Forward(oi, xi, w, b)
		dxi := engine.FromData(want[0].Data[i*inSize:(i+1)*inSize], 1, 16, 32, 32)
		one.Backward([]*engine.Tensor{dxi, want[1], want[2]}, gi, oi, xi, w, b)
	}
	for k, pair := range [][2]*engine.Tensor{{out, wantOut}, {din[0], want[0]}, {din[1], want[1]}, {din[2], want[2]}} {
		for j := range pair[1].Data {
			// The same products summed in another grouping: the gradients
			// of W and b add up to 5*1024 terms of size < 1, so rounding
			// stays far below 1e-10.
			if math.Abs(pair[0].Data[j]-pair[1].Data[j]) > 1e-10 {
				t.Fatalf("Conv2D chunked result %d [%d] = %v, want %v (image by image)", k, j, pair[0].Data[j], pair[1].Data[j])
			}
		}
	}
}
