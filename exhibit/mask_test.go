package exhibit

import (
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/enginetest"
)

// probsTol bounds the difference between the engine's softmax and the
// test's own over the same allowed scores: the same formula in float64,
// with sums in the same order, differs by a few ulps at most.
const probsTol = 1e-14

// headProbs returns a copy of every head's probabilities of the first
// example, by head node scope, and the scores they came from.
func headProbs(ex Exhibit) (probs, scores map[string][]float64) {
	probs, scores = map[string][]float64{}, map[string][]float64{}
	s := ex.Stepping()
	for _, ref := range s.attentionNodes().refs {
		scope := strings.TrimSuffix(ref.Probs, ".probs")
		probs[scope] = append([]float64(nil), s.g.MustNode(ref.Probs).Value.Data...)
		scores[scope] = append([]float64(nil), s.g.MustNode(ref.Scores).Value.Data...)
	}
	return probs, scores
}

// TestMaskEditChangesOneRow blocks one mask cell with the forward pass
// done and checks, for every head of the attention: the probabilities of
// the other rows are exactly what they were; the edited row sums to 1, is
// 0 at the blocked key and equals a softmax over the allowed scores alone,
// computed here; and the whole run (the loss) equals a fresh exhibit's
// with the same edit made before stepping.
func TestMaskEditChangesOneRow(t *testing.T) {
	cases := []struct {
		kind, attn string
		opts       map[string]string
		row, col   int
		allowed    func(i, k int) bool // the pattern before the edit
	}{
		{"lab", "layers.0.attn", nil, 3, 1, func(i, k int) bool { return k <= i }},
		{"lab", "layers.0.attn", map[string]string{"arch": "encoder"}, 1, 2, func(i, k int) bool { return true }},
		{"attention", "layers.0.attn", nil, 4, 0, func(i, k int) bool { return k <= i }},
		{"lab", "dec.layers.0.cross_attn", map[string]string{"arch": "encdec"}, 0, 1, func(i, k int) bool { return true }},
	}
	for _, c := range cases {
		t.Run(c.kind+"/"+c.attn, func(t *testing.T) {
			ex := build[Exhibit](t, c.kind, c.opts)
			ex.Stepping().RunForward()
			before, _ := headProbs(ex)
			lossBefore := ex.Stepping().g.LossNode().Value.Data[0]
			relaid, e := ex.(MaskEditor).EditMask(MaskEdit{Attention: c.attn, Row: c.row, Col: c.col})
			if e != nil || !relaid {
				t.Fatalf("EditMask = %v, %v, want the graph rebuilt", relaid, e)
			}
			after, scores := headProbs(ex)
			heads := 0
			for scope, p := range after {
				if !strings.HasPrefix(scope, c.attn+".") {
					continue
				}
				heads++
				tk := ex.Stepping().g.MustNode(scope + ".probs").Shape[2] // [1, Tq, Tk]
				for i := 0; i < len(p)/tk; i++ {
					row, old := p[i*tk:(i+1)*tk], before[scope][i*tk:(i+1)*tk]
					if i != c.row {
						for k := range row {
							if row[k] != old[k] {
								t.Errorf("%s probs[%d,%d] = %v, was %v: only row %d may change", scope, i, k, row[k], old[k], c.row)
							}
						}
						continue
					}
					allowed := make([]bool, tk)
					for k := range allowed {
						allowed[k] = c.allowed(i, k) && k != c.col
					}
					want, sum := enginetest.SoftmaxOver(scores[scope][i*tk:(i+1)*tk], allowed), 0.0
					for k := range row {
						sum += row[k]
						if math.Abs(row[k]-want[k]) > probsTol {
							t.Errorf("%s probs[%d,%d] = %v, want %v (softmax over the allowed scores)", scope, i, k, row[k], want[k])
						}
					}
					if row[c.col] != 0 {
						t.Errorf("%s probs[%d,%d] = %v at the blocked key, want 0", scope, i, c.col, row[c.col])
					}
					if math.Abs(sum-1) > 1e-12 { // a sum of Tk rounded terms
						t.Errorf("%s row %d sums to %v, want 1", scope, i, sum)
					}
					if equalRows(row, old) {
						t.Errorf("%s row %d did not change", scope, i)
					}
				}
			}
			if heads == 0 {
				t.Fatalf("no head of %s", c.attn)
			}
			// Edited first, then stepped: the same run.
			fresh := build[Exhibit](t, c.kind, c.opts)
			if _, e := fresh.(MaskEditor).EditMask(MaskEdit{Attention: c.attn, Row: c.row, Col: c.col}); e != nil {
				t.Fatal(e)
			}
			fresh.Stepping().RunForward()
			got, want := ex.Stepping().g.LossNode().Value.Data[0], fresh.Stepping().g.LossNode().Value.Data[0]
			if got != want || got == lossBefore {
				t.Errorf("loss after the edit = %v, want %v as edited before stepping (and not %v, the loss before)", got, want, lossBefore)
			}
		})
	}
}

