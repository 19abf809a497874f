package templates

import "github.com/a-h/templ"

// Page is what every page tells the layout.
type Page struct {
	Title       string // the tab's title, before " · Stepgraph"
	Description string // the meta description
	Nav         string // the active top-level link: "lessons", "lab" or ""
}

// LessonLink points at a lesson from the index or a neighbour.
type LessonLink struct {
	Slug    string
	Title   string
	Summary string
	Number  int // 1-based position in reading order
}

// URL returns the lesson's address, /lessons/{slug}.
func (l LessonLink) URL() templ.SafeURL { return templ.URL("/lessons/" + l.Slug) }

// Section is a group of lessons on the index, in reading order.
type Section struct {
	Name    string
	Lessons []LessonLink
}

// Lesson is one lesson page.
type Lesson struct {
	LessonLink
	Section string
	HTML    string      // the rendered body: trusted, produced by package lesson from our own content
	Widgets int         // number of live widgets on the page
	Prev    *LessonLink // nil on the first lesson
	Next    *LessonLink // nil on the last lesson
}
