package safetensors

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/engine/cnn"
	"stepgraph/engine/mlp"
	"stepgraph/engine/transformer"
)

// docNames expands the name list under the given heading of
// docs/weights.md: a run of consecutive lines that share the prefix before
// a "<l>" or "<i>" placeholder repeats count(prefix) times.
func docNames(t *testing.T, heading string, count func(prefix string) int) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "weights.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	at := strings.Index(doc, "\n"+heading+"\n")
	if at < 0 {
		t.Fatalf("docs/weights.md has no heading %q", heading)
	}
	block := strings.SplitN(doc[at:], "```", 3)[1] // the first fenced block after it
	var names, run []string
	runPrefix := ""
	flush := func() {
		for k := range count(runPrefix) {
			for _, r := range run {
				names = append(names, strings.NewReplacer("<l>", strconv.Itoa(k), "<i>", strconv.Itoa(k)).Replace(r))
			}
		}
		run, runPrefix = nil, ""
	}
	for _, line := range strings.Split(block, "\n")[1:] {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		name := fields[0]
		cut := strings.IndexAny(name, "<")
		if cut < 0 {
			flush()
			names = append(names, name)
			continue
		}
		if name[:cut] != runPrefix {
			flush()
			runPrefix = name[:cut]
		}
		run = append(run, name)
	}
	flush()
	return names
}

func TestWeightsDocMatchesModels(t *testing.T) {
	dec, err := transformer.New(transformer.Config{Variant: transformer.Decoder, V: 5, D: 4, Heads: 2, DFF: 8, Layers: 2, MaxLen: 4, Act: "relu"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := transformer.New(transformer.Config{Variant: transformer.Encoder, V: 5, D: 4, Heads: 2, DFF: 8, Layers: 1, MaxLen: 4, Act: "relu"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := transformer.New(transformer.Config{Variant: transformer.EncDec, V: 5, VSrc: 6, D: 4, Heads: 2, DFF: 8, LEnc: 2, LDec: 3, MaxLen: 4, Act: "relu"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{4, 3}, Classes: 3, Act: "relu"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := cnn.New(cnn.Config{Size: 8, Channels: 1, Convs: []cnn.Conv{{Out: 2, Kernel: 3, Stride: 1, Pad: 1}, {Out: 2, Kernel: 3, Stride: 1, Pad: 1}}, Pool: "max", PoolSize: 2, Act: "relu", Hidden: []int{5}, Classes: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	layers := func(n map[string]int) func(string) int { return func(p string) int { return n[p] } }
	for _, c := range []struct {
		model   string
		heading string
		count   func(string) int
		order   []string
	}{
		{"decoder, 2 layers", "### Transformer, decoder-only and encoder-only", layers(map[string]int{"layers.": 2}), dec.Order},
		{"encoder, 1 layer", "### Transformer, decoder-only and encoder-only", layers(map[string]int{"layers.": 1}), enc.Order},
		{"encdec, 2+3 layers", "### Transformer, encoder-decoder", layers(map[string]int{"enc.layers.": 2, "dec.layers.": 3}), ed.Order},
		{"mlp, 3 layers", "### MLP", layers(map[string]int{"layers.": 3}), mm.Order},
		{"cnn, 2 convs, 2 fc", "### CNN", layers(map[string]int{"convs.": 2, "fc.": 2}), cm.Order},
	} {
		if got := docNames(t, c.heading, c.count); !slices.Equal(got, c.order) {
			t.Errorf("docs/weights.md %q for %s:\n%v\nmodel order:\n%v", c.heading, c.model, got, c.order)
		}
	}
}
