package widget

import (
	"encoding/json"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// BenchmarkStep measures one "step forward" request as the server answers
// it: the engine step, the node message with its heatmaps, and its JSON.
func BenchmarkStep(b *testing.B) {
	for _, kind := range []string{"mlp", "attention"} {
		b.Run(kind, func(b *testing.B) {
			w, rec := newWidget(b, kind, map[string]string{})
			req := &protocol.Request{Type: protocol.TypeStep, Dir: protocol.DirForward, Count: 1}
			reset := &protocol.Request{Type: protocol.TypeReset}
			for b.Loop() {
				if e := w.Handle(req); e != nil {
					w.Handle(reset) // the end of the timeline: start again
				}
				for _, m := range rec.take() {
					if _, err := json.Marshal(m); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkConfigure measures building a widget and its first messages:
// model, graphs, layout, graph SVG and JSON. A hyperparameter change costs
// the same.
func BenchmarkConfigure(b *testing.B) {
	for _, kind := range []string{"mlp", "attention"} {
		b.Run(kind, func(b *testing.B) {
			env, rec := newEnv(b)
			f := factory(b, kind)
			for b.Loop() {
				w, e := f(env, map[string]string{})
				if e != nil {
					b.Fatal(e)
				}
				w.Start(1)
				for _, m := range rec.take() {
					if _, err := json.Marshal(m); err != nil {
						b.Fatal(err)
					}
				}
				w.Close()
			}
		})
	}
}
