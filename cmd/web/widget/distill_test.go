package widget

import (
	"testing"

	"stepgraph/cmd/web/protocol"
)

// TestDistillOptions checks which options configure a distill widget,
// and the error code and field of each bad one.
func TestDistillOptions(t *testing.T) {
	checkOptions(t, "distill", []optionCase{
		{map[string]string{}, "", ""},
		{map[string]string{"alpha": "0", "T": "0.5", "width": "1", "points": "8", "steps": "25", "seed": "1"}, "", ""},
		{map[string]string{"alpha": "1", "T": "20", "width": "32", "points": "300", "steps": "2000", "caption": "x"}, "", ""},
		{map[string]string{"alpha": "1.5"}, protocol.CodeOutOfRange, "alpha"},
		{map[string]string{"alpha": "-0.1"}, protocol.CodeOutOfRange, "alpha"},
		{map[string]string{"alpha": "half"}, protocol.CodeBadField, "alpha"},
		{map[string]string{"T": "0.1"}, protocol.CodeOutOfRange, "T"},
		{map[string]string{"T": "21"}, protocol.CodeOutOfRange, "T"},
		{map[string]string{"T": "Inf"}, protocol.CodeBadField, "T"},
		{map[string]string{"width": "0"}, protocol.CodeOutOfRange, "width"},
		{map[string]string{"width": "33"}, protocol.CodeOutOfRange, "width"},
		{map[string]string{"points": "7"}, protocol.CodeOutOfRange, "points"},
		{map[string]string{"steps": "2001"}, protocol.CodeOutOfRange, "steps"},
		{map[string]string{"seed": "x"}, protocol.CodeBadField, "seed"}, // text that is not a number
		{map[string]string{"temperature": "2"}, protocol.CodeUnknownParam, "temperature"},
	})
}

// TestDistillFormulasRender checks that every op of the distillation graph
// has a formula the server's MathML renderer accepts.
func TestDistillFormulasRender(t *testing.T) {
	w, _ := newWidget(t, "distill", map[string]string{"T": "2.5", "alpha": "0.25"})
	checkFormulas(t, "distill", map[string]bool{}, w.ex.Stepping().Graph())
}

// TestDistillSet checks the answers to set (exhibit's
// TestDistillSetAndRestart checks what each change keeps): a new width
// answers with the new graph, a temperature out of bounds is refused.
func TestDistillSet(t *testing.T) {
	w, rec := newWidget(t, "distill", map[string]string{"steps": "50"})
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 2, Name: "width", Value: "4"}); e != nil {
		t.Fatal(e)
	}
	if g := last[*protocol.Graph](rec.take()); g == nil || g.ID != 2 {
		t.Errorf("set width: no graph answering id 2")
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 3, Name: "T", Value: "0"}); e == nil || e.Code != protocol.CodeOutOfRange {
		t.Errorf("set T 0: %v, want out_of_range", e)
	}
}

// TestDistillRebuildClearsChart trains the students, changes T, and checks
// that the rebuild sends an empty loss chart: the old run's curves belong
// to the old students.
func TestDistillRebuildClearsChart(t *testing.T) {
	w, rec := newWidget(t, "distill", map[string]string{"steps": "50"})
	for !chunk(w) {
	}
	if p := plotNamed(rec.take(), "loss"); p == nil || p.SVG == "" {
		t.Fatalf("loss chart after training = %+v, want one", p)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 7, Name: "T", Value: "5"}); e != nil {
		t.Fatal(e)
	}
	if p := plotNamed(rec.take(), "loss"); p == nil || p.SVG != "" || p.ID != 7 {
		t.Errorf("loss chart after set T = %+v, want an empty one answering id 7", p)
	}
}
