package lesson

import (
	"strings"
	"testing"
	"testing/fstest"
)

// file returns a lesson file with the given front matter lines and body.
func file(front, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\n" + front + "---\n" + body)}
}

func TestLoadFrontMatter(t *testing.T) {
	fsys := fstest.MapFS{
		"graphs.md": file("title: \"Graphs: a start\"\nsection: Foundations\n\n# a comment\norder: 1\nsummary: 'Nodes and edges.'\nsection_order: 2\n",
			"Body $x$.\n"),
	}
	ls, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	if len(ls) != 1 {
		t.Fatalf("Load returned %d lessons, want 1", len(ls))
	}
	l := ls[0]
	got := []any{l.Slug, l.Title, l.Section, l.Order, l.Summary, l.SectionOrder}
	want := []any{"graphs", "Graphs: a start", "Foundations", 1, "Nodes and edges.", 2}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("lesson fields = %v, want %v", got, want)
			break
		}
	}
	if wantHTML := "<p>Body " + m("<mi>x</mi>", false) + ".</p>\n"; l.HTML != wantHTML {
		t.Errorf("HTML = %q, want %q", l.HTML, wantHTML)
	}
	if l.Prev != nil || l.Next != nil {
		t.Errorf("a single lesson has Prev %v, Next %v; want nil, nil", l.Prev, l.Next)
	}
}

var loadErrorCases = []struct {
	name string
	fsys fstest.MapFS
	want string
}{
	{"no front matter", fstest.MapFS{"a.md": {Data: []byte("# Title\n")}},
		"lesson a.md: line 1: front matter must start with ---"},
	{"unclosed front matter", fstest.MapFS{"a.md": {Data: []byte("---\ntitle: A\n")}},
		"lesson a.md: front matter: missing closing ---"},
	{"missing title", fstest.MapFS{"a.md": file("section: S\norder: 1\n", "")},
		"lesson a.md: front matter: missing title"},
	{"missing section", fstest.MapFS{"a.md": file("title: A\norder: 1\n", "")},
		"lesson a.md: front matter: missing section"},
	{"missing order", fstest.MapFS{"a.md": file("title: A\nsection: S\n", "")},
		"lesson a.md: front matter: missing order"},
	{"empty title", fstest.MapFS{"a.md": file("title:\nsection: S\norder: 1\n", "")},
		"lesson a.md: line 2: front matter: empty title"},
	{"bad order", fstest.MapFS{"a.md": file("title: A\nsection: S\norder: first\n", "")},
		`lesson a.md: line 4: front matter: order must be a whole number from 1 up, got "first"`},
	{"zero section_order", fstest.MapFS{"a.md": file("title: A\nsection: S\norder: 1\nsection_order: 0\n", "")},
		`lesson a.md: line 5: front matter: section_order must be a whole number from 1 up, got "0"`},
	{"unknown key", fstest.MapFS{"a.md": file("title: A\nsection: S\norder: 1\nauthor: me\n", "")},
		"lesson a.md: line 5: front matter: unknown key author"},
	{"duplicate key", fstest.MapFS{"a.md": file("title: A\ntitle: B\nsection: S\norder: 1\n", "")},
		"lesson a.md: line 3: front matter: duplicate key title"},
	{"not key: value", fstest.MapFS{"a.md": file("title A\n", "")},
		`lesson a.md: line 2: front matter: want key: value, got "title A"`},
	{"math error counts front matter lines", fstest.MapFS{"a.md": file("title: A\nsection: S\norder: 1\n", "Intro.\n\nSee $\\foo$.\n")},
		`lesson a.md: line 8: math: unknown command \foo`},
	{"widget error counts front matter lines", fstest.MapFS{"a.md": file("title: A\nsection: S\norder: 1\n", "```widget\nheads: 2\n```\n")},
		`lesson a.md: line 7: widget: first key must be kind`},
	{"bad file name", fstest.MapFS{"My Lesson.md": file("title: A\nsection: S\norder: 1\n", "")},
		"lesson My Lesson.md: file name must be lowercase letters, digits and hyphens"},
	{"sections disagree", fstest.MapFS{
		"a.md": file("title: A\nsection: S\norder: 1\nsection_order: 1\n", ""),
		"b.md": file("title: B\nsection: S\norder: 2\nsection_order: 2\n", "")},
		`lesson b.md: section "S" has section_order 2, but a.md says 1`},
}

