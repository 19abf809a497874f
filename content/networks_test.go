package content_test

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/cnn"
	"stepgraph/engine/mlp"
	"stepgraph/exhibit"
)

// The lessons of the Networks section state numbers that the tests below
// recompute with the engine's own ops and models, so that the text cannot
// drift from what the widgets show.

// num writes x rounded to 3 decimals, without trailing zeros, as the
// lessons do: 0.5, -0.045, 2.
func num(x float64) string {
	r := math.Round(x*1000) / 1000
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// vec writes values as the lessons' inline vectors: [1.1,\ -0.2,\ 2].
func vec(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = num(x)
	}
	return "[" + strings.Join(parts, `,\ `) + "]"
}

// bmatrix writes an [r, c] slice of values as a TeX bmatrix, white space
// folded as lessonText folds it: \begin{bmatrix} 3 & 0 \\ 3 & 0 \end{bmatrix}.
func bmatrix(xs []float64, cols int) string {
	var rows []string
	for r := 0; r < len(xs); r += cols {
		var cells []string
		for _, x := range xs[r : r+cols] {
			cells = append(cells, num(x))
		}
		rows = append(rows, strings.Join(cells, " & "))
	}
	return `\begin{bmatrix} ` + strings.Join(rows, ` \\ `) + ` \end{bmatrix}`
}

// apply runs op forward on the inputs and returns its output.
func apply(op engine.Op, in ...*engine.Tensor) *engine.Tensor {
	shapes := make([][]int, len(in))
	for i, x := range in {
		shapes[i] = x.Shape
	}
	out := engine.New(op.Shape(shapes...)...)
	op.Forward(out, in...)
	return out
}

// mustContain reports each of wants that text lacks.
func mustContain(t *testing.T, lesson, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q", lesson, w)
		}
	}
}

func TestMLPLessonNumbers(t *testing.T) {
	text := lessonText(t, "mlp.md")

	// The linear layer on two points, then ReLU.
	x := engine.FromData([]float64{1, 2, -1, 0.5}, 2, 2)
	w := engine.FromData([]float64{0.5, -1, 0, 0.25, 0.5, 1}, 2, 3)
	b := engine.FromData([]float64{0.1, -0.2, 0}, 3)
	lin := apply(&engine.MatMul{}, x, w)
	aff := apply(&engine.Add{}, lin, b)
	act := apply(engine.ReLU(), aff)
	for _, row := range []struct {
		node string
		t    *engine.Tensor
	}{{"`layers.0.linear` $= XW$", lin}, {"`layers.0.affine` $= XW + b$", aff}, {"`layers.0.act` $= \\operatorname{relu}(\\cdot)$", act}} {
		want := fmt.Sprintf("| %s | $%s$ | $%s$ |", row.node, vec(row.t.Data[:3]), vec(row.t.Data[3:]))
		mustContain(t, "mlp.md", text, want)
	}
	mustContain(t, "mlp.md", text, "X = "+bmatrix(x.Data, 2), "W = "+bmatrix(w.Data, 3), "b = "+bmatrix(b.Data, 3))

	// The activation table.
	z := engine.FromData([]float64{-2, -0.5, 0, 0.5, 2}, 5)
	for _, a := range []struct{ row, op string }{{"relu", "relu"}, {"tanh", "tanh"}, {"sigmoid", "sigmoid"}, {"gelu", "gelu_tanh"}} {
		y := apply(engine.ActivationByName(a.op), z)
		cells := make([]string, len(y.Data))
		for i, v := range y.Data {
			cells[i] = "$" + num(v) + "$"
		}
		mustContain(t, "mlp.md", text, "| "+a.row+" | "+strings.Join(cells, " | ")+" |")
	}

	// Softmax and cross-entropy of one point, and the gradient.
	logits := engine.FromData([]float64{2, 0.5, -1}, 1, 3)
	label := engine.FromData([]float64{0}, 1)
	p := apply(&engine.Softmax{}, logits)
	ce := &engine.CrossEntropy{}
	loss := apply(ce, logits, label)
	dz := engine.New(1, 3)
	ce.Backward([]*engine.Tensor{dz, engine.New(1)}, engine.Scalar(1), loss, logits, label)
	mustContain(t, "mlp.md", text,
		`$z = `+vec(logits.Data)+`$`,
		`$p \approx `+vec(p.Data)+`$`,
		`$L = -\log `+num(p.Data[0])+` \approx `+num(loss.Data[0])+`$`,
		`\operatorname{onehot}(y) \approx `+vec(dz.Data)+`,`,
		`$\log 3 \approx `+num(math.Log(3))+`$`)

	// The parameters of the spiral network, the lesson's widget.
	cfg := lessonExhibit[*exhibit.MLP](t, "mlp").Model().Config
	mustContain(t, "mlp.md", text, fmt.Sprintf("= %d$", cfg.NumParams()))
}

