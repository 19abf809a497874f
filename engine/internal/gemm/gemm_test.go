package gemm

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// naiveGemm is the definition: C[i, j] = sum_p A'[i, p] B'[p, j] + beta C[i, j].
// It also returns, per element, sum_p |A'[i, p] B'[p, j]| + |beta C[i, j]|,
// which bounds the rounding error of any summation order.
func naiveGemm(transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64) (want, mag []float64) {
	at := func(i, p int) float64 {
		if transA {
			return a[p*m+i]
		}
		return a[i*k+p]
	}
	bt := func(p, j int) float64 {
		if transB {
			return b[j*k+p]
		}
		return b[p*n+j]
	}
	want, mag = make([]float64, m*n), make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				s += at(i, p) * bt(p, j)
				abs += math.Abs(at(i, p) * bt(p, j))
			}
			if beta != 0 {
				s += beta * c[i*n+j]
				abs += math.Abs(beta * c[i*n+j])
			}
			want[i*n+j], mag[i*n+j] = s, abs
		}
	}
	return want, mag
}

// mulberry32 is engine.Mulberry32, the reference spec's PRNG, repeated here
// because this package cannot import the engine that imports it. The tests
// draw the same operands as when they lived in package engine.
type mulberry32 struct{ s uint32 }

func newMulberry32(seed uint32) *mulberry32 { return &mulberry32{s: seed} }

// Next returns a uniform float64 in [0, 1).
func (r *mulberry32) Next() float64 {
	r.s += 0x6D2B79F5
	t := r.s
	t = (t ^ (t >> 15)) * (t | 1)
	t ^= t + (t^(t>>7))*(t|61)
	return float64(t^(t>>14)) / 4294967296.0
}

func randSlice(r *mulberry32, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*r.Next() - 1
	}
	return s
}

// gemmFunc has Mul's signature.
type gemmFunc func(transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64)

// gemmImpls lists every way this machine can compute a product: the entry
// point, the blocked product with each micro-kernel, and gonum's Dgemm.
func gemmImpls() map[string]gemmFunc {
	with := func(kern microKernel) gemmFunc {
		return func(tA, tB bool, m, n, k int, a, b []float64, beta float64, c []float64) {
			mulWith(kern, tA, tB, m, n, k, a, b, beta, c)
		}
	}
	impls := map[string]gemmFunc{"gemm": Mul, "kernel=go": with(kernelGo), "gonum": gonumMul}
	if kern, ok := asmKernel(); ok {
		impls["kernel=asm"] = with(kern)
	}
	return impls
}

func TestNaiveGemmKnownProduct(t *testing.T) {
	// [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50], and with beta 1 plus C = 1.
	a, b := []float64{1, 2, 3, 4}, []float64{5, 6, 7, 8}
	want := []float64{20, 23, 44, 51}
	got, _ := naiveGemm(false, false, 2, 2, 2, a, b, 1, []float64{1, 1, 1, 1})
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("naiveGemm = %v, want %v", got, want)
		}
	}
}

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	beta           float64
}

func (c gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,beta=%v", c.transA, c.transB, c.m, c.n, c.k, c.beta)
}

// gemmCases covers every transpose combination with odd sizes (tiles cut at
// every edge), sizes that cross each cache block (m > mcBlock, n > ncBlock,
// k > kcBlock), sizes large enough to be split across cores both ways, and
// empty products.
func gemmCases() []gemmCase {
	var cs []gemmCase
	sizes := []int{1, 3, 7, 17, 33, 65}
	big := [][3]int{
		{mcBlock + 7, 17, kcBlock + 5}, // several row blocks, two depth passes
		{7, ncBlock + 9, kcBlock + 5},  // two column blocks, two depth passes
		{130, 65, 33}, {33, 130, 65},   // split across cores by rows, by columns
		{0, 5, 3}, {5, 0, 3}, {4, 5, 0}, // empty
	}
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, beta := range []float64{0, 1, 0.5} {
				for _, m := range sizes {
					for _, n := range sizes {
						for _, k := range sizes {
							cs = append(cs, gemmCase{tA, tB, m, n, k, beta})
						}
					}
				}
				for _, s := range big {
					cs = append(cs, gemmCase{tA, tB, s[0], s[1], s[2], beta})
				}
			}
		}
	}
	return cs
}

