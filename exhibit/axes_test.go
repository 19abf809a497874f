package exhibit

import (
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/task"
)

// idsText writes the ids of a graph input as the task writes tokens.
func idsText(l task.Layout, t *engine.Tensor) []string {
	ids := make([]int, t.Size())
	for i, v := range t.Data {
		ids[i] = int(v)
	}
	return tokenText(l, ids)
}

// TestLabAttentionAxes checks, for every architecture, that each attention
// map is labelled with the tokens the engine reads there: the ids in the
// graph's own inputs (src_ids for the encoder-decoder's encoder and the
// keys of its cross-attention, input_ids otherwise), and that its kind
// says self, masked-self or cross as the graph does.
func TestLabAttentionAxes(t *testing.T) {
	for _, arch := range []string{"encoder", "decoder", "encdec"} {
		l := build[*Lab](t, "lab", map[string]string{"arch": arch, "tokens": "fcb"})
		g := l.Stepping().Graph()
		l.Stepping().RunForward()
		input := idsText(l.Task(), g.MustNode("input_ids").Value)
		var src []string
		if arch == "encdec" {
			src = idsText(l.Task(), g.MustNode("src_ids").Value)
			if strings.Join(src, "") != "fcb" {
				t.Fatalf("encdec source = %v, want the tokens f c b", src)
			}
		}
		v := l.Views()[0].(*AttentionView)
		if len(v.Layers) == 0 {
			t.Fatalf("%s: no attention", arch)
		}
		for _, layer := range v.Layers {
			queries, keys, kind := input, input, "self"
			switch {
			case strings.HasPrefix(layer.Name, "enc."):
				queries, keys = src, src
			case strings.HasSuffix(layer.Name, "cross_attn"):
				keys, kind = src, "cross"
			case arch != "encoder":
				kind = "masked-self"
			}
			if layer.Kind != kind {
				t.Errorf("%s %s: kind %q, want %q", arch, layer.Name, layer.Kind, kind)
			}
			for _, h := range layer.Heads {
				for what, m := range map[string]*Map{"scores": h.Scores, "probs": h.Probs} {
					if m == nil {
						t.Fatalf("%s %s head %d: no %s after the forward pass", arch, layer.Name, h.Head, what)
					}
					hm := m.Heatmap()
					if !slices.Equal(hm.RowLabels, queries) || !slices.Equal(hm.ColLabels, keys) || m.Rows.Name != "query" || m.Cols.Name != "key" {
						t.Errorf("%s %s head %d %s: rows %s %v, cols %s %v; want queries %v, keys %v",
							arch, layer.Name, h.Head, what, m.Rows.Name, hm.RowLabels, m.Cols.Name, hm.ColLabels, queries, keys)
					}
				}
			}
		}
	}
}

// TestLabNodeAxes checks the axes of the lab's other tensors: activations
// are positions labelled with their tokens, the logits' columns the
// output vocabulary, and the token embedding's rows the input vocabulary.
func TestLabNodeAxes(t *testing.T) {
	l := build[*Lab](t, "lab", map[string]string{"arch": "encdec", "k": "4", "tokens": "dab"})
	g := l.Stepping().Graph()
	input := idsText(l.Task(), g.MustNode("input_ids").Value)
	src := idsText(l.Task(), g.MustNode("src_ids").Value)
	cases := []struct {
		node       string
		rows, cols Axis
	}{
		{"enc.layers.0.ln1", Axis{"position", src}, Axis{Name: "feature"}},
		{"dec.layers.0.ln1", Axis{"position", input}, Axis{Name: "feature"}},
		{"logits", Axis{"position", input}, Axis{"symbol", []string{"a", "b", "c", "d", "|"}}},
		{"enc.tok_emb", Axis{"symbol", []string{"a", "b", "c", "d"}}, Axis{Name: "feature"}},
		{"dec.tok_emb", Axis{"symbol", []string{"a", "b", "c", "d", "|"}}, Axis{Name: "feature"}},
		{"src_ids", Axis{Name: "example"}, Axis{"position", src}},
		{"dec.layers.0.ffn.w1", Axis{Name: "input"}, Axis{Name: "output"}},
	}
	for _, c := range cases {
		rows, cols := l.Axes(g.MustNode(c.node))
		if rows.Name != c.rows.Name || !slices.Equal(rows.Labels, c.rows.Labels) || cols.Name != c.cols.Name || !slices.Equal(cols.Labels, c.cols.Labels) {
			t.Errorf("Axes(%s) = %v × %v, want %v × %v", c.node, rows, cols, c.rows, c.cols)
		}
	}
}

// TestClassifierAxes checks that the mlp names its logits' columns with
// the data set's classes and its rows with the examples, and the cnn its
// logits with its image classes.
func TestClassifierAxes(t *testing.T) {
	m := build[*MLP](t, "mlp", map[string]string{"data": "spiral", "batch": "3"})
	rows, cols := m.Axes(m.Stepping().Graph().MustNode("logits"))
	if rows.Name != "example" || len(rows.Labels) != 3 || cols.Name != "class" || !slices.Equal(cols.Labels, m.train.Names) {
		t.Errorf("mlp logits axes = %v × %v, want 3 examples × the classes %v", rows, cols, m.train.Names)
	}
	c := build[*CNN](t, "cnn", map[string]string{"data": "shapes"})
	if _, cols := c.Axes(c.Stepping().Graph().MustNode("logits")); cols.Name != "class" || !slices.Equal(cols.Labels, c.train.Names) {
		t.Errorf("cnn logits columns = %v, want the classes %v", cols, c.train.Names)
	}
}
