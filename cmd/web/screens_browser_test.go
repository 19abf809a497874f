package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// screens are the sizes the pages are checked and photographed at: a
// laptop, a tablet held upright and a phone.
var screens = []struct {
	name          string
	width, height int64
}{
	{"laptop", 1280, 800},
	{"tablet", 820, 1180},
	{"phone", 390, 844},
}

// TestBrowserScreenshots saves full-page screenshots of the Lab (run to
// the end of its timeline, so that the inspector and the attention panel
// show their maps) and of the MLP and attention lessons, once their
// widgets have drawn their graphs, on each screen: test artifacts, in
// STEPGRAPH_ARTIFACTS or testdata-artifacts/browser, to look at.
func TestBrowserScreenshots(t *testing.T) {
	b := newBrowser(t)
	for _, s := range screens {
		b.do(s.name+" screen", chromedp.EmulateViewport(s.width, s.height))
		openLab(b, "")
		press(b, s.name+": run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
		waitHeads(b, 2)
		b.screenshot(fmt.Sprintf("screen-%s-lab.png", s.name))
		for _, slug := range []string{"mlp", "attention"} {
			l := lessonBySlug(t, slug)
			b.do("open "+l.Slug, chromedp.Navigate(b.base+"/lessons/"+l.Slug), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
			var ids []string
			for _, w := range l.Widgets {
				ids = append(ids, w.ID)
			}
			waitWidgets(b, l.Slug, ids)
			b.screenshot(fmt.Sprintf("screen-%s-lesson-%s.png", s.name, l.Slug))
		}
	}
	b.checkClean()
}