func equalRows(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMaskEditInPlace checks the edits after the first: they change the
// pattern in place (no new graph), keep the cursor, recompute the backward
// pass at the cursor exactly as a fresh run does, and name the preset.
func TestMaskEditInPlace(t *testing.T) {
	lab := build[*Lab](t, "lab", nil)
	lab.Stepping().Seek(lab.Stepping().Stepper().Total() - 5) // deep in the backward pass
	pos, node := lab.Stepping().Stepper().Pos(), lab.Stepping().Last().Name
	edits := []struct {
		edit   MaskEdit
		preset string
		length int
	}{
		{MaskEdit{Attention: "layers.0.attn", Row: 5, Col: 2}, MaskCustom, 0},
		{MaskEdit{Attention: "layers.0.attn", Preset: MaskPadding, Length: 4}, MaskPadding, 4},
		{MaskEdit{Attention: "layers.0.attn", Row: 2, Col: 5, Allowed: true}, MaskCustom, 0},
		{MaskEdit{Attention: "layers.0.attn", Row: 2, Col: 5, Allowed: false}, MaskPadding, 4},
		{MaskEdit{Attention: "layers.0.attn", Preset: MaskNone}, MaskNone, 0},
		{MaskEdit{Attention: "layers.0.attn", Preset: MaskCausal}, MaskCausal, 0},
	}
	var done []MaskEdit
	for i, c := range edits {
		relaid, e := lab.EditMask(c.edit)
		if e != nil || relaid != (i == 0) {
			t.Fatalf("edit %d %+v = %v, %v; want relaid only on the first", i, c.edit, relaid, e)
		}
		done = append(done, c.edit)
		if got := lab.Stepping().Stepper().Pos(); got != pos || lab.Stepping().Last().Name != node {
			t.Errorf("edit %d: cursor at %d after %s, want %d after %s", i, got, lab.Stepping().Last().Name, pos, node)
		}
		l := lab.Views()[0].(*AttentionView).Layers[0]
		if l.Preset != c.preset || l.Length != c.length || !l.Edited || !l.Causal || l.Kind != "masked-self" {
			t.Errorf("edit %d: layer %+v, want preset %s length %d, edited, the model's mask causal", i, l, c.preset, c.length)
		}
		// A fresh lab with the same edits, stepped to the same place.
		fresh := build[*Lab](t, "lab", nil)
		for _, d := range done {
			if _, e := fresh.EditMask(d); e != nil {
				t.Fatal(e)
			}
		}
		fresh.Stepping().Seek(pos)
		for j, n := range lab.Stepping().g.Nodes {
			w := fresh.Stepping().g.Nodes[j]
			if n.Grad != nil && !equalRows(n.Grad.Data, w.Grad.Data) {
				t.Fatalf("edit %d: d%s differs from a fresh run's", i, n.Name)
			}
		}
	}
	if n := lab.Stepping().g.MustNode("layers.0.attn.head.1.masked"); n.Op.Info().Name != "edited-mask" {
		t.Errorf("masked node's op %q, want edited-mask: the graph marks the mask as edited", n.Op.Info().Name)
	}
}

// TestMaskEditRefusals checks the refusals: each leaves the exhibit as it
// was.
func TestMaskEditRefusals(t *testing.T) {
	lab := build[*Lab](t, "lab", nil) // decoder, 6 tokens
	lab.Stepping().RunForward()
	g := lab.Stepping().g
	cases := []struct {
		edit  MaskEdit
		code  Code
		field string
		want  string
	}{
		{MaskEdit{Attention: "layers.0.attn", Row: 6, Col: 0}, OutOfRange, "row", "outside the 6×6 mask"},
		{MaskEdit{Attention: "layers.0.attn", Row: 0, Col: 9}, OutOfRange, "col", "columns 0 to 5"},
		{MaskEdit{Attention: "layers.0.attn", Row: 0, Col: 0}, BlockedRow, "allowed", "row 0"},
		{MaskEdit{Attention: "layers.1.attn", Row: 0, Col: 0}, UnknownNode, "attention", "its attentions are layers.0.attn"},
		{MaskEdit{Attention: "layers.0.attn", Preset: MaskPadding, Length: 7}, OutOfRange, "length", "outside [1, 6]"},
		{MaskEdit{Attention: "layers.0.attn", Preset: "diagonal"}, BadValue, "preset", "causal, padding or none"},
	}
	for _, c := range cases {
		_, e := lab.EditMask(c.edit)
		if e == nil || e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.want) {
			t.Errorf("EditMask(%+v) = %v, want code %d field %q and %q in the message", c.edit, e, c.code, c.field, c.want)
		}
		if lab.Stepping().g != g || len(lab.masks) != 0 {
			t.Errorf("EditMask(%+v) refused but changed the lab", c.edit)
		}
	}
	// Block row 1 down to one key, then its last key is refused.
	if _, e := lab.EditMask(MaskEdit{Attention: "layers.0.attn", Row: 1, Col: 0}); e != nil {
		t.Fatal(e)
	}
	_, e := lab.EditMask(MaskEdit{Attention: "layers.0.attn", Row: 1, Col: 1})
	if e == nil || e.Code != BlockedRow || !strings.Contains(e.Message, `row 1 (query "`) {
		t.Errorf("blocking the last key of row 1 = %v, want a refusal naming row 1 and its token", e)
	}
	for _, ref := range lab.Stepping().attentionNodes().refs {
		for _, v := range lab.Stepping().g.MustNode(ref.Probs).Value.Data {
			if math.IsNaN(v) {
				t.Fatalf("%s holds a NaN", ref.Probs)
			}
		}
	}
}

