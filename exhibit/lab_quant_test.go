package exhibit

import (
	"math"
	"slices"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/quant"
	"stepgraph/engine/task"
)

// quantLab builds the default lab quantized as the options say.
func quantLab(t *testing.T, opts map[string]string) *Lab {
	t.Helper()
	v := LabOptions.Defaults()
	for k, x := range opts {
		v[k] = x
	}
	ex, e := NewLab(v)
	if e != nil {
		t.Fatalf("lab %v: %v", opts, e)
	}
	return ex.(*Lab)
}

// setLab changes one option of l through its table, as a set request does.
func setLab(t *testing.T, l *Lab, name, value string) *Error {
	t.Helper()
	next, effect, e := LabOptions.Set(l.Values(), name, value)
	if e != nil {
		t.Fatalf("set %s=%s: %v", name, value, e)
	}
	return l.Apply(next, effect)
}

// quantView returns the lab's quantization view, or nil.
func quantView(l *Lab) *QuantErrorView {
	for _, v := range l.Views() {
		if q, ok := v.(*QuantErrorView); ok {
			return q
		}
	}
	return nil
}

// TestLabQuantDynamicAgreesWithEngine quantizes the lab's transformer
// dynamically, int8 and int4, and checks the stepped graph, the colours'
// SQNR, the bytes and the multiply-adds against package quant run on a
// graph of the same model built here.
func TestLabQuantDynamicAgreesWithEngine(t *testing.T) {
	for _, bits := range []string{"8", "4"} {
		l := quantLab(t, map[string]string{"quant": "dynamic", "qbits": bits})
		build := func() *engine.Graph {
			g, err := l.Model().Build(1, l.lm.layout.T, l.lm.layout.TSrc)
			if err != nil {
				t.Fatal(err)
			}
			task.Fill(g, l.lm.batch)
			return g
		}
		ref := build()
		ref.Forward()
		s := labScheme(l.Values())
		q, err := quant.Dynamic(build(), s)
		if err != nil {
			t.Fatal(err)
		}
		q.Forward()
		want := map[string]quant.Error{}
		for _, e := range quant.Compare(ref, q) {
			want[e.Name] = e.Error
		}
		for _, e := range quant.WeightErrors(ref, s) {
			want[e.Name] = e.Error
		}

		stepped := l.Stepping().Graph()
		ints := 0
		for _, n := range stepped.Nodes {
			if _, ok := n.Op.(*quant.QMatMul); ok {
				ints++
			}
		}
		linears := quant.Linears(ref)
		if ints != len(linears) || ints == 0 {
			t.Errorf("int%s: the stepped graph has %d int matmuls, the float model %d linear layers", bits, ints, len(linears))
		}
		v := quantView(l)
		if v == nil || v.Over != "the stepped example" {
			t.Fatalf("int%s: quant view %+v", bits, v)
		}
		seen := 0
		for _, n := range v.Nodes {
			w, ok := want[n.Of]
			if !ok {
				t.Errorf("int%s: node %s has an error the engine does not measure", bits, n.Name)
				continue
			}
			seen++
			if w.SQNR != n.SQNR && !(math.IsNaN(w.SQNR) && math.IsNaN(n.SQNR)) || n.Band != quantBand(w.SQNR) {
				t.Errorf("int%s: %s SQNR %v band %d, engine %v", bits, n.Name, n.SQNR, n.Band, w.SQNR)
			}
		}
		if seen < len(want) {
			t.Errorf("int%s: %d nodes coloured, the engine measures %d", bits, seen, len(want))
		}

		m := l.Metrics(false).Values
		mem := quant.MemoryOf(ref, s)
		macs := 0
		for _, n := range linears {
			k, cols := n.Inputs[1].Shape[0], n.Inputs[1].Shape[1]
			macs += n.Inputs[0].Value.Size() / k * k * cols
		}
		for key, x := range map[string]float64{
			"floatBytes": float64(4 * l.Model().NumParams()), "bytes": float64(mem.Quantized()), "weightBytes": float64(mem.Weights),
			"linears": float64(len(linears)), "matmulMACs": float64(macs),
		} {
			if m[key] != x {
				t.Errorf("int%s: %s = %v, want %v", bits, key, m[key], x)
			}
		}
		if bits == "8" && m["weightBytes"]*4 > m["floatBytes"] {
			t.Errorf("int8 weights take %v bytes of %v", m["weightBytes"], m["floatBytes"])
		}
		loss, acc := l.lm.heldOutLoss()
		if m["floatLoss"] != loss || m["floatAccuracy"] != acc || m["loss"] != loss {
			t.Errorf("int%s: float loss %v accuracy %v, the held-out samples give %v %v", bits, m["floatLoss"], m["floatAccuracy"], loss, acc)
		}
		for _, key := range []string{"floatMatmulNs", "int8MatmulNs", "int8LinearNs", "quantLoss", "quantAccuracy"} {
			if _, ok := m[key]; !ok || m[key] < 0 {
				t.Errorf("int%s: %s = %v", bits, key, m[key])
			}
		}
		if m["floatMatmulNs"] == 0 || m["int8MatmulNs"] == 0 {
			t.Errorf("int%s: times not measured: %v", bits, m)
		}
	}
}

