package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/mlp"
	"stepgraph/engine/transformer"
)

// sample returns tensors of several shapes (a scalar and an empty one
// included) holding float32 values drawn from a seeded stream.
func sample(seed uint32) (map[string]*engine.Tensor, []string) {
	rng := engine.NewMulberry32(seed)
	shapes := map[string][]int{"layers.0.w": {3, 4}, "layers.0.b": {4}, "scale": {}, "empty": {0, 3}, "cube": {2, 2, 2}}
	order := []string{"layers.0.w", "layers.0.b", "scale", "empty", "cube"}
	ts := map[string]*engine.Tensor{}
	for _, name := range order {
		t := engine.New(shapes[name]...)
		for i := range t.Data {
			t.Data[i] = rng.UniformF32(3, 0)
		}
		ts[name] = t
	}
	return ts, order
}

// sameBits reports whether two tensors have equal shapes and bit-identical
// values (so NaN equals NaN and -0 differs from 0).
func sameBits(a, b *engine.Tensor) bool {
	if !engine.SameShape(a.Shape, b.Shape) || len(a.Data) != len(b.Data) {
		return false
	}
	for i := range a.Data {
		if math.Float64bits(a.Data[i]) != math.Float64bits(b.Data[i]) {
			return false
		}
	}
	return true
}

func TestRoundTrip(t *testing.T) {
	ts, order := sample(1)
	// F64 keeps every float64 exactly, special values included.
	special := engine.FromData([]float64{math.Pi, math.Inf(-1), math.NaN(), math.Copysign(0, -1), 5e-324, math.MaxFloat64}, 2, 3)
	meta := map[string]string{"format": "pt", "model": "mlp \"quoted\" é"}
	for _, c := range []struct {
		dtype DType
		extra *engine.Tensor
		meta  map[string]string
	}{{F32, nil, meta}, {F64, special, nil}, {F32, nil, map[string]string{}}} {
		tensors, names := ts, order
		if c.extra != nil {
			tensors = map[string]*engine.Tensor{"special": c.extra}
			for k, v := range ts {
				tensors[k] = v
			}
			names = append([]string{"special"}, order...)
		}
		var buf bytes.Buffer
		if err := WriteAs(&buf, c.dtype, tensors, names, c.meta); err != nil {
			t.Fatal(err)
		}
		got, gotMeta, err := Read(&buf, 0)
		if err != nil {
			t.Fatalf("Read(Write(%s)) error %v", c.dtype, err)
		}
		if len(got) != len(tensors) {
			t.Errorf("Read(Write(%s)) = %d tensors, want %d", c.dtype, len(got), len(tensors))
		}
		for name, want := range tensors {
			if !sameBits(got[name], want) {
				t.Errorf("Read(Write(%s))[%q] = %v %v, want %v %v", c.dtype, name, got[name].Shape, got[name].Data, want.Shape, want.Data)
			}
		}
		if len(gotMeta) != len(c.meta) {
			t.Errorf("metadata %v, want %v", gotMeta, c.meta)
		}
		for k, v := range c.meta {
			if gotMeta[k] != v {
				t.Errorf("metadata[%q] = %q, want %q", k, gotMeta[k], v)
			}
		}
	}
}

