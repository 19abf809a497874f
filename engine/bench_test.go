package engine_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// BenchmarkStepForward times one step of the stepper on the default lab
// model (decoder-only, d 16, 2 heads, 1 layer, dff 64, T 6, V 8, batch 1):
// running one node, forward or backward, and building the step's Event.
// The timeline is replayed from the start when it ends; the Reset is not
// timed. The target is 50 µs per step (docs/perf.md).
func BenchmarkStepForward(b *testing.B) {
	cfg := transformer.Config{Variant: transformer.Decoder, V: 8, D: 16, Heads: 2, DFF: 64,
		Layers: 1, MaxLen: 6, Act: "relu"}
	m, err := transformer.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	g, err := m.Build(1, 6, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Feed(g, transformer.DrawBatch(cfg, engine.NewMulberry32(2), 1, 6, 0)); err != nil {
		b.Fatal(err)
	}
	s := engine.NewStepper(g)
	b.ReportAllocs()
	for b.Loop() {
		if s.Done() {
			b.StopTimer()
			s.Reset()
			b.StartTimer()
		}
		if ev := s.Next(); ev.Index == 0 {
			b.Fatalf("Stepper.Next() = %+v, want a step", ev)
		}
	}
	b.ReportMetric(float64(s.Total()), "steps/run")
}
