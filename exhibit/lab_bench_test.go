package exhibit

import "testing"

// BenchmarkLabParts splits a hyperparameter change of the default lab
// (2 heads) into its parts: here building the model and its three graphs,
// and decoding the sample predictions. The widget package's
// BenchmarkLabParts times the others: the layout with its SVG, and the
// JSON of the graph message.
func BenchmarkLabParts(b *testing.B) {
	v := LabOptions.Defaults()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := newLabModel(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	l := build[*Lab](b, "lab", nil)
	b.Run("samples", func(b *testing.B) {
		for b.Loop() {
			if _, err := l.lm.samples(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
