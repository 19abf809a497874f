package exhibit

import (
	"runtime"
	"testing"
)

// heapNow returns the live heap after two collections.
func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestCosts builds exhibits of several sizes of every kind, trains each a
// few steps and asks for its metrics and charts (so that every graph it
// may hold is built), and checks its kind's Cost against the heap it
// takes: never below it, and at most twice above, a bound loose enough
// for what the estimate leaves out and tight enough to mean something.
func TestCosts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the largest lab")
	}
	largest := map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}
	cases := []struct {
		kind string
		opts map[string]string
	}{
		{"lab", nil},
		{"lab", map[string]string{"arch": "encdec"}},
		{"lab", map[string]string{"arch": "encoder", "layers": "2", "d": "32", "heads": "4", "dff": "128", "n": "6"}},
		{"lab", largest},
		{"attention", nil},
		{"attention", map[string]string{"arch": "encdec", "layers": "2", "d": "32", "heads": "4", "n": "5", "k": "8"}},
		{"mlp", nil},
		{"mlp", map[string]string{"hidden": "8,8,8", "data": "spiral", "batch": "8"}},
		{"cnn", nil},
		{"cnn", map[string]string{"size": "16", "channels": "8,8", "kernel": "3", "pad": "1"}},
		{"quant", nil},
		{"quant", map[string]string{"pass": "qat", "bits": "4", "granularity": "per-channel"}},
		{"quant", map[string]string{"pass": "static", "observer": "percentile", "view": "prepared"}},
		{"mlp", map[string]string{"hidden": "8,1", "data": "clusters", "batch": "8"}},
		{"distill", nil},
		{"distill", map[string]string{"width": "32", "points": "300"}},
	}
	for _, c := range cases {
		k, _ := KindOf(c.kind)
		v, e := k.Options.Configure(c.opts)
		if e != nil {
			t.Fatal(e)
		}
		if _, e := k.New(v); e != nil { // the models shared by seed, made once
			t.Fatal(e)
		}
		before := heapNow()
		ex, e := k.New(v)
		if e != nil {
			t.Fatal(e)
		}
		if tr, ok := ex.(Trainer); ok {
			tr.StartTraining(2)
			tr.TrainChunk(2, ChunkTime)
			tr.StopTraining()
		}
		ex.Metrics(false)
		if _, err := ex.Charts(); err != nil {
			t.Fatal(err)
		}
		if c.kind == "mlp" {
			// A hidden layer's node highlighted: the neurons' maps build
			// their grid's graph.
			if e := ex.Stepping().Select("layers.0.act"); e != nil {
				t.Fatal(e)
			}
			ex.Views()
		}
		used := int64(heapNow() - before)
		runtime.KeepAlive(ex)
		cost := k.Cost(v)
		t.Logf("%s %v: cost %d KiB, heap %d KiB (%.2fx)", c.kind, c.opts, cost>>10, used>>10, float64(cost)/float64(used))
		if cost < used || cost > 2*used {
			t.Errorf("%s %v: Cost = %d KiB for %d KiB of heap, want between 1x and 2x", c.kind, c.opts, cost>>10, used>>10)
		}
	}
}
