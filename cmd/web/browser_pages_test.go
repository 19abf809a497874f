package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/engine/mlp"
	"stepgraph/exhibit"
)

// TestBrowserIndex checks that the index lists every lesson, in reading
// order, with working links.
func TestBrowserIndex(t *testing.T) {
	b := newBrowser(t)
	ls := loadLessons(t)
	b.do("open the index", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-list"]`)))

	hrefs := eval[[]string](b, `[...document.querySelectorAll('a[data-testid^="lesson-link-"]')].map(a => a.getAttribute("href"))`)
	titles := eval[[]string](b, `[...document.querySelectorAll('.lesson-card__title')].map(e => e.textContent)`)
	var wantHrefs, wantTitles []string
	for _, l := range ls {
		wantHrefs = append(wantHrefs, "/lessons/"+l.Slug)
		wantTitles = append(wantTitles, l.Title)
	}
	if !slices.Equal(hrefs, wantHrefs) {
		t.Errorf("index links = %v, want %v", hrefs, wantHrefs)
	}
	if !slices.Equal(titles, wantTitles) {
		t.Errorf("index titles = %v, want %v", titles, wantTitles)
	}
	b.screenshot("index.png")

	// The first card leads to its lesson.
	b.do("follow the first lesson",
		chromedp.Click(chromedp.CSS(`a[data-testid="lesson-link-`+ls[0].Slug+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
	if got := eval[string](b, `document.querySelector('[data-testid="lesson-title"]').textContent`); got != ls[0].Title {
		t.Errorf("lesson title after the click = %q, want %q", got, ls[0].Title)
	}
	b.checkClean()
}

// TestBrowserLessonMathAndWidget opens the first lesson with an MLP
// widget: its math is MathML with a size, the widget connects, one click on
// "step forward" highlights the first op node, and the page stays on its
// origin with a clean console.
func TestBrowserLessonMathAndWidget(t *testing.T) {
	b := newBrowser(t)
	l, w := firstLessonWith(t, loadLessons(t), "mlp")
	root := widgetSel(w.ID)
	b.do("open the lesson", chromedp.Navigate(b.base+"/lessons/"+l.Slug),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-body"] math`)))

	// Every formula is a MathML element with a box of its own.
	wantMath := strings.Count(l.HTML, "<math")
	sizes := eval[[][]float64](b, `[...document.querySelectorAll('[data-testid="lesson-body"] math')].map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; })`)
	if len(sizes) != wantMath || wantMath == 0 {
		t.Errorf("%d math elements on the page, want %d (and at least one)", len(sizes), wantMath)
	}
	for i, s := range sizes {
		if s[0] <= 0 || s[1] <= 0 {
			t.Errorf("math element %d has size %vx%v, want a positive size", i, s[0], s[1])
		}
	}
	if !eval[bool](b, `document.querySelector('[data-testid="lesson-body"] math') instanceof MathMLElement`) {
		t.Errorf("the formulas are not MathML elements")
	}

	// The widget connects and draws its graph.
	b.do("wait for the widget",
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="graph"] .sg-node`)),
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)))
	if st := eval[string](b, `document.querySelector('`+root+` [data-testid="status"]').dataset.status`); st != "open" {
		t.Errorf("widget status = %q, want open", st)
	}
	if !b.requested(strings.Replace(b.base, "http", "ws", 1) + "/ws") {
		t.Errorf("the page opened no websocket to %s/ws", b.base)
	}

	// One click on step forward highlights the node that ran: the first op
	// of the MLP the lesson configures.
	first := firstOpOfMLP(t, w.Options)
	b.do("step forward",
		chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` .sg-node.is-current`)))
	current := eval[[]string](b, `[...document.querySelectorAll('`+root+` .sg-node.is-current')].map(g => g.dataset.name)`)
	if !slices.Equal(current, []string{first}) {
		t.Errorf("highlighted nodes after one step = %v, want [%s]", current, first)
	}
	b.do("wait for the inspector", chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="inspector-value"]`)))
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="inspector"] .insp__name').textContent`); got != first {
		t.Errorf("inspector shows %q, want %q", got, first)
	}
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="cursor"]').textContent`); !strings.HasPrefix(got, "Step 1 of ") {
		t.Errorf("cursor = %q, want it to start with \"Step 1 of \"", got)
	}
	b.shootWidget("mlp-widget.png", root)
	b.screenshot("lesson-" + l.Slug + ".png")
	b.checkClean()
}