func TestCNNLessonNumbers(t *testing.T) {
	text := lessonText(t, "cnn.md")

	// The vertical bar, the edge kernel, ReLU and a 2x2 max pool.
	img := engine.New(1, 1, 5, 5)
	for i := range 5 {
		img.Data[i*5+2] = 1
	}
	kernel := engine.FromData([]float64{-1, 0, 1, -1, 0, 1, -1, 0, 1}, 1, 1, 3, 3)
	y := apply(&engine.Conv2D{Stride: 1, Pad: 1}, img, kernel)
	pooled := apply(&engine.MaxPool2D{Size: 2, Stride: 2}, apply(engine.ReLU(), y))
	mustContain(t, "cnn.md", text,
		"X = "+bmatrix(img.Data, 5),
		"K = "+bmatrix(kernel.Data, 3),
		"Y = "+bmatrix(y.Data, 5),
		"$"+bmatrix(pooled.Data, 2)+"$")

	// Every row of the output-size table.
	rows := regexp.MustCompile(`\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|`).FindAllStringSubmatch(text, -1)
	if len(rows) < 5 {
		t.Fatalf("cnn.md: %d rows in the output-size table, want at least 5", len(rows))
	}
	for _, r := range rows {
		var v [5]int
		for i := range v {
			v[i], _ = strconv.Atoi(r[i+1])
		}
		cfg := cnn.Config{Size: v[0], Channels: 1, Convs: []cnn.Conv{{Out: 1, Kernel: v[1], Pad: v[2], Stride: v[3]}}, Pool: "none", Act: "relu", Classes: 2}
		st, err := cfg.Stages()
		if err != nil || st[0].Height != v[4] {
			t.Errorf("cnn.md table row %q: Stages() = %v, %v; want side %d", r[0], st, err, v[4])
		}
	}

	// The widget's network: parameters, features, and the same counts for
	// a second layer and for an MLP on the pixels.
	net := lessonExhibit[*exhibit.CNN](t, "cnn").Model().Config
	two := net
	two.Convs = append(slices.Clone(net.Convs), cnn.Conv{Out: 8, Kernel: 3, Stride: 1, Pad: 1})
	pixels := mlp.Config{Inputs: net.Size * net.Size, Hidden: []int{64}, Classes: net.Classes, Act: "relu"} // the same images, flattened
	mustContain(t, "cnn.md", text,
		fmt.Sprintf("$40 + %d \\cdot 6 + 6 = %d$", net.Features(), net.NumParams()),
		fmt.Sprintf("= %d$,", pixels.NumParams()),
		fmt.Sprintf("even fewer parameters, %d,", two.NumParams()),
		fmt.Sprintf("= %d$ features", two.Features()),
		fmt.Sprintf("$4 \\cdot 1 \\cdot 9 + 4 = %d$", net.NumParams()-net.Features()*6-6))

	// The shapes table names real nodes of that network with their shapes,
	// in the widget's graph of one image.
	g := lessonExhibit[*exhibit.CNN](t, "cnn").Stepping().Graph()
	shapes := regexp.MustCompile("\\| (`[^|]+`) \\| \\$\\[([0-9, ]+)\\]\\$ \\|").FindAllStringSubmatch(text, -1)
	if len(shapes) < 5 {
		t.Fatalf("cnn.md: %d rows in the shapes table, want 5", len(shapes))
	}
	for _, r := range shapes {
		for _, name := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(r[1], -1) {
			n := g.Node(name[1])
			if n == nil {
				t.Errorf("cnn.md shapes table: no node %s", name[1])
			} else if got := strings.ReplaceAll(fmt.Sprint(n.Shape), " ", ", "); got != "["+r[2]+"]" {
				t.Errorf("cnn.md shapes table: node %s has shape %s, want [%s]", name[1], got, r[2])
			}
		}
	}
}

