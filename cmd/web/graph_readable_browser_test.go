package main

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// readableLabel is the smallest height on screen, in pixels, of a node's
// label after Fit: the box of the text the server drew.
const readableLabel = 11

// shownLabel is a node label in view: its node's name and its height.
type shownLabel struct {
	Name   string  `json:"name"`
	Height float64 `json:"height"`
}

// labelsJS lists the labels (text.sg-node-label of the server's nodes)
// wholly inside the graph's box in element %[1]s, with their heights on
// screen. Half a pixel allows for subpixel layout.
const labelsJS = `(() => {
	const box = document.querySelector('%[1]s [data-testid="graph"]').getBoundingClientRect();
	const inside = (r) => r.width > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
	return [...document.querySelectorAll('%[1]s [data-testid="graph"] svg .sg-node')].map(g => [g, g.querySelector('.sg-node-label')])
		.filter(([g, t]) => t && inside(t.getBoundingClientRect())).map(([g, t]) => ({name: g.dataset.name, height: t.getBoundingClientRect().height}));
})()`

// checkReadable fails when a label in view is under readableLabel pixels
// (it names the smallest and counts them), and when none is in view.
func checkReadable(t *testing.T, what string, labels []shownLabel) {
	t.Helper()
	if len(labels) == 0 {
		t.Errorf("%s: no node label in view", what)
	}
	var small []shownLabel
	for _, l := range labels {
		// The browser lays text out in 1/64 pixels, and a label's height
		// comes out a whole number of pixels give or take that.
		if l.Height < readableLabel-1.0/64 {
			small = append(small, l)
		}
	}
	if len(small) > 0 {
		least := slices.MinFunc(small, func(a, b shownLabel) int { return cmp.Compare(a.Height, b.Height) })
		t.Errorf("%s: %d of the %d labels in view are under %d pixels tall; %s's is %.1f", what, len(small), len(labels), readableLabel, least.Name, least.Height)
	}
}

// TestBrowserLabFitReadable presses Fit on the Lab's encoder-decoder at
// 1280×800 (it once zoomed out to 12%, 3-pixel labels): the page folds
// scopes, heads first, and every node label in view stays at least 11
// pixels tall; the folded graph is the server's, and the view shows its
// top. The first view is readable too (it was 60%).
func TestBrowserLabFitReadable(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "?arch=encdec")
	checkReadable(t, "the first view", pollJS[[]shownLabel](b, "the labels", fmt.Sprintf(labelsJS, "")))

	from := b.wireMark()
	b.do("fit", chromedp.Click(chromedp.CSS(sel("fit"))))
	// Fit folds level by level, each fold a graph of the server's, and
	// says on the box while it waits for one.
	pollJS[bool](b, "Fit's folds", `!document.querySelector('[data-testid="graph"]').dataset.fitting && new URLSearchParams(location.search).get('collapsed') !== null`)
	b.sync() // every frame the page has read is recorded
	graphs := b.wire(from, "graph")
	if len(graphs) == 0 {
		t.Fatal("Fit folded nothing: no graph came")
	}
	var last struct {
		Options map[string]string `json:"options"`
	}
	graphs[len(graphs)-1].decode(b, &last)
	folded := strings.Split(last.Options["collapsed"], ",")
	// The page writes its address a moment after a graph.
	pollJS[bool](b, "the folds in the address", `new URLSearchParams(location.search).get('collapsed') === '`+last.Options["collapsed"]+`'`)
	if !strings.Contains(folded[0], ".head.") {
		if g := graphs[0]; true {
			var first struct {
				Options map[string]string `json:"options"`
			}
			g.decode(b, &first)
			if !strings.Contains(first.Options["collapsed"], ".head.") {
				t.Errorf("Fit's first fold is %q, want the heads", first.Options["collapsed"])
			}
		}
	}
	for _, f := range folded {
		pollJS[bool](b, "the folded scope "+f, `!!document.querySelector('[data-testid="node-`+f+`"].sg-kind-scope')`)
	}
	labels := pollJS[[]shownLabel](b, "the labels after Fit", fmt.Sprintf(labelsJS, ""))
	checkReadable(t, "after Fit", labels)
	if level := eval[string](b, `document.querySelector('[data-testid="zoom-level"]').textContent`); level == "12%" {
		t.Errorf("Fit zoomed out to %s", level)
	}
	b.screenshot("lab-encdec-fit.png")
	b.checkClean()
}