// TestLabQuantStaticCalibration checks the static pass's calibration:
// qcalib sequences, more of them beginning with the fewer, and the
// observers' ranges covering the fewer's.
func TestLabQuantStaticCalibration(t *testing.T) {
	few := quantLab(t, map[string]string{"quant": "static", "qcalib": "4"})
	many := quantLab(t, map[string]string{"quant": "static", "qcalib": "32"})
	cf, cm := few.quant.calibration, many.quant.calibration
	if cf == nil || cm == nil || len(cf.Inputs) != 4 || len(cm.Inputs) != 32 || !slices.Equal(cf.Inputs, cm.Inputs[:4]) {
		t.Fatalf("calibration inputs %v and %v", cf, cm)
	}
	if len(cf.Observers) == 0 || len(cf.Observers) != len(cm.Observers) {
		t.Fatalf("observers %d and %d", len(cf.Observers), len(cm.Observers))
	}
	wider := 0
	for i, o := range cf.Observers {
		p := cm.Observers[i]
		if p.Activation != o.Activation || p.Lo > o.Lo || p.Hi < o.Hi || o.Scale <= 0 {
			t.Errorf("observer %s: range [%v, %v] over 32, [%v, %v] over 4", o.Activation, p.Lo, p.Hi, o.Lo, o.Hi)
		}
		if p.Lo < o.Lo || p.Hi > o.Hi {
			wider++
		}
	}
	if wider == 0 {
		t.Error("32 calibration sequences widened no range of 4")
	}
	for _, n := range few.Stepping().Graph().Nodes {
		if op, ok := n.Op.(*quant.QMatMul); ok && op.ActParams == nil {
			t.Errorf("%s: a static int matmul without a fixed grid", n.Name)
		}
	}
}

// TestLabQuantQAT checks the qat pass: its fine-tuning steps, and an
// integer model other than the dynamic pass's.
func TestLabQuantQAT(t *testing.T) {
	l := quantLab(t, map[string]string{"quant": "qat"})
	m := l.Metrics(false).Values
	if want := labQATStepsOf(l.Model().NumParams()); m["qatSteps"] != float64(want) || want != labQATSteps {
		t.Errorf("qat steps %v, want %d", m["qatSteps"], want)
	}
	if labQATStepsOf(470000) != labQATMin {
		t.Errorf("the largest model fine-tunes %d steps", labQATStepsOf(470000))
	}
	d := quantLab(t, map[string]string{"quant": "dynamic"})
	if m["quantLoss"] == d.Metrics(false).Values["quantLoss"] {
		t.Errorf("qat and dynamic give the same loss %v", m["quantLoss"])
	}
}

