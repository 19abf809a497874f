package exhibit

import (
	"math"
	"testing"
)

// build returns an exhibit of the kind called kind, configured with opts
// as a lesson's widget block or a configure request gives them, and fails
// the test on an error.
func build[E Exhibit](t testing.TB, kind string, opts map[string]string) E {
	t.Helper()
	k, ok := KindOf(kind)
	if !ok {
		t.Fatalf("no exhibit kind %q", kind)
	}
	ex, e := k.Build(opts)
	if e != nil {
		t.Fatalf("%s exhibit with %v: %v", kind, opts, e)
	}
	return ex.(E)
}

// set changes option name of ex, whose option table is table, as a set
// request does: the table checks the value, then the exhibit applies what
// the change needs.
func set(ex Exhibit, table *Table, name, value string) *Error {
	next, effect, e := table.Set(ex.Values(), name, value)
	if e != nil {
		return e
	}
	return ex.Apply(next, effect)
}

// trainAll starts a run of tr's default length and runs chunks at full
// speed to its end, as the training loop would, and returns the last
// chunk's progress.
func trainAll(tr Trainer) Progress {
	tr.StartTraining(0)
	for {
		if p := tr.TrainChunk(math.MaxInt, ChunkTime); p.Finished {
			return p
		}
	}
}

// chartNamed returns the SVG of the chart called name among ex's charts,
// nil when there is none, and fails the test if a chart cannot be drawn.
func chartNamed(t *testing.T, ex Exhibit, name string) []byte {
	t.Helper()
	charts, err := ex.Charts()
	if err != nil {
		t.Fatalf("Charts() error %v", err)
	}
	for _, c := range charts {
		if c.Name == name {
			return c.SVG
		}
	}
	return nil
}