// TestNetworksNodeNames checks that every node name the two lessons write
// in code spans is a node, or a scope of nodes, of the graph their widget
// builds.
func TestNetworksNodeNames(t *testing.T) {
	mg := lessonExhibit[*exhibit.MLP](t, "mlp").Stepping().Graph()
	cg := lessonExhibit[*exhibit.CNN](t, "cnn").Stepping().Graph()
	nodeLike := regexp.MustCompile("`((?:layers|convs|fc)\\.[0-9][a-z0-9_.]*|logits|loss|flatten)`")
	for _, c := range []struct {
		file string
		g    *engine.Graph
	}{{"mlp.md", mg}, {"cnn.md", cg}} {
		found := 0
		for _, m := range nodeLike.FindAllStringSubmatch(lessonText(t, c.file), -1) {
			name := m[1]
			known := c.g.Node(name) != nil
			for _, n := range c.g.Nodes {
				known = known || strings.HasPrefix(n.Name, name+".")
			}
			if !known {
				t.Errorf("%s names %q, which is neither a node nor a scope of its widget's graph", c.file, name)
			}
			found++
		}
		if found < 5 {
			t.Errorf("%s names %d nodes, want the lesson to name the graph's nodes", c.file, found)
		}
	}
}

// TestNetworksPlace checks where the Networks lessons sit: after the
// Foundations and before the Transformers, mlp then cnn, each with its
// widget; and that no two sections share a section_order, which would
// leave their order to their names.
func TestNetworksPlace(t *testing.T) {
	ls := loadAll(t)
	by := map[string]int{}
	order := map[int]string{}
	for i, l := range ls {
		by[l.Slug] = i
		if s, ok := order[l.SectionOrder]; ok && s != l.Section {
			t.Errorf("sections %q and %q share section_order %d", s, l.Section, l.SectionOrder)
		}
		order[l.SectionOrder] = l.Section
	}
	for _, pair := range [][2]string{{"backpropagation", "mlp"}, {"mlp", "cnn"}, {"cnn", "attention"}} {
		a, okA := by[pair[0]]
		b, okB := by[pair[1]]
		if !okA || !okB || b != a+1 {
			t.Errorf("%s comes at %d and %s at %d, want %s right after %s", pair[0], a, pair[1], b, pair[1], pair[0])
		}
	}
	for _, c := range []struct {
		slug, kind, option, value string
	}{{"mlp", "mlp", "data", "spiral"}, {"cnn", "cnn", "data", "shapes"}} {
		l := ls[by[c.slug]]
		if l.Section != "Networks" {
			t.Errorf("%s: section %q, want Networks", c.slug, l.Section)
		}
		ok := false
		for _, w := range l.Widgets {
			ok = ok || w.Kind == c.kind && w.Options[c.option] == c.value
		}
		if !ok {
			t.Errorf("%s: no %s widget with %s %s among %v", c.slug, c.kind, c.option, c.value, l.Widgets)
		}
	}
}