// TestLabQuantRefusalsAndBack checks that a quantized lab refuses to
// train and to step the optimizer, keeps the cursor when it quantizes,
// and runs its float model again with quant none.
func TestLabQuantRefusalsAndBack(t *testing.T) {
	l := quantLab(t, nil)
	if e := l.Stepping().Seek(9); e != nil {
		t.Fatal(e)
	}
	at := l.Stepping().Highlight().Name
	if e := setLab(t, l, "quant", "dynamic"); e != nil {
		t.Fatal(e)
	}
	if h := l.Stepping().Highlight(); h == nil || h.Name != at {
		t.Errorf("quantizing moved the cursor from %s to %v", at, h)
	}
	if _, e := l.StartTraining(10); e == nil || e.Code != Busy || e.Field != "quant" {
		t.Errorf("training a quantized lab: %v", e)
	}
	if _, e := l.OptimizerStep(""); e == nil || e.Code != Busy || e.Field != "quant" {
		t.Errorf("an optimizer step of a quantized lab: %v", e)
	}
	if e := setLab(t, l, "quant", "none"); e != nil {
		t.Fatal(e)
	}
	for _, n := range l.Stepping().Graph().Nodes {
		if _, ok := n.Op.(*quant.QMatMul); ok {
			t.Fatalf("quant none still steps %s", n.Name)
		}
	}
	if quantView(l) != nil || l.Stepping().Graph() != l.lm.g {
		t.Error("quant none: the float graph is not stepped again")
	}
	if _, e := l.StartTraining(10); e != nil {
		t.Errorf("the float lab refuses to train: %v", e)
	}
}

// TestLabQuantMaskEdit edits masks of a quantized lab: the integer graph
// then applies them (a blocked key has probability 0 in the stepped run,
// and the errors are those of a dynamic quantization of the masked float
// model, built here), and the timing of the linear layers, whose shapes
// did not change, is kept.
func TestLabQuantMaskEdit(t *testing.T) {
	l := quantLab(t, map[string]string{"quant": "dynamic"})
	before := l.Metrics(false).Values["floatMatmulNs"]
	// A cell the causal mask allows, then a second edit, which changes the
	// mask in place.
	for _, e := range []MaskEdit{{Attention: "layers.0.attn", Row: 2, Col: 0}, {Attention: "layers.0.attn", Row: 3, Col: 1}} {
		if _, err := l.EditMask(e); err != nil {
			t.Fatal(err)
		}
	}
	l.Stepping().RunForward()
	g := l.Stepping().Graph()
	for _, name := range []string{"layers.0.attn.head.0.probs", "layers.0.attn.head.1.probs"} {
		p := g.MustNode(name).Value // [1, T, T]
		T := p.Shape[2]
		if p.Data[2*T+0] != 0 || p.Data[3*T+1] != 0 || p.Data[2*T+1] == 0 {
			t.Errorf("%s of the quantized graph: row 2 %v, row 3 %v", name, p.Data[2*T:3*T], p.Data[3*T:4*T])
		}
	}

	ref, err := l.Model().BuildMasked(1, l.lm.layout.T, l.lm.layout.TSrc, l.masks.patterns())
	if err != nil {
		t.Fatal(err)
	}
	task.Fill(ref, l.lm.batch)
	ref.Forward()
	src, _ := l.Model().BuildMasked(1, l.lm.layout.T, l.lm.layout.TSrc, l.masks.patterns())
	task.Fill(src, l.lm.batch)
	q, err := quant.Dynamic(src, labScheme(l.Values()))
	if err != nil {
		t.Fatal(err)
	}
	q.Forward()
	for _, e := range quant.Compare(ref, q) {
		if got := l.quant.nodeErrors[e.Name]; got != e.Error && !math.IsNaN(e.SQNR) {
			t.Errorf("%s after the edits: error %v, the masked model's %v", e.Name, got, e.Error)
		}
	}
	if after := l.Metrics(false).Values["floatMatmulNs"]; after != before {
		t.Errorf("a mask edit timed the linear layers again: %v, then %v", before, after)
	}
}
