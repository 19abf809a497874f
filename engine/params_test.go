package engine_test

import (
	"strings"
	"testing"

	"stepgraph/engine"
)

func TestCopyParams(t *testing.T) {
	newDst := func() map[string]*engine.Tensor {
		return map[string]*engine.Tensor{"w": engine.New(2, 2), "b": engine.New(2)}
	}
	order := []string{"w", "b"}
	good := map[string]*engine.Tensor{
		"w": engine.FromData([]float64{1, 2, 3, 4}, 2, 2),
		"b": engine.FromData([]float64{5, 6}, 2),
	}
	dst := newDst()
	if err := engine.CopyParams(dst, order, good); err != nil {
		t.Fatalf("CopyParams(good) = %v, want nil", err)
	}
	if dst["w"].At(1, 0) != 3 || dst["b"].At(1) != 6 {
		t.Fatalf("CopyParams copied w=%v b=%v", dst["w"].Data, dst["b"].Data)
	}
	for _, tc := range []struct {
		name string
		src  map[string]*engine.Tensor
		want string
	}{
		{"unknown", map[string]*engine.Tensor{"w": good["w"], "b": good["b"], "x": good["b"]}, `unknown parameter "x"`},
		{"missing", map[string]*engine.Tensor{"w": good["w"]}, `missing parameter "b"`},
		{"shape", map[string]*engine.Tensor{"w": engine.New(4), "b": good["b"]}, `"w" has shape [4], want [2 2]`},
	} {
		dst := newDst()
		err := engine.CopyParams(dst, order, tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CopyParams(%s) = %v, want an error containing %s", tc.name, err, tc.want)
		}
		// Nothing is copied when any parameter is refused.
		if dst["w"].Stats().Norm != 0 || dst["b"].Stats().Norm != 0 {
			t.Errorf("CopyParams(%s) copied values despite the error", tc.name)
		}
	}
}

func TestUniformTensorIsTheSpecDraw(t *testing.T) {
	// SPEC.md section 1: seed 1 gives u = 0.6270739405881613 first, so the
	// first element is float32(0 + 0.5*(2u-1)).
	x := engine.UniformTensor(engine.NewMulberry32(1), 0.5, 0, 2, 3)
	want := float64(float32(0.5 * (2*0.6270739405881613 - 1)))
	if x.Data[0] != want || len(x.Data) != 6 {
		t.Fatalf("UniformTensor first = %v (n %d), want %v", x.Data[0], len(x.Data), want)
	}
	for _, v := range x.Data {
		if v < -0.5 || v > 0.5 || v != float64(float32(v)) {
			t.Fatalf("UniformTensor value %v outside ±0.5 or not a float32", v)
		}
	}
}

func TestArgmax(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want int
	}{
		{[]float64{3}, 0},
		{[]float64{0.1, 2, -1}, 1},
		{[]float64{1, 5, 5, 2}, 1}, // the first of a tie
		{[]float64{-3, -1, -2}, 1},
	} {
		if got := engine.Argmax(tc.x); got != tc.want {
			t.Errorf("Argmax(%v) = %d, want %d", tc.x, got, tc.want)
		}
	}
}