// TestMaskEditUnmaskedAttention checks the first edit of an attention that
// has no mask (the encoder's): it adds one mask node per head, so the
// timeline grows by two steps per head, and the cursor stays after the
// same node.
func TestMaskEditUnmaskedAttention(t *testing.T) {
	lab := build[*Lab](t, "lab", map[string]string{"arch": "encoder"})
	s := lab.Stepping()
	s.Seek(s.Stepper().Total()/2 + 3)
	total, node, hl := s.Stepper().Total(), s.Last().Name, s.Highlight().Name
	if _, e := lab.EditMask(MaskEdit{Attention: "layers.0.attn", Preset: MaskPadding, Length: 2}); e != nil {
		t.Fatal(e)
	}
	s = lab.Stepping()
	if got, want := s.Stepper().Total(), total+2*2; got != want {
		t.Errorf("timeline of %d steps after the edit, want %d (a mask node per head)", got, want)
	}
	if s.Last().Name != node || s.Highlight().Name != hl {
		t.Errorf("cursor after %s, highlight %s; want %s and %s as before", s.Last().Name, s.Highlight().Name, node, hl)
	}
	l := lab.Views()[0].(*AttentionView).Layers[0]
	if l.Preset != MaskPadding || l.Length != 2 || l.Causal || l.Kind != "self" || l.Heads[0].Mask == nil || !l.Heads[0].Mask[0][2] {
		t.Errorf("layer %+v, want an edited padding mask of length 2 on a self-attention", l)
	}
	if _, ok := s.g.MustNode("layers.0.attn.head.0.masked").Op.(*engine.Mask); !ok {
		t.Errorf("no edited mask node on head 0")
	}
	// New tokens keep the edits: the same graph, fed the new input.
	if e := set(lab, LabOptions, "tokens", "bca"); e != nil {
		t.Fatal(e)
	}
	if l := lab.Views()[0].(*AttentionView).Layers[0]; !l.Edited || l.Preset != MaskPadding || strings.Join(l.Queries, "") != "bca" {
		t.Errorf("after set tokens: layer %+v, want the edited padding mask over the new tokens", l)
	}
	// A rebuild of the model drops the edits.
	if e := set(lab, LabOptions, "d", "8"); e != nil {
		t.Fatal(e)
	}
	if l := lab.Views()[0].(*AttentionView).Layers[0]; l.Edited || l.Heads[0].Mask != nil || l.Preset != MaskNone {
		t.Errorf("after a rebuild: layer %+v, want the model's own (no) mask", l)
	}
}
