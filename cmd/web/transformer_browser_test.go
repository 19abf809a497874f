package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/lesson"
)

// heatmapLabelsJS returns the column and row labels of the heatmap in the
// element with a data-testid: the heatmap draws the column labels first,
// then each row's label before its cells.
const heatmapLabelsJS = `((id) => {
	const svg = document.querySelector('[data-testid="' + id + '"] svg');
	if (!svg) return null;
	const cols = [], rows = [];
	for (const t of svg.querySelectorAll('text.heatmap__label')) (t.getAttribute('text-anchor') === 'end' ? rows : cols).push(t.textContent);
	return {cols, rows};
})`

// axisLabels are a heatmap's labels.
type axisLabels struct {
	Cols []string `json:"cols"`
	Rows []string `json:"rows"`
}

// widgetWith returns the lesson's widget of kind with option arch.
func widgetWith(t *testing.T, l *lesson.Lesson, kind, arch string) lesson.Widget {
	t.Helper()
	for _, w := range l.Widgets {
		if w.Kind == kind && w.Options["arch"] == arch {
			return w
		}
	}
	t.Fatalf("%s: no %s widget with arch %s", l.Slug, kind, arch)
	return lesson.Widget{}
}

// TestBrowserTransformerLesson opens the transformer lesson, runs its two
// attention widgets to the end and checks their maps: the decoder's one
// layer of heads, and the encoder-decoder's three kinds of attention, each
// labelled with its own queries and keys (the source on both axes of the
// encoder, source columns for the cross-attention).
func TestBrowserTransformerLesson(t *testing.T) {
	b := newBrowser(t)
	ls := loadLessons(t)
	i := slices.IndexFunc(ls, func(l *lesson.Lesson) bool { return l.Slug == "transformer" })
	if i < 0 {
		t.Fatal("no transformer lesson")
	}
	l := ls[i]
	b.do("open the lesson", chromedp.Navigate(b.base+"/lessons/"+l.Slug),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-body"] math`)))
	for _, w := range l.Widgets {
		b.do("widget "+w.ID, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="widget-%s"] .sg-node`, w.ID))))
	}
	b.screenshot("lesson-transformer.png")

	// The rows of the encoder block's aligned equations line up on their
	// arrows: the page lays out aligned as mathml.Stylesheet says.
	arrows := eval[[]float64](b, `[...document.querySelector('[data-testid="lesson-body"] mtable.sg-aligned').querySelectorAll(':scope > mtr')].map(r => r.children[1].firstElementChild.getBoundingClientRect().left)`)
	if len(arrows) != 2 || math.Abs(arrows[0]-arrows[1]) > 0.5 { // half a pixel: subpixel layout
		t.Errorf("the encoder block's two rows start their right side at x = %v, want the same x", arrows)
	}

	run := func(w lesson.Widget) string {
		root := fmt.Sprintf(`[data-testid="widget-%s"]`, w.ID)
		b.do("run widget "+w.ID, chromedp.ScrollIntoView(chromedp.CSS(root)),
			chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="run"]`)),
			chromedp.Click(chromedp.CSS(root+` [data-testid="run"]`)),
			chromedp.WaitVisible(chromedp.CSS(root+` .attn-head .heatmap`)))
		return root
	}

	dec := widgetWith(t, l, "attention", "decoder")
	root := run(dec)
	if n := eval[int](b, `document.querySelectorAll('`+root+` .attn-head .heatmap').length`); n != 2 {
		t.Errorf("decoder widget: %d maps after a full run, want 2 (one layer of 2 heads)", n)
	}
	b.screenshotOf("transformer-decoder-widget.png", root)

	ed := widgetWith(t, l, "attention", "encdec")
	root = run(ed)
	// Three attentions (encoder, decoder self, cross) of 2 heads.
	pollJS[bool](b, "six encdec maps", `document.querySelectorAll('`+root+` .attn-head .heatmap').length === 6`)
	labels := func(scope string) axisLabels {
		id := "attention-" + scope + "-head-0"
		got := eval[*axisLabels](b, heatmapLabelsJS+`('`+id+`')`)
		if got == nil {
			t.Fatalf("no heatmap %s", id)
		}
		return *got
	}
	enc, self, cross := labels("enc.layers.0.attn"), labels("dec.layers.0.self_attn"), labels("dec.layers.0.cross_attn")
	n := len(enc.Rows)
	if n == 0 || !slices.Equal(enc.Rows, enc.Cols) || slices.Contains(enc.Rows, "|") {
		t.Errorf("encoder map labels rows %v cols %v, want the same source symbols on both axes (no |)", enc.Rows, enc.Cols)
	}
	if len(self.Rows) != n || self.Rows[0] != "|" || !slices.Equal(self.Rows, self.Cols) {
		t.Errorf("decoder self-attention labels rows %v cols %v, want the decoder input, BOS | first, on both axes", self.Rows, self.Cols)
	}
	if !slices.Equal(cross.Rows, self.Rows) || !slices.Equal(cross.Cols, enc.Rows) {
		t.Errorf("cross-attention labels rows %v cols %v, want the decoder input %v by the source %v", cross.Rows, cross.Cols, self.Rows, enc.Rows)
	}

	// Trained, the cross-attention is the anti-diagonal the lesson tells
	// the reader to look for: output t reads source n-1-t. The widget
	// trains to its budget of steps and stops by itself.
	b.do("train the encoder-decoder", chromedp.Click(chromedp.CSS(root+` [data-testid="train"]`)))
	steps := pollJS[string](b, "training to end", `(() => { const m = document.querySelector('`+root+` [data-testid="metrics"]').textContent; return document.querySelector('`+root+` [data-testid="train"]').textContent === "Train" && m.startsWith("training steps ") ? m : ""; })()`)
	// The cursor stayed at the end of the run through training; reset and
	// run it again, the trained model's pass from the start.
	b.do("run the trained model", chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="reset"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="reset"]`)),
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="run"]`)))
	pollJS[bool](b, "six trained maps", `document.querySelectorAll('`+root+` .attn-head .heatmap').length === 6`)
	for head := range 2 {
		p := readMap(b, fmt.Sprintf("attention-dec.layers.0.cross_attn-head-%d", head)).numbers(t)
		for q := range p {
			if len(p) != n || len(p[q]) != n || p[q][n-1-q] <= 0.5 {
				t.Errorf("after %s: cross-attention head %d row %d = %v, want over 0.5 at source %d", steps, head, q, p[q], n-1-q)
			}
		}
	}
	b.screenshotOf("transformer-encdec-widget.png", root)
	b.checkClean()
}

