package content_test

import (
	"encoding/xml"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"stepgraph/content"
	"stepgraph/lesson"
)

// widgetKinds lists the widget kinds the web app mounts.
var widgetKinds = []string{"mlp", "attention", "lab", "quant", "distill", "cnn"}

// loadAll loads the real, embedded lessons.
func loadAll(t *testing.T) []*lesson.Lesson {
	t.Helper()
	ls, err := lesson.Load(content.FS)
	if err != nil {
		t.Fatalf("lesson.Load(content.FS) error: %v", err)
	}
	return ls
}

func TestLessonsLoad(t *testing.T) {
	ls := loadAll(t)
	names, err := fs.Glob(content.FS, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(names) || len(ls) < 3 {
		t.Fatalf("loaded %d lessons from %d files, want all of them and at least 3", len(ls), len(names))
	}
	for _, l := range ls {
		if strings.TrimSpace(l.Title) == "" || strings.TrimSpace(l.Summary) == "" || l.Section == "" {
			t.Errorf("%s: title %q, summary %q, section %q; want all three", l.Slug, l.Title, l.Summary, l.Section)
		}
		if !strings.Contains(l.HTML, "<h2 id=") {
			t.Errorf("%s: no section headings with ids", l.Slug)
		}
		if !strings.Contains(l.HTML, `<math xmlns="http://www.w3.org/1998/Math/MathML"`) {
			t.Errorf("%s: no math", l.Slug)
		}
		if strings.Contains(l.HTML, "raw HTML omitted") {
			t.Errorf("%s: has raw HTML, which is left out of the page", l.Slug)
		}
		for _, w := range l.Widgets {
			if !slices.Contains(widgetKinds, w.Kind) {
				t.Errorf("%s: widget %s has kind %q, want one of %v", l.Slug, w.ID, w.Kind, widgetKinds)
			}
			if !strings.Contains(l.HTML, `data-widget="`+w.ID+`"`) {
				t.Errorf("%s: widget %s is not in the HTML", l.Slug, w.ID)
			}
		}
	}
}

// TestLessonsWellFormed parses each lesson's HTML as XML, with HTML's void
// elements and entities allowed: this catches an unescaped character or an
// unclosed element, in the MathML above all.
func TestLessonsWellFormed(t *testing.T) {
	for _, l := range loadAll(t) {
		d := xml.NewDecoder(strings.NewReader("<body>" + l.HTML + "</body>"))
		d.Strict = false
		d.AutoClose = xml.HTMLAutoClose
		d.Entity = xml.HTMLEntity
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: HTML is not well-formed: %v", l.Slug, err)
				break
			}
		}
	}
}

// TestLessonsChain checks that Prev and Next link every lesson in one chain,
// in the order Load returns, and that sections are contiguous in it.
func TestLessonsChain(t *testing.T) {
	ls := loadAll(t)
	if ls[0].Prev != nil || ls[len(ls)-1].Next != nil {
		t.Errorf("chain ends: first.Prev = %v, last.Next = %v; want nil, nil", ls[0].Prev, ls[len(ls)-1].Next)
	}
	seen := map[*lesson.Lesson]bool{}
	n := 0
	for l := ls[0]; l != nil; l = l.Next {
		if seen[l] {
			t.Fatalf("Next loops back to %s", l.Slug)
		}
		seen[l] = true
		if l != ls[n] {
			t.Fatalf("lesson %d of the chain is %s, want %s", n, l.Slug, ls[n].Slug)
		}
		if l.Next != nil && l.Next.Prev != l {
			t.Errorf("%s.Next.Prev = %v, want %s", l.Slug, l.Next.Prev, l.Slug)
		}
		n++
	}
	if n != len(ls) {
		t.Errorf("chain has %d lessons, want %d", n, len(ls))
	}
	total := 0
	for _, s := range lesson.Sections(ls) {
		total += len(s.Lessons)
	}
	if total != len(ls) {
		t.Errorf("sections hold %d lessons, want %d (a section is split)", total, len(ls))
	}
}

// TestCurriculum checks the first lessons' places and their widgets, as the
// curriculum lays them out.
func TestCurriculum(t *testing.T) {
	ls := loadAll(t)
	bySlug := map[string]*lesson.Lesson{}
	for _, l := range ls {
		bySlug[l.Slug] = l
	}
	cases := []struct {
		slug, section string
		order         int
		widget        string            // kind of a widget it must have
		options       map[string]string // options that widget must have
	}{
		{"computational-graphs", "Foundations", 1, "mlp", nil},
		{"backpropagation", "Foundations", 2, "mlp", map[string]string{"hidden": "3", "act": "tanh"}},
		{"attention", "Transformers", 1, "attention", map[string]string{"arch": "decoder", "heads": "2"}},
	}
	for _, c := range cases {
		l := bySlug[c.slug]
		if l == nil {
			t.Errorf("no lesson %s", c.slug)
			continue
		}
		if l.Section != c.section || l.Order != c.order {
			t.Errorf("%s: section %q order %d, want %q %d", c.slug, l.Section, l.Order, c.section, c.order)
		}
		found := false
		for _, w := range l.Widgets {
			ok := w.Kind == c.widget
			for k, v := range c.options {
				ok = ok && w.Options[k] == v
			}
			found = found || ok
		}
		if !found {
			t.Errorf("%s: no %s widget with options %v among %v", c.slug, c.widget, c.options, l.Widgets)
		}
	}
	if g, b := bySlug["computational-graphs"], bySlug["backpropagation"]; g != nil && b != nil && g.Next != b {
		t.Errorf("computational-graphs.Next = %v, want backpropagation", g.Next)
	}
}

// TestMathCoverage checks that the lessons, between them, use the TeX the
// renderer is meant for, so that a change that breaks one construct shows
// up on real content as well as in package mathml's own tests.
func TestMathCoverage(t *testing.T) {
	var all strings.Builder
	for _, l := range loadAll(t) {
		all.WriteString(l.HTML)
	}
	html := all.String()
	for _, el := range []string{"<mfrac>", "<msqrt>", "<msub>", "<msup>", "<msubsup>", "<munderover>", "<mtext>", "<mtable", "<mover"} {
		if !strings.Contains(html, el) {
			t.Errorf("no lesson renders %s", el)
		}
	}
	names, err := fs.Glob(content.FS, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, n := range names {
		b, err := fs.ReadFile(content.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		text.Write(b)
	}
	for _, tex := range []string{`\frac`, `\sqrt`, `\text`, `\operatorname`, `\odot`, `^T`, `\left(`, `\right)`,
		`\begin{cases}`, `\begin{aligned}`, `\begin{bmatrix}`, `\theta`, `\eta`, `\epsilon`} {
		if !strings.Contains(text.String(), tex) {
			t.Errorf("no lesson uses %s", tex)
		}
	}
}

func TestTextsEmbedded(t *testing.T) {
	b, err := fs.ReadFile(content.FS, "text/rhymes.txt")
	if err != nil || len(b) == 0 {
		t.Errorf("text/rhymes.txt: %d bytes, %v; want the embedded text", len(b), err)
	}
}