// firstOpOfMLP builds the MLP a lesson's widget options describe and
// returns the name of its first op node, the one a first step runs.
func firstOpOfMLP(t *testing.T, opts map[string]string) string {
	t.Helper()
	var hidden []int
	for _, s := range strings.Split(cmpOr(opts["hidden"], "3"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("lesson widget option hidden=%q: %v", opts["hidden"], err)
		}
		hidden = append(hidden, n)
	}
	m, err := mlp.New(mlp.Config{Inputs: 2, Hidden: hidden, Classes: 2, Act: cmpOr(opts["act"], "tanh")}, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes {
		if n.Op != nil {
			return n.Name
		}
	}
	t.Fatal("the MLP has no op node")
	return ""
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestBrowserAttentionWidget runs the attention lesson's widget to the end
// of the forward pass and checks that every head shows its map.
func TestBrowserAttentionWidget(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "attention")
	b.do("run the timeline",
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` .attn-head .heatmap`)))
	heads, err := strconv.Atoi(cmpOr(w.Options["heads"], "2"))
	if err != nil {
		t.Fatal(err)
	}
	maps := eval[int](b, `document.querySelectorAll('`+root+` .attn-head .heatmap').length`)
	if maps != heads {
		t.Errorf("%d attention maps after a full run, want %d (one per head of one layer)", maps, heads)
	}
	b.shootWidget("attention-widget.png", root)
	b.checkClean()
}

// TestBrowserEveryLesson opens every lesson and checks that each widget
// mounts and draws its graph, with a clean console.
func TestBrowserEveryLesson(t *testing.T) {
	b := newBrowser(t)
	for _, l := range loadLessons(t) {
		b.do("open "+l.Slug, chromedp.Navigate(b.base+"/lessons/"+l.Slug),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
		for _, w := range l.Widgets {
			b.do(l.Slug+" widget "+w.ID, chromedp.WaitVisible(chromedp.CSS(widgetSel(w.ID)+` .sg-node`)))
		}
		if l.Next != nil {
			if href := eval[string](b, `document.querySelector('[data-testid="next"]').getAttribute("href")`); href != "/lessons/"+l.Next.Slug {
				t.Errorf("%s: next link = %q, want /lessons/%s", l.Slug, href, l.Next.Slug)
			}
		}
	}
	b.checkClean()
}

// TestBrowserNotFound checks the friendly 404 page.
func TestBrowserNotFound(t *testing.T) {
	b := newBrowser(t)
	b.do("open a missing page", chromedp.Navigate(b.base+"/no/such/page"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="not-found"]`)))
	b.screenshot("not-found.png")
	// The browser logs the 404 status of the page itself; nothing else.
	b.checkClean("404 (Not Found) " + b.base + "/no/such/page")
}

// TestBrowserTraining trains the first lesson's MLP from the page: the
// server's loss chart shows as an image, and training stops by itself after
// the widget's budget of steps, which the metrics show.
func TestBrowserTraining(t *testing.T) {
	b := newBrowser(t)
	_, _, root := openWidget(b, "mlp")
	b.do("train",
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="train"]`)))
	waitChart(b, root, "loss")
	steps, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => { const t = document.querySelector('`+root+` [data-testid="train"]').textContent; const d = document.querySelector('`+root+` [data-testid="metrics"] dd'); return t === "Train" && d ? d.textContent : ""; })()`))
	if err != nil {
		t.Fatalf("training did not end: %v", err)
	}
	if want := strconv.Itoa(exhibit.MLPMaxSteps); steps != want {
		t.Errorf("training steps shown = %q, want %s", steps, want)
	}
	b.shootWidget("mlp-trained.png", root)
	b.checkClean()
}