// TestBrowserLessonLabLinks follows the transformer lesson's encoder-decoder
// link from the page, then opens every Lab link of the lessons: each opens
// the Lab with the link's setup in its form and its address, and with no
// refusal.
func TestBrowserLessonLabLinks(t *testing.T) {
	b := newBrowser(t)
	b.do("open the lesson", chromedp.Navigate(b.base+"/lessons/transformer"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
	const encdec = `/lab?arch=encdec&heads=2`
	b.do("follow the encoder-decoder link", chromedp.Click(chromedp.CSS(`[data-testid="lesson-body"] a[href="`+encdec+`"]`)))
	waitLab(b)
	pollJS[bool](b, "the cross-attention node", `!!document.querySelector('[data-testid="node-dec.layers.0.cross_attn.head.1.probs"]')`)
	b.screenshot("lab-from-lesson-encdec.png")

	links, slugs := lessonLabLinks(t)
	if !slices.Contains(links, encdec) {
		t.Errorf("the lessons' Lab links %v lack %s", links, encdec)
	}
	for i, link := range links {
		b.do("leave the lab", chromedp.Navigate("about:blank"))
		openLab(b, strings.TrimPrefix(link, "/lab"))
		view := eval[labView](b, labViewJS)
		if msg := eval[string](b, `(() => { const e = document.querySelector('[data-testid="hyper-error"]'); return e.hidden ? "" : e.textContent; })()`); msg != "" {
			t.Errorf("%s: %s shows the refusal %q", slugs[i], link, msg)
		}
		for k, v := range labQuery(t, link) {
			switch k {
			case "collapsed":
				for _, scope := range strings.Split(v, ",") {
					pollJS[bool](b, "the folded scope "+scope, `!!document.querySelector('[data-testid="node-`+scope+`"].sg-kind-scope')`)
				}
			default:
				if view.Form[k] != v {
					t.Errorf("%s: %s opens with %s = %q, want %q", slugs[i], link, k, view.Form[k], v)
				}
			}
			pollJS[bool](b, "the address keeps "+k, `new URLSearchParams(location.search).get('`+k+`') === '`+v+`'`)
		}
	}
	b.checkClean()
}

// TestBrowserIndexLabCard checks the index's way into the Lab: the card
// shows above the lessons and its button opens the Lab.
func TestBrowserIndexLabCard(t *testing.T) {
	b := newBrowser(t)
	b.do("open the index", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS(sel("lab-card"))))
	top := eval[[]float64](b, `['lab-card', 'lesson-list'].map(id => document.querySelector('[data-testid="' + id + '"]').getBoundingClientRect().top)`)
	if top[0] >= top[1] || top[0] > 900 {
		t.Errorf("lab card top %.0f px, first lesson list %.0f px; want the card first, within the first screen", top[0], top[1])
	}
	b.screenshot("index-lab-card.png")
	b.do("narrow screen", chromedp.EmulateViewport(420, 900))
	b.screenshotOf("index-lab-card-narrow.png", sel("lab-card"))
	b.do("wide screen", chromedp.EmulateViewport(1280, 900))
	b.do("open the lab from the card", chromedp.Click(chromedp.CSS(sel("lab-card-link"))))
	waitLab(b)
	if path := eval[string](b, `location.pathname`); path != "/lab" {
		t.Errorf("the lab card led to %s, want /lab", path)
	}
	b.checkClean()
}
