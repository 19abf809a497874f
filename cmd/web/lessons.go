package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"

	"stepgraph/exhibit"
	"stepgraph/lesson"
	"stepgraph/templates"
)

// lessonStore holds the rendered lessons. Embedded lessons are loaded once;
// in dev mode they are loaded again on every request, so an edit shows on
// reload.
type lessonStore struct {
	fsys   fs.FS
	reload bool

	mu      sync.Mutex
	lessons []*lesson.Lesson
}

func newLessonStore(fsys fs.FS, reload bool) (*lessonStore, error) {
	ls, err := lesson.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("load lessons: %w", err)
	}
	return &lessonStore{fsys: fsys, reload: reload, lessons: ls}, nil
}

// all returns the lessons in reading order.
func (s *lessonStore) all() ([]*lesson.Lesson, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reload {
		ls, err := lesson.Load(s.fsys)
		if err != nil {
			return nil, fmt.Errorf("reload lessons: %w", err)
		}
		s.lessons = ls
	}
	return s.lessons, nil
}

// find returns the lesson with the given slug and its position in reading
// order, or nil.
func (s *lessonStore) find(slug string) (*lesson.Lesson, int, error) {
	ls, err := s.all()
	if err != nil {
		return nil, 0, err
	}
	for i, l := range ls {
		if l.Slug == slug {
			return l, i, nil
		}
	}
	return nil, 0, nil
}

// sectionViews groups lessons for the index, numbering them in reading
// order.
func sectionViews(ls []*lesson.Lesson) []templates.Section {
	number := map[*lesson.Lesson]int{}
	for i, l := range ls {
		number[l] = i + 1
	}
	var out []templates.Section
	for _, sec := range lesson.Sections(ls) {
		v := templates.Section{Name: sec.Name}
		for _, l := range sec.Lessons {
			v.Lessons = append(v.Lessons, linkView(l, number[l]))
		}
		out = append(out, v)
	}
	return out
}

// lessonView is the page of lesson l, the i-th in reading order.
func lessonView(l *lesson.Lesson, i int) templates.Lesson {
	v := templates.Lesson{
		LessonLink: linkView(l, i+1), Section: l.Section, HTML: l.HTML, Widgets: len(l.Widgets),
	}
	knobs := map[string][]templates.Field{}
	for _, w := range l.Widgets {
		if t, ok := knobTables[w.Kind]; ok {
			knobs[w.Kind] = t
		}
	}
	if len(knobs) > 0 {
		text, err := json.Marshal(knobs)
		if err != nil {
			panic(fmt.Sprintf("web: the knobs of lesson %s: %v", l.Slug, err)) // plain strings: cannot fail
		}
		v.Knobs = string(text)
	}
	if l.Prev != nil {
		p := linkView(l.Prev, i)
		v.Prev = &p
	}
	if l.Next != nil {
		n := linkView(l.Next, i+2)
		v.Next = &n
	}
	return v
}

// knobTables are the option fields of the widget kinds whose lesson
// widget builds its controls from its option table (static/js/knobs.js):
// made once, like the lab's form.
var knobTables = map[string][]templates.Field{
	"mlp": formOf(exhibit.MLPOptions, nil).Fields,
	"cnn": formOf(exhibit.CNNOptions, nil).Fields,
}

func linkView(l *lesson.Lesson, number int) templates.LessonLink {
	return templates.LessonLink{Slug: l.Slug, Title: l.Title, Summary: l.Summary, Number: number}
}
