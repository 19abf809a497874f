package content_test

import (
	"slices"
	"testing"

	"stepgraph/exhibit"
	"stepgraph/lesson"
)

// The lessons' tests check what a lesson says about its widgets against
// the exhibits those widgets run: they build them from the lesson's own
// widget blocks (or the Lab's options), with the recipes of package
// exhibit, and never re-declare a model.

// lessonWidgets returns the widget blocks of lesson slug, in reading order.
func lessonWidgets(t *testing.T, slug string) []lesson.Widget {
	t.Helper()
	ls := loadAll(t)
	i := slices.IndexFunc(ls, func(l *lesson.Lesson) bool { return l.Slug == slug })
	if i < 0 {
		t.Fatalf("no lesson %q", slug)
	}
	if len(ls[i].Widgets) == 0 {
		t.Fatalf("lesson %q has no widget", slug)
	}
	return ls[i].Widgets
}

// buildWidget returns the exhibit that widget block w runs, as its page
// configures it.
func buildWidget[E exhibit.Exhibit](t *testing.T, w lesson.Widget) E {
	t.Helper()
	k, ok := exhibit.KindOf(w.Kind)
	if !ok {
		t.Fatalf("widget %s: no exhibit kind %q", w.ID, w.Kind)
	}
	ex, e := k.Build(w.Options)
	if e != nil {
		t.Fatalf("widget %s (%s %v): %v", w.ID, w.Kind, w.Options, e)
	}
	typed, ok := ex.(E)
	if !ok {
		t.Fatalf("widget %s: exhibit %T, want %T", w.ID, ex, typed)
	}
	return typed
}

// lessonExhibit returns the exhibit of the first widget of lesson slug.
func lessonExhibit[E exhibit.Exhibit](t *testing.T, slug string) E {
	t.Helper()
	return buildWidget[E](t, lessonWidgets(t, slug)[0])
}

// newLab returns the Lab configured with opts, as a link /lab?... does.
func newLab(t *testing.T, opts map[string]string) *exhibit.Lab {
	t.Helper()
	k, _ := exhibit.KindOf("lab")
	ex, e := k.Build(opts)
	if e != nil {
		t.Fatalf("lab %v: %v", opts, e)
	}
	return ex.(*exhibit.Lab)
}