func TestGemmMatchesNaive(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Log("GOMAXPROCS < 2: the split across cores is not exercised")
	}
	const guard = 3 // elements past C that must not be written
	impls := gemmImpls()
	r := newMulberry32(7)
	for _, tc := range gemmCases() {
		a := randSlice(r, tc.m*tc.k)
		b := randSlice(r, tc.k*tc.n)
		c0 := randSlice(r, tc.m*tc.n+guard)
		if tc.beta == 0 {
			// BLAS semantics: with beta 0, C is not read, so NaN must vanish.
			for i := range c0[:tc.m*tc.n] {
				c0[i] = math.NaN()
			}
		}
		a0, b0 := slices.Clone(a), slices.Clone(b)
		want, mag := naiveGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, a, b, tc.beta, c0)
		for name, f := range impls {
			c := slices.Clone(c0)
			f(tc.transA, tc.transB, tc.m, tc.n, tc.k, a, b, tc.beta, c)
			for i := range want {
				// Summing the k+1 terms in any order is within
				// gamma_{k+1} = (k+1) u / (1 - (k+1) u) times mag of the exact sum
				// (Higham, Accuracy and Stability of Numerical Algorithms, 3.1),
				// u = 2^-53, so two orders differ by at most 2 (k+2) u mag.
				tol := 2 * float64(tc.k+2) * 0x1p-53 * mag[i]
				if d := math.Abs(c[i] - want[i]); !(d <= tol) {
					t.Fatalf("%s(%v)[%d] = %v, want %v (diff %g > tol %g)", name, tc, i, c[i], want[i], d, tol)
				}
			}
			if !slices.Equal(c[tc.m*tc.n:], c0[tc.m*tc.n:]) {
				t.Fatalf("%s(%v) wrote past the end of C", name, tc)
			}
			if !slices.Equal(a, a0) || !slices.Equal(b, b0) {
				t.Fatalf("%s(%v) modified A or B", name, tc)
			}
		}
	}
}

func TestGemmPanicsOnShortSlices(t *testing.T) {
	a, b, c := make([]float64, 6), make([]float64, 12), make([]float64, 8)
	for _, tc := range []struct {
		name    string
		a, b, c []float64
	}{
		{"short A", a[:5], b, c},
		{"short B", a, b[:11], c},
		{"short C", a, b, c[:7]},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "engine: gemm") {
					t.Errorf("Mul with %s: panic %q, want an \"engine: gemm\" panic", tc.name, msg)
				}
			}()
			Mul(false, false, 2, 4, 3, tc.a, tc.b, 0, tc.c) // [2,3] x [3,4]
		}()
	}
}

// TestGemmAgreesWithGonum checks the engine's product against gonum's Dgemm,
// the implementation it replaced, on the shapes of a transformer layer.
func TestGemmAgreesWithGonum(t *testing.T) {
	r := newMulberry32(11)
	for _, tc := range []gemmCase{
		{false, false, 256, 128, 64, 0},
		{false, true, 256, 64, 128, 1},
		{true, false, 64, 128, 256, 1},
		{true, true, 40, 72, 24, 0.5},
	} {
		a, b := randSlice(r, tc.m*tc.k), randSlice(r, tc.k*tc.n)
		got := randSlice(r, tc.m*tc.n)
		ref := append([]float64(nil), got...)
		Mul(tc.transA, tc.transB, tc.m, tc.n, tc.k, a, b, tc.beta, got)
		gonumMul(tc.transA, tc.transB, tc.m, tc.n, tc.k, a, b, tc.beta, ref)
		for i := range got {
			// Entries are sums of k products of numbers in [-1, 1]: mag <= k+1,
			// so the two orders differ by at most 2(k+2) u (k+1) < 1e-10.
			if d := math.Abs(got[i] - ref[i]); d > 1e-10 {
				t.Fatalf("Mul(%v)[%d] = %v, gonum Dgemm = %v", tc, i, got[i], ref[i])
			}
		}
	}
}

// gemmBenchShapes are the products of a training step of the benchmark
// models (see engine/transformer/bench_test.go): linear layers fold the
// batch into the rows (B*T = 1024 for the large model), attention
// multiplies [T, d_head] blocks of one head.
var gemmBenchShapes = []gemmCase{
	{false, false, 1024, 512, 128, 1}, // large: X W1
	{false, false, 1024, 128, 512, 1}, // large: H W2
	{false, false, 1024, 128, 128, 1}, // large: X Wq
	{false, true, 1024, 128, 512, 1},  // large: dX = dH W1^T
	{true, false, 128, 512, 1024, 1},  // large: dW1 = X^T dH
	{false, true, 64, 64, 16, 1},      // large: one head's Q K^T
	{false, false, 64, 16, 64, 1},     // large: one head's P V
	{false, false, 16, 32, 32, 1},     // small: X Wq
	{false, false, 16, 128, 32, 1},    // small: X W1
}

// benchName names a product by its transposes and the logical shapes of
// its factors: "NT_1024x512_512x128" is A' [1024, 512] times B' [512, 128]
// with B stored transposed.
func (c gemmCase) benchName() string {
	t := map[bool]string{false: "N", true: "T"}
	return fmt.Sprintf("%s%s_%dx%d_%dx%d", t[c.transA], t[c.transB], c.m, c.k, c.k, c.n)
}

// BenchmarkGemm compares the engine's product (Mul, and the blocked
// product with the portable kernel) with gonum's blas64 Dgemm.
func BenchmarkGemm(b *testing.B) {
	impls := gemmImpls()
	for _, s := range gemmBenchShapes {
		r := newMulberry32(3)
		a, bm, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), randSlice(r, s.m*s.n)
		for _, impl := range []string{"gemm", "gonum", "kernel=go"} {
			f := impls[impl]
			b.Run(s.benchName()+"/"+impl, func(b *testing.B) {
				for b.Loop() {
					f(s.transA, s.transB, s.m, s.n, s.k, a, bm, 1, c)
				}
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
