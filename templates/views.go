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
	HTML    string // the rendered body: trusted, produced by package lesson from our own content
	Widgets int    // number of live widgets on the page
	// Knobs are the option fields of each widget kind on the page whose
	// widget builds its controls from them (mlp, cnn), made by the server
	// from the kind's option table: JSON of kind → [Field], "" for none.
	// The page reads them from the article's data-knobs attribute.
	Knobs string
	Prev  *LessonLink // nil on the first lesson
	Next  *LessonLink // nil on the last lesson
}

// Field is one control of an options form, as the page shows it: made by
// the server from an exhibit's option table.
type Field struct {
	Name    string   `json:"name"` // the option's name, sent in a set request
	Label   string   `json:"label"`
	Title   string   `json:"title"`         // a longer explanation, shown on hover
	Control string   `json:"control"`       // one of the Control constants
	Default string   `json:"default"`       // the value the page configures unless its address says otherwise
	Min     string   `json:"min,omitempty"` // bounds and step of a number control
	Max     string   `json:"max,omitempty"`
	Step    string   `json:"step,omitempty"`
	Choices []Choice `json:"choices,omitempty"` // of a select
	Width   string   `json:"-"`                 // "wide", "half" or "third" of the form's grid
}

// The controls of a Field.
const (
	ControlSelect = "select" // one of Choices
	ControlNumber = "number"
	ControlText   = "text"
	ControlSwitch = "switch" // true or false
	ControlSeed   = "seed"   // a number with a button that draws a new one
)

// Choice is one choice of a select.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// LabForm is the lab's model form: one field per option the learner sets
// with a control, in the order of the lab's option table.
type LabForm struct {
	Fields []Field
}