func TestLoadErrors(t *testing.T) {
	for _, c := range loadErrorCases {
		ls, err := Load(c.fsys)
		if err == nil {
			t.Errorf("%s: Load = %d lessons, want error %q", c.name, len(ls), c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Load error = %q, want %q", c.name, err, c.want)
		}
	}
}

func TestLoadNavigation(t *testing.T) {
	// Files are listed in name order, which is not reading order.
	fsys := fstest.MapFS{
		"a-attention.md": file("title: Attention\nsection: Transformers\norder: 1\nsection_order: 2\n", ""),
		"b-extra.md":     file("title: Extra\nsection: Appendix\norder: 1\n", ""),
		"c-backprop.md":  file("title: Backprop\nsection: Foundations\norder: 2\n", ""),
		"d-graphs.md":    file("title: Graphs\nsection: Foundations\norder: 1\nsection_order: 1\n", ""),
		"e-blocks.md":    file("title: Blocks\nsection: Transformers\norder: 2\n", ""),
		"f-also.md":      file("title: Also\nsection: Appendix\norder: 1\n", ""), // same order: by slug
		"g-zoo.md":       file("title: Zoo\nsection: Bestiary\norder: 1\n", ""),
		"notes.txt":      {Data: []byte("not a lesson")},
		"text/more.md":   {Data: []byte("not at the root")},
	}
	ls, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	want := []string{"d-graphs", "c-backprop", "a-attention", "e-blocks", "b-extra", "f-also", "g-zoo"}
	var got []string
	for _, l := range ls {
		got = append(got, l.Slug)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Load order = %v, want %v", got, want)
	}
	for i, l := range ls {
		var prev, next *Lesson
		if i > 0 {
			prev = ls[i-1]
		}
		if i+1 < len(ls) {
			next = ls[i+1]
		}
		if l.Prev != prev || l.Next != next {
			t.Errorf("%s: Prev, Next = %v, %v; want %v, %v", l.Slug, slugOf(l.Prev), slugOf(l.Next), slugOf(prev), slugOf(next))
		}
	}
	// Both Transformers lessons take the section's order from the one that states it.
	if ls[3].SectionOrder != 2 {
		t.Errorf("e-blocks SectionOrder = %d, want 2", ls[3].SectionOrder)
	}

	secs := Sections(ls)
	wantSecs := []struct {
		name  string
		slugs string
	}{
		{"Foundations", "d-graphs c-backprop"},
		{"Transformers", "a-attention e-blocks"},
		{"Appendix", "b-extra f-also"},
		{"Bestiary", "g-zoo"},
	}
	if len(secs) != len(wantSecs) {
		t.Fatalf("Sections = %d sections, want %d", len(secs), len(wantSecs))
	}
	for i, s := range secs {
		var slugs []string
		for _, l := range s.Lessons {
			slugs = append(slugs, l.Slug)
		}
		if s.Name != wantSecs[i].name || strings.Join(slugs, " ") != wantSecs[i].slugs {
			t.Errorf("Sections[%d] = %s %v, want %s %s", i, s.Name, slugs, wantSecs[i].name, wantSecs[i].slugs)
		}
	}
}

func slugOf(l *Lesson) string {
	if l == nil {
		return "nil"
	}
	return l.Slug
}

func TestLoadEmpty(t *testing.T) {
	ls, err := Load(fstest.MapFS{})
	if err != nil || len(ls) != 0 {
		t.Errorf("Load(empty) = %v, %v; want no lessons, no error", ls, err)
	}
	if secs := Sections(nil); len(secs) != 0 {
		t.Errorf("Sections(nil) = %v, want none", secs)
	}
}
