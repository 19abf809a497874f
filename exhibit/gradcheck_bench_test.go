package exhibit

import "testing"

// BenchmarkCheckEveryParameter times a check of every parameter at the
// end of the backward pass, as a "check all" request runs it: the plan,
// then each parameter at the plan's entries (MaxCheckPasses shared out,
// at most MaxCheckEntries each). The budget at the default sizes
// is 100 ms; docs/perf.md records the result. The largest lab spends its
// whole MaxCheckPasses; run it with -benchtime 1x.
func BenchmarkCheckEveryParameter(b *testing.B) {
	for _, c := range []struct {
		name string
		opts map[string]string
	}{
		{"default", nil},
		{"largest", map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			l := build[*Lab](b, "lab", c.opts)
			s := l.Stepping()
			s.RunToEnd()
			entries := 0
			for b.Loop() {
				p, e := s.PlanParamCheck()
				if e != nil {
					b.Fatal(e)
				}
				entries = 0
				for _, name := range p.Params {
					r, e := s.CheckGradient(name, p.Entries)
					if e != nil || !r.Match() {
						b.Fatalf("check %s: %v, match %v", name, e, r.Match())
					}
					entries += len(r.Entries)
				}
			}
			b.ReportMetric(float64(entries), "entries")
			b.ReportMetric(float64(2*entries), "passes")
		})
	}
}
