package main

import (
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/engine"
	"stepgraph/exhibit"
	"stepgraph/lesson"
)

// checkShown compares a map as the page prints it with the engine's
// tensor: the page prints 4 significant digits (dom.js fmt), 3 below
// 1e-3, after the wire's 6; 6e-4 and 6e-3 of each number leave room for
// that rounding and nothing more.
func checkShown(t *testing.T, what string, shown [][]float64, want *engine.Tensor) {
	t.Helper()
	rows, cols := want.Shape[0], want.Shape[1]
	if len(shown) != rows || len(shown[0]) != cols {
		t.Fatalf("%s: the page shows %d×%d numbers, want %d×%d", what, len(shown), len(shown[0]), rows, cols)
	}
	bad := 0
	for i := range rows {
		for j := range cols {
			w := want.At(i, j)
			tol := 6e-4 * math.Abs(w)
			if math.Abs(w) < 1e-3 {
				tol = 6e-3 * math.Abs(w)
			}
			if got := shown[i][j]; math.Abs(got-w) > tol && bad < 5 {
				t.Errorf("%s[%d, %d] on the page = %v, the engine's = %v", what, i, j, got, w)
				bad++
			}
		}
	}
}

// TestBrowserLabOptimizerStep steps the Lab's backward pass part of the
// way, inspects layers.0.attn.wq and clicks "Take one optimizer step"
// twice. The page shows W, the gradient, ΔW and W after, and Adam's m and
// v, whose cells are the numbers of a lab built in this test with the
// same options, taken the same steps; the first step says it finished the
// backward pass first, and the cursor is then at the end with the
// parameter inspected. The panel passes axe-core, on a laptop's screen
// and on a phone's, where its controls are 44 pixels at least.
func TestBrowserLabOptimizerStep(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	backward := chromedp.Click(chromedp.CSS(sel("step-backward")))
	for range 8 {
		press(b, "step backward", backward)
	}
	at := readCursor(b)
	if at.Phase != "backward" {
		t.Fatalf("after 8 backprop steps the phase is %q, want backward", at.Phase)
	}
	const param = "layers.0.attn.wq"
	find(b, param)

	// The engine's numbers: the default lab, the same cursor, the same steps.
	ex, e := exhibit.LabOptions.Configure(nil)
	if e != nil {
		t.Fatal(e)
	}
	lab, e := exhibit.NewLab(ex)
	if e != nil {
		t.Fatal(e)
	}
	if e := lab.Stepping().Seek(at.Index); e != nil {
		t.Fatal(e)
	}
	opt := lab.(exhibit.Optimizing)

	for k := 1; k <= 2; k++ {
		want, e := opt.OptimizerStep(param)
		if e != nil {
			t.Fatal(e)
		}
		b.do("take an optimizer step", chromedp.Click(chromedp.CSS(sel("optim-step"))))
		status := pollJS[string](b, "the step's status", `(() => { const s = document.querySelector('[data-testid="optim-status"]').textContent; return s.includes("t = `+string(rune('0'+k))+`,") ? s : null; })()`)
		if ran := strings.Contains(status, "ran it to the end first"); ran != (k == 1) || !strings.Contains(status, "Adam") || !strings.Contains(status, param) {
			t.Errorf("step %d says %q; want Adam on %s, the backward pass finished first only on the first step", k, status, param)
		}
		checkShown(t, "ΔW", readMap(b, "delta-w").numbers(t), want.Delta.Tensor)
		checkShown(t, "W before", readMap(b, "optim-before").numbers(t), want.Before.Tensor)
		checkShown(t, "gradient", readMap(b, "optim-grad").numbers(t), want.Grad.Tensor)
		checkShown(t, "W after", readMap(b, "optim-after").numbers(t), want.After.Tensor)
		checkShown(t, "m", readMap(b, "adam-m").numbers(t), want.M.Tensor)
		checkShown(t, "v", readMap(b, "adam-v").numbers(t), want.V.Tensor)
		c := readCursor(b)
		if total := lab.Stepping().Stepper().Total(); c.Index != total {
			t.Errorf("after step %d the cursor is at %d, want the end, %d", k, c.Index, total)
		}
		if got := eval[string](b, `document.querySelector('[data-testid="inspector-name"]').textContent`); got != param {
			t.Errorf("after step %d the inspector shows %q, want %s", k, got, param)
		}
	}
	if !eval[bool](b, `!!document.querySelector('[data-testid="delta-w"] svg[role="img"]') && document.querySelector('[data-testid="delta-w"]').querySelector('rect.heatmap__cell').getAttribute('fill').startsWith('rgb')`) {
		t.Errorf("ΔW is not drawn as a heatmap")
	}
	b.screenshotOf("lab-optimizer-step.png", "[data-testid=\"inspector\"] .optim")
	b.checkAxe("the lab with an optimizer step", axe)

	b.do("phone screen", chromedp.EmulateViewport(phoneW, phoneH))
	b.do("inspector tab", chromedp.Click(chromedp.CSS(sel("lab-tab-inspector"))))
	b.do("show the button", chromedp.ScrollIntoView(chromedp.CSS(sel("optim-step"))))
	checkPhonePage(b, "/lab, inspector with an optimizer step", axe)
	b.checkClean()
}

// TestBrowserLessonOptimizerStep clicks "Take one optimizer step" in the
// MLP lesson's widget, which has stepped nothing yet: the step runs the
// whole run first and shows the first parameter's ΔW and W after, the
// numbers of the lesson's widget block built here and stepped once.
func TestBrowserLessonOptimizerStep(t *testing.T) {
	var w lesson.Widget
	for _, l := range loadLessons(t) {
		if l.Slug == "mlp" {
			w = l.Widgets[0]
		}
	}
	if w.Kind != "mlp" {
		t.Fatalf("the mlp lesson's first widget is %q, want an mlp", w.Kind)
	}
	k, _ := exhibit.KindOf(w.Kind)
	ex, e := k.Build(w.Options)
	if e != nil {
		t.Fatal(e)
	}
	want, e := ex.(exhibit.Optimizing).OptimizerStep("")
	if e != nil {
		t.Fatal(e)
	}

	b := newBrowser(t)
	root := openLesson(b, "mlp", w.ID)
	b.do("take an optimizer step", chromedp.Click(chromedp.CSS(root+` [data-testid="optim-step"]`)))
	status := pollJS[string](b, "the step's status", `(() => { const s = document.querySelector('`+root+` [data-testid="optim-status"]').textContent; return s.includes("t = 1,") ? s : null; })()`)
	if !strings.Contains(status, want.Param) || !strings.Contains(status, "ran it to the end first") {
		t.Errorf("the widget says %q, want a step of %s after running the backward pass", status, want.Param)
	}
	checkShown(t, "ΔW", readMap(b, "delta-w").numbers(t), want.Delta.Tensor)
	checkShown(t, "W after", readMap(b, "optim-after").numbers(t), want.After.Tensor)
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="inspector-name"]').textContent`); got != want.Param {
		t.Errorf("the widget's inspector shows %q after the step, want %s", got, want.Param)
	}
	b.checkClean()
}
