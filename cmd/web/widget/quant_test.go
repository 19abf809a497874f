package widget

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/quant"
	"stepgraph/exhibit"
)

// TestQuantOptions checks which options configure a quant widget, and
// the error code and field of each bad one.
func TestQuantOptions(t *testing.T) {
	checkOptions(t, "quant", []optionCase{
		{map[string]string{}, "", ""},
		{map[string]string{"bits": "4", "symmetry": "asymmetric", "granularity": "per-channel", "pass": "static", "view": "prepared", "weight": "layers.2.w", "seed": "2"}, "", ""},
		{map[string]string{"pass": "qat", "view": "prepared", "caption": "QAT"}, "", ""},
		{map[string]string{"bits": "3"}, protocol.CodeBadField, "bits"},
		{map[string]string{"bits": "int8"}, protocol.CodeBadField, "bits"},
		{map[string]string{"symmetry": "sym"}, protocol.CodeBadField, "symmetry"},
		{map[string]string{"granularity": "per-row"}, protocol.CodeBadField, "granularity"},
		{map[string]string{"pass": "awq"}, protocol.CodeBadField, "pass"},
		{map[string]string{"view": "float"}, protocol.CodeBadField, "view"},
		{map[string]string{"weight": "layers.0.b"}, protocol.CodeBadField, "weight"},
		{map[string]string{"seed": "-1"}, protocol.CodeOutOfRange, "seed"},
		{map[string]string{"pass": "static", "calibration": "1"}, "", ""},
		{map[string]string{"calibration": "0"}, protocol.CodeOutOfRange, "calibration"},
		{map[string]string{"calibration": "301"}, protocol.CodeOutOfRange, "calibration"},
		{map[string]string{"calibration": "many"}, protocol.CodeBadField, "calibration"},
		{map[string]string{"pass": "static", "observer": "percentile"}, "", ""},
		{map[string]string{"observer": "ema"}, protocol.CodeBadField, "observer"},
		{map[string]string{"lr": "0.1"}, protocol.CodeUnknownParam, "lr"},
	})
}

// TestQuantFormulasRender checks that every op of the quant widget's graphs
// has a formula the server's MathML renderer accepts. The fake-quant
// formula depends on the bits and the symmetry; the others do not.
func TestQuantFormulasRender(t *testing.T) {
	var opts []map[string]string
	for _, bits := range []string{"8", "4"} {
		for _, sym := range exhibit.QuantOptions.Option("symmetry").Choices {
			opts = append(opts, map[string]string{"bits": bits, "symmetry": sym, "pass": "qat", "view": "prepared"})
		}
	}
	opts = append(opts, map[string]string{"pass": "static", "view": "prepared"}, map[string]string{"pass": "static"}, map[string]string{})
	seen := map[string]bool{}
	for _, o := range opts {
		w, _ := newWidget(t, "quant", o)
		checkFormulas(t, fmt.Sprint(o), seen, w.ex.Stepping().Graph())
	}
}

// TestQuantSet checks that set answers with the new graph and histogram
// (exhibit's TestQuantSet checks which model it quantizes), that a bad
// value leaves the widget as it was, and that the quant widget does not
// train on request but with the qat pass.
func TestQuantSet(t *testing.T) {
	w, rec := newWidget(t, "quant", nil)
	w.Start(1)
	rec.take()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 2, Name: "pass", Value: "qat"}); e != nil {
		t.Fatal(e)
	}
	msgs := rec.take()
	if g := last[*protocol.Graph](msgs); g == nil || g.ID != 2 {
		t.Fatalf("set pass: no graph answering id 2 in %v", msgs)
	}
	if p := last[*protocol.Plot](msgs); p == nil || p.Name != "error" || !strings.Contains(p.SVG, "<svg") {
		t.Errorf("set pass: plot %+v, want the error histogram", p)
	}
	before := w.ex.Values().Clone()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 3, Name: "bits", Value: "2"}); e == nil || e.Code != protocol.CodeBadField {
		t.Errorf("set bits 2: %v, want bad_field", e)
	}
	if !maps.Equal(w.ex.Values(), before) {
		t.Errorf("a refused set changed the options to %+v", w.ex.Values())
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 4, Name: "seed", Value: "2"}); e != nil {
		t.Fatal(e)
	}
	// Only the qat pass trains on request (TestQuantTrainQAT).
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 5, Name: "pass", Value: "static"}); e != nil {
		t.Fatal(e)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeTrain, Action: protocol.TrainStart}); e == nil || e.Code != protocol.CodeUnsupported {
		t.Errorf("train with pass static: %v, want unsupported", e)
	}
	// A quantized engine value is what the stepped graph shows.
	g := w.ex.Stepping().Graph()
	if _, ok := g.MustNode("layers.0.linear").Op.(*quant.QMatMul); w.ex.Values().Str("view") == "integer" && !ok {
		t.Errorf("integer view: layers.0.linear is %T, want *quant.QMatMul", g.MustNode("layers.0.linear").Op)
	}
}

// TestQuantTrainQAT trains a qat widget's live run to its end: the
// metrics count its steps with both training losses, and the loss chart
// comes with the histogram; a set afterwards clears the chart.
func TestQuantTrainQAT(t *testing.T) {
	w, rec := newWidget(t, "quant", map[string]string{"pass": "qat"})
	w.Start(1)
	rec.take()
	for !chunk(w) {
	}
	msgs := rec.take()
	m := last[*protocol.Metrics](msgs)
	if m == nil || m.Step != 200 || m.Running {
		t.Fatalf("metrics after the run = %+v, want 200 steps, not running", m)
	}
	for _, k := range []string{"floatTrainLoss", "qatTrainLoss", "quantAccuracy"} {
		if _, ok := m.Values[k]; !ok {
			t.Errorf("metrics have no %s: %v", k, m.Values)
		}
	}
	if p := plotNamed(msgs, "loss"); p == nil || !strings.Contains(p.SVG, "<svg") {
		t.Errorf("loss chart after the run = %+v, want one", p)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 3, Name: "bits", Value: "4"}); e != nil {
		t.Fatal(e)
	}
	if p := plotNamed(rec.take(), "loss"); p == nil || p.SVG != "" {
		t.Errorf("loss chart after a set = %+v, want an empty one", p)
	}
}