func TestF32RoundsToNearest(t *testing.T) {
	x := engine.FromData([]float64{0.1, 1.0 / 3, -2.7182818284590455, 1e-40}, 4)
	var buf bytes.Buffer
	if err := Write(&buf, map[string]*engine.Tensor{"x": x}, []string{"x"}, nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x.Data {
		// Exact: F32 storage is Go's float32 conversion, round to nearest
		// even, and widening back to float64 is exact.
		if want := float64(float32(v)); got["x"].Data[i] != want {
			t.Errorf("F32 of %v = %v, want %v", v, got["x"].Data[i], want)
		}
	}
}

func TestWriteLayout(t *testing.T) {
	// The bytes of a one-tensor file, checked field by field.
	ts := map[string]*engine.Tensor{"a": engine.FromData([]float64{1, -2}, 2)}
	var buf bytes.Buffer
	if err := Write(&buf, ts, []string{"a"}, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	n := int(binary.LittleEndian.Uint64(b))
	if n%8 != 0 || 8+n+8 != len(b) {
		t.Fatalf("header length %d, file %d bytes; want a multiple of 8 and 8 + n + 8 bytes", n, len(b))
	}
	var header map[string]struct {
		DType   string  `json:"dtype"`
		Shape   []int   `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(b[8:8+n], &header); err != nil {
		t.Fatalf("header %q: %v", b[8:8+n], err)
	}
	a := header["a"]
	if a.DType != "F32" || len(a.Shape) != 1 || a.Shape[0] != 2 || len(a.Offsets) != 2 || a.Offsets[0] != 0 || a.Offsets[1] != 8 {
		t.Errorf("header entry %+v, want F32 [2] at [0, 8)", a)
	}
	// 1.0f is 0x3F800000 and -2.0f is 0xC0000000, stored little-endian.
	if want := []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}; !bytes.Equal(b[8+n:], want) {
		t.Errorf("data % x, want % x", b[8+n:], want)
	}
}

// file assembles a safetensors file from a header and data.
func file(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// f32 returns the little-endian bytes of float32 values.
func f32(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func TestReadHandBuiltFile(t *testing.T) {
	// Entries out of data order, mixed dtypes, metadata, padding spaces.
	data := append(f32(1.5, -2), binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.1))...)
	header := `{"b":{"dtype":"F64","shape":[1,1],"data_offsets":[8,16]},"__metadata__":{"k":"v"},` +
		`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   `
	got, meta, err := Read(bytes.NewReader(file(header, data)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if a := got["a"]; a == nil || !sameBits(a, engine.FromData([]float64{1.5, -2}, 2)) {
		t.Errorf("a = %v, want [1.5 -2]", a)
	}
	if b := got["b"]; b == nil || !sameBits(b, engine.FromData([]float64{0.1}, 1, 1)) {
		t.Errorf("b = %v, want [[0.1]]", b)
	}
	if meta["k"] != "v" || len(meta) != 1 {
		t.Errorf("metadata = %v, want map[k:v]", meta)
	}
}

func TestReadRejectsCorruptFiles(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	two := f32(1, 2)
	entry := func(dtype, shape, offsets string) string {
		return `{"a":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}}`
	}
	hugeHeader := binary.LittleEndian.AppendUint64(nil, MaxHeaderBytes+1)
	lyingLength := binary.LittleEndian.AppendUint64(nil, 1000)
	for _, c := range []struct {
		name string
		file []byte
		max  int64
		want error
	}{
		{"empty", nil, 0, ErrTruncated},
		{"short length", []byte{1, 0, 0}, 0, ErrTruncated},
		{"header cut", file(ok, two)[:20], 0, ErrTruncated},
		{"header length past the end", append(lyingLength, `{}`...), 0, ErrTruncated},
		{"data cut", file(ok, two[:6]), 0, ErrTruncated},
		{"header above MaxHeaderBytes", append(hugeHeader, '{'), 0, ErrTooLarge},
		{"header above the file limit", file(ok, two), 40, ErrTooLarge},
		{"file above the limit", file(ok, two), int64(8 + len(ok) + 7), ErrTooLarge},
		{"not an object", file(`[1,2]`, nil), 0, ErrHeader},
		{"leading space", file(` `+ok, two), 0, ErrHeader},
		{"unterminated", file(`{"a":{"dtype":"F32"`, two), 0, ErrHeader},
		{"garbage after", file(ok+`x`, two), 0, ErrHeader},
		{"entry not an object", file(`{"a":3}`, nil), 0, ErrHeader},
		{"missing offsets", file(`{"a":{"dtype":"F32","shape":[2]}}`, two), 0, ErrHeader},
		{"null entry", file(`{"a":null}`, nil), 0, ErrHeader},
		{"duplicate name", file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}`, two), 0, ErrHeader},
		{"metadata not strings", file(`{"__metadata__":{"k":1}}`, nil), 0, ErrHeader},
		{"fractional shape", file(entry("F32", "[2.5]", "[0,8]"), two), 0, ErrHeader},
		{"offsets reversed", file(entry("F32", "[0]", "[8,0]"), two), 0, ErrOffsets},
		{"offsets negative", file(entry("F32", "[2]", "[-8,0]"), two), 0, ErrOffsets},
		{"three offsets", file(entry("F32", "[2]", "[0,4,8]"), two), 0, ErrOffsets},
		{"offsets past the data", file(entry("F32", "[4]", "[0,16]"), two), 0, ErrTruncated},
		{"trailing data", file(entry("F32", "[1]", "[0,4]"), two), 0, ErrOffsets},
		{"gap", file(entry("F32", "[1]", "[4,8]"), two), 0, ErrOffsets},
		{"overlap", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, two), 0, ErrOffsets},
		{"shape too big", file(entry("F32", "[3]", "[0,8]"), two), 0, ErrShape},
		{"shape too small", file(entry("F32", "[1]", "[0,8]"), two), 0, ErrShape},
		{"negative dimension", file(entry("F32", "[-2]", "[0,8]"), two), 0, ErrShape},
		{"overflowing shape", file(entry("F32", "[2147483647,2147483647,2147483647,4]", "[0,8]"), two), 0, ErrShape},
		{"huge dimension", file(entry("F32", "[0,9223372036854775807]", "[0,0]"), nil), 0, ErrShape},
		{"rank too high", file(entry("F32", "[1,1,1,1,1,1,1,1,2]", "[0,8]"), two), 0, ErrShape},
		{"scalar without data", file(entry("F32", "[]", "[0,0]"), nil), 0, ErrShape},
		{"unsupported dtype", file(entry("BF16", "[4]", "[0,8]"), two), 0, ErrDType},
		{"unknown dtype", file(entry("F33", "[2]", "[0,8]"), two), 0, ErrUnknownType},
	} {
		ts, meta, err := Read(bytes.NewReader(c.file), c.max)
		if !errors.Is(err, c.want) {
			t.Errorf("Read(%s) error = %v, want %v", c.name, err, c.want)
		}
		if ts != nil || meta != nil {
			t.Errorf("Read(%s) returned data with its error", c.name)
		}
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	ts, order := sample(2)
	big := map[string]*engine.Tensor{"x": engine.FromData([]float64{1e39}, 1)}
	for _, c := range []struct {
		name    string
		ts      map[string]*engine.Tensor
		order   []string
		dtype   DType
		w       *failWriter
		wantErr string
	}{
		{"name missing from order", ts, order[1:], F32, nil, "missing from the order"},
		{"name without tensor", ts, append([]string{"ghost"}, order...), F32, nil, "has no tensor"},
		{"name twice", ts, append([]string{order[0]}, order...), F32, nil, "listed twice"},
		{"reserved name", map[string]*engine.Tensor{metadataKey: engine.New(1)}, []string{metadataKey}, F32, nil, "reserved"},
		{"float32 overflow", big, []string{"x"}, F32, nil, "overflows float32"},
		{"dtype", ts, order, "I8", nil, "dtype"},
		{"writer fails in the header", ts, order, F32, &failWriter{n: 10}, "disk full"},
		{"writer fails in the data", ts, order, F32, &failWriter{n: 400}, "disk full"},
	} {
		var w interface{ Write([]byte) (int, error) } = &bytes.Buffer{}
		if c.w != nil {
			w = c.w
		}
		err := WriteAs(w, c.dtype, c.ts, c.order, nil)
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("WriteAs(%s) error = %v, want one mentioning %q", c.name, err, c.wantErr)
		}
	}
	// F64 has the range that F32 lacks.
	if err := WriteAs(&bytes.Buffer{}, F64, big, []string{"x"}, nil); err != nil {
		t.Errorf("WriteAs(F64, 1e39) error = %v, want nil", err)
	}
}

func TestModelsRoundTrip(t *testing.T) {
	// A model saved and loaded into a fresh model of another seed computes
	// the same loss, bit for bit: the models draw float32 values.
	tm, err := transformer.New(transformer.Config{Variant: transformer.EncDec, V: 7, VSrc: 6, D: 8, Heads: 2, DFF: 16, LEnc: 1, LDec: 1, MaxLen: 6, Act: "gelu_tanh"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{8, 4}, Classes: 3, Act: "tanh"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	tm2, _ := transformer.New(tm.Config, 6)
	mm2, _ := mlp.New(mm.Config, 6)
	batch := transformer.DrawBatch(tm.Config, engine.NewMulberry32(9), 2, 4, 5)
	for _, c := range []struct {
		name      string
		params    map[string]*engine.Tensor
		order     []string
		set       func(map[string]*engine.Tensor) error
		lossA     func() float64
		lossB     func() float64
		wantNames int
	}{
		{"transformer", tm.Params, tm.Order, tm2.SetParams,
			func() float64 { g, _ := tm.Build(2, 4, 5); tm.Feed(g, batch); return g.Forward() },
			func() float64 { g, _ := tm2.Build(2, 4, 5); tm2.Feed(g, batch); return g.Forward() }, len(tm.Order)},
		{"mlp", mm.Params, mm.Order, mm2.SetParams,
			func() float64 { g, _ := mm.Build(1); g.MustNode("x").Value.Data[0] = 0.3; return g.Forward() },
			func() float64 { g, _ := mm2.Build(1); g.MustNode("x").Value.Data[0] = 0.3; return g.Forward() }, 6},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, c.params, c.order, map[string]string{"model": c.name}); err != nil {
			t.Fatal(err)
		}
		got, _, err := Read(&buf, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.wantNames {
			t.Errorf("%s: %d tensors, want %d", c.name, len(got), c.wantNames)
		}
		if c.lossA() == c.lossB() {
			t.Fatalf("%s: two seeds give one loss; the test would prove nothing", c.name)
		}
		if err := c.set(got); err != nil {
			t.Fatal(err)
		}
		if a, b := c.lossA(), c.lossB(); a != b {
			t.Errorf("%s: loss after load = %v, want %v", c.name, b, a)
		}
	}
}
