package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/lesson"
)

// widgetSel returns the CSS selector of the lesson widget with id; a
// test's selectors inside the widget start with it.
func widgetSel(id string) string { return fmt.Sprintf(`[data-testid="widget-%s"]`, id) }

// openLesson opens the lesson with slug and waits until its widget with id
// has drawn its graph. It returns the widget's selector.
func openLesson(b *browser, slug, id string) string {
	b.t.Helper()
	root := widgetSel(id)
	b.do("open the lesson", chromedp.Navigate(b.base+"/lessons/"+slug),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="graph"] .sg-node`)))
	return root
}

// openWidget opens the first lesson with a widget of kind, as openLesson
// does, and returns the lesson, the widget and the widget's selector.
func openWidget(b *browser, kind string) (*lesson.Lesson, lesson.Widget, string) {
	b.t.Helper()
	l, w := firstLessonWith(b.t, loadLessons(b.t), kind)
	return l, w, openLesson(b, l.Slug, w.ID)
}

// setOption changes the widget's option field set-<name> to value and
// fires its change event, as a learner's edit does.
func setOption(b *browser, root, name, value string) {
	b.t.Helper()
	field := root + ` [data-testid="set-` + name + `"]`
	b.do("set "+name+" to "+value, chromedp.SetValue(chromedp.CSS(field), value),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+field+`').dispatchEvent(new Event("change"))`))
}

// waitChart waits until the widget shows the server's chart name (image
// plot-<name>) loaded, and fails the test if it never does.
func waitChart(b *browser, root, name string) {
	b.t.Helper()
	loaded, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector('`+root+` [data-testid="plot-`+name+`"]'); return !!i && i.complete && i.naturalWidth > 0; })()`))
	if err != nil || !loaded {
		b.t.Fatalf("the %s chart never loaded as an image: %v", name, err)
	}
}

// shootWidget scrolls to the widget and saves a PNG of it.
func (b *browser) shootWidget(name, root string) {
	b.t.Helper()
	b.do("scroll to the widget", chromedp.ScrollIntoView(chromedp.CSS(root)))
	b.screenshotOf(name, root)
}

// lessonBySlug returns the embedded lesson with slug.
func lessonBySlug(t *testing.T, slug string) *lesson.Lesson {
	t.Helper()
	for _, l := range loadLessons(t) {
		if l.Slug == slug {
			return l
		}
	}
	t.Fatalf("no lesson %s", slug)
	return nil
}
