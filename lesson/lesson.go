package lesson

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Widget is a live widget placed in a lesson by a ```widget block.
type Widget struct {
	ID      string            // unique within the lesson: "w1", "w2", ... in reading order
	Kind    string            // what to mount: "mlp", "attention", ...
	Options map[string]string // every other key of the block, as written
}

// Lesson is one rendered lesson.
type Lesson struct {
	Slug    string // the file name without ".md": "backpropagation"
	Title   string
	Section string // the section it belongs to: "Foundations"
	Summary string // one or two sentences for the index
	Order   int    // position within the section

	// SectionOrder is the position of the section, from the optional
	// section_order key; 0 when no lesson of the section gives one.
	SectionOrder int

	HTML    string   // rendered body; trusted, since we produce it from our own content
	Widgets []Widget // the widgets of the body, in order

	Prev, Next *Lesson // neighbours in reading order, nil at either end
}

// Section is a named group of lessons, in reading order.
type Section struct {
	Name    string
	Lessons []*Lesson
}

// Load reads and renders every *.md file at the root of fsys, sorts the
// lessons in reading order (section, then order within the section; a
// section's place is its section_order, sections without one come after the
// others by name) and links them with Prev and Next. Errors name the file
// and line. Lessons of one section must agree on section_order.
func Load(fsys fs.FS) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, fmt.Errorf("list lessons: %w", err)
	}
	var ls []*Lesson
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read lesson: %w", err)
		}
		l, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	if err := orderSections(ls); err != nil {
		return nil, err
	}
	slices.SortFunc(ls, readingOrder)
	for i, l := range ls {
		if i > 0 {
			l.Prev = ls[i-1]
		}
		if i+1 < len(ls) {
			l.Next = ls[i+1]
		}
	}
	return ls, nil
}

// Parse reads one lesson file: its front matter and its rendered body. The
// name is the file name, used for the slug and in errors. Prev and Next are
// left nil; Load sets them.
func Parse(name string, data []byte) (*Lesson, error) {
	slug := strings.TrimSuffix(path.Base(name), ".md")
	if !validSlug(slug) {
		return nil, fmt.Errorf("lesson %s: file name must be lowercase letters, digits and hyphens", name)
	}
	fm, body, bodyLine, err := parseFrontMatter(data)
	if err != nil {
		return nil, fmt.Errorf("lesson %s: %w", name, err)
	}
	html, widgets, err := render(body, bodyLine)
	if err != nil {
		return nil, fmt.Errorf("lesson %s: %w", name, err)
	}
	return &Lesson{
		Slug: slug, Title: fm.title, Section: fm.section, Summary: fm.summary,
		Order: fm.order, SectionOrder: fm.sectionOrder,
		HTML: html, Widgets: widgets,
	}, nil
}

func validSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// orderSections gives every lesson its section's section_order, taken from
// the lessons that state it, and fails if two of them disagree.
func orderSections(ls []*Lesson) error {
	order := map[string]int{}
	from := map[string]string{} // the slug that set a section's order
	for _, l := range ls {
		if l.SectionOrder == 0 {
			continue
		}
		if o, ok := order[l.Section]; ok && o != l.SectionOrder {
			return fmt.Errorf("lesson %s.md: section %q has section_order %d, but %s.md says %d",
				l.Slug, l.Section, l.SectionOrder, from[l.Section], o)
		}
		order[l.Section], from[l.Section] = l.SectionOrder, l.Slug
	}
	for _, l := range ls {
		l.SectionOrder = order[l.Section]
	}
	return nil
}

// readingOrder compares lessons by section (sections with a section_order
// first, by that order, then the rest by name), then by order in the
// section, then by slug so that the result never depends on file order.
func readingOrder(a, b *Lesson) int {
	unset := func(l *Lesson) int {
		if l.SectionOrder == 0 {
			return 1
		}
		return 0
	}
	return cmp.Or(
		cmp.Compare(unset(a), unset(b)),
		cmp.Compare(a.SectionOrder, b.SectionOrder),
		strings.Compare(a.Section, b.Section),
		cmp.Compare(a.Order, b.Order),
		strings.Compare(a.Slug, b.Slug),
	)
}

// Sections groups lessons by section, keeping the order of ls: each section
// appears where its first lesson does. Given the result of Load, the
// sections come in reading order.
func Sections(ls []*Lesson) []Section {
	var out []Section
	index := map[string]int{}
	for _, l := range ls {
		i, ok := index[l.Section]
		if !ok {
			i = len(out)
			index[l.Section] = i
			out = append(out, Section{Name: l.Section})
		}
		out[i].Lessons = append(out[i].Lessons, l)
	}
	return out
}