// TestBrowserLessonFitReadable presses Fit on the transformer lesson's
// encoder-decoder widget, which cannot fold: Fit stops at the readable
// scale (every label in view at least 11 pixels tall), and dragging the
// view sideways brings the decoder, cut off at first, into the box.
func TestBrowserLessonFitReadable(t *testing.T) {
	b := newBrowser(t)
	l := lessonBySlug(t, "transformer")
	w := widgetWith(t, l, "attention", "encdec")
	root := openLesson(b, l.Slug, w.ID)
	b.do("scroll to the widget", chromedp.ScrollIntoView(chromedp.CSS(root)))
	checkReadable(t, "the first view", pollJS[[]shownLabel](b, "the labels", fmt.Sprintf(labelsJS, root)))
	b.do("fit", chromedp.Click(chromedp.CSS(root+` [data-testid="fit"]`)))
	b.do("scroll to the widget", chromedp.ScrollIntoView(chromedp.CSS(root+` [data-testid="graph"]`)))
	labels := pollJS[[]shownLabel](b, "the labels after Fit", fmt.Sprintf(labelsJS, root))
	checkReadable(t, "after Fit", labels)
	inView := map[string]bool{}
	for _, l := range labels {
		inView[l.Name] = true
	}
	// Drag 300 pixels from right to left, as a learner pans.
	r := eval[[]float64](b, `(() => { const r = document.querySelector('`+root+` [data-testid="graph"]').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`)
	x, y := r[2]-40, r[1]+200
	held := func(p *input.DispatchMouseEventParams) {
		p.Button, p.Buttons, p.ClickCount = input.MouseButtonLeft, 1, 1
	}
	b.do("pan left", chromedp.MouseEvent(chromedp.MousePressed, x, y, held),
		chromedp.MouseEvent(chromedp.MouseMoved, x-100, y, held),
		chromedp.MouseEvent(chromedp.MouseMoved, x-300, y, held),
		chromedp.MouseEvent(chromedp.MouseReleased, x-300, y, held))
	after := pollJS[[]shownLabel](b, "the view after the pan", fmt.Sprintf(`(() => { const l = %s; return l.some(x => x.name.startsWith("dec.") && !%s.includes(x.name)) ? l : null; })()`, fmt.Sprintf(labelsJS, root), jsNames(labels)))
	checkReadable(t, "after the pan", after)
	for _, l := range after {
		if strings.HasPrefix(l.Name, "dec.") && !inView[l.Name] {
			t.Logf("the pan brought %s into view", l.Name)
			break
		}
	}
	b.shootWidget("lesson-encdec-fit.png", root)
	b.checkClean()
}

// jsNames writes the labels' node names as a JavaScript array.
func jsNames(ls []shownLabel) string {
	var q []string
	for _, l := range ls {
		q = append(q, strconv.Quote(l.Name))
	}
	return "[" + strings.Join(q, ",") + "]"
}

// formulaBox is the inspector's formula box as the page lays it out.
type formulaBox struct {
	Name        string  `json:"name"`
	ScrollWidth float64 `json:"scrollWidth"`
	ClientWidth float64 `json:"clientWidth"`
	MathWidth   float64 `json:"mathWidth"`
	Overflow    string  `json:"overflow"`
	Focusable   bool    `json:"focusable"`
}

const formulaBoxJS = `((root) => {
	const box = document.querySelector(root + ' [data-testid="inspector-formula"]');
	const math = box && box.querySelector('math');
	if (!math) return null;
	box.focus();
	return {name: document.querySelector(root + ' [data-testid="inspector-name"]').textContent, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
		mathWidth: math.getBoundingClientRect().width, overflow: getComputedStyle(box).overflowX, focusable: box.tabIndex >= 0 && document.activeElement === box};
})`

// checkFormula fails when the formula is wider than its box and the box
// does not scroll to all of it, or a keyboard cannot reach it to scroll.
func checkFormula(t *testing.T, f formulaBox) {
	t.Helper()
	if f.ScrollWidth <= f.ClientWidth {
		if f.MathWidth > f.ClientWidth+1 {
			t.Errorf("%s: the formula is %.0f pixels wide in a box of %.0f that does not scroll: clipped", f.Name, f.MathWidth, f.ClientWidth)
		}
		return
	}
	if (f.Overflow != "auto" && f.Overflow != "scroll") || !f.Focusable || f.ScrollWidth+1 < f.MathWidth {
		t.Errorf("%s: the formula (%.0f of %.0f pixels shown) scrolls %q, focusable %v: want a box that scrolls to all of it and takes the focus", f.Name, f.ClientWidth, f.ScrollWidth, f.Overflow, f.Focusable)
	}
}

// TestBrowserFormulaBoxes inspects three wide formulas, the Lab's
// cross-entropy loss, a lesson's conv2d and a lesson's fake quantization:
// each fits its box, or its box scrolls to show all of it and a keyboard
// can reach it (the formula was once cut off at the box's edge).
func TestBrowserFormulaBoxes(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	var lab wireGraph
	b.waitWire("the lab's graph", 0, "graph", nil).decode(b, &lab)
	_, loss := lab.ops()
	find(b, loss)
	f := pollJS[formulaBox](b, "the loss's formula", formulaBoxJS+`('')`)
	checkFormula(t, f)
	b.screenshotOf("lab-formula-loss.png", sel("inspector"))

	for _, c := range []struct{ slug, id, suffix string }{{"cnn", "w1", ".conv"}, {"quantization", "w3", ".fq"}} {
		root := openLesson(b, c.slug, c.id)
		var g wireGraph
		b.waitWire("the graph of "+c.id, 0, "graph", func(m wireMsg) bool { return m.Widget == c.id }).decode(b, &g)
		node := ""
		for _, n := range g.Nodes {
			if strings.HasSuffix(n.Name, c.suffix) {
				node = n.Name
				break
			}
		}
		if node == "" {
			t.Fatalf("%s: no node ends in %s", c.slug, c.suffix)
		}
		b.do(c.slug+": find "+node, chromedp.ScrollIntoView(chromedp.CSS(root)),
			chromedp.Click(chromedp.CSS(root+` [data-testid="graph-search"]`)),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent(node+"\r"))
		pollJS[bool](b, "inspect "+node, `document.querySelector('`+root+` [data-testid="inspector-name"]')?.textContent === '`+node+`'`)
		f := pollJS[formulaBox](b, node+"'s formula", formulaBoxJS+`('`+root+`')`)
		checkFormula(t, f)
		b.screenshotOf("formula-"+c.slug+".png", root+` [data-testid="inspector"]`)
	}
	b.checkClean()
}
