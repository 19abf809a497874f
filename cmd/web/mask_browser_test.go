package main

import (
	"fmt"
	"math"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"stepgraph/exhibit"
)

// TestBrowserLabMaskEdit blocks one mask cell of the default lab's
// attention with the forward pass done, by a click: that query's row of
// probabilities changes in every head on the page, sums to 1, is 0 at the
// blocked key, and equals what the engine computes for a lab built here
// with the same options and the same edit (never the page's own numbers).
// The other rows stay as they were, the preset reads "custom", the graph
// shows the edited-mask op, the arrow keys and Space edit a cell, and
// axe-core finds no violation with the editor on the page.
func TestBrowserLabMaskEdit(t *testing.T) {
	src := optionalAxe(t)
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 900))
	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	before := [2][][]float64{readMap(b, "attention-0-0-probs").numbers(t), readMap(b, "attention-0-1-probs").numbers(t)}

	const row, col = 3, 1
	b.do("block a cell", chromedp.ScrollIntoView(chromedp.CSS(sel(fmt.Sprintf("mask-cell-%d-%d", row, col)))),
		chromedp.Click(chromedp.CSS(sel(fmt.Sprintf("mask-cell-%d-%d", row, col)))))
	pollJS[bool](b, "the blocked cell", fmt.Sprintf(`document.querySelector('[data-testid="mask-cell-%d-%d"]')?.getAttribute("aria-pressed") === "true"`, row, col))

	// What the engine computes: a lab of the same options, run to the end,
	// with the same edit.
	kind, _ := exhibit.KindOf("lab")
	ex, e := kind.Build(nil)
	if e != nil {
		t.Fatal(e)
	}
	ex.Stepping().RunToEnd()
	if _, e := ex.(exhibit.MaskEditor).EditMask(exhibit.MaskEdit{Attention: "layers.0.attn", Row: row, Col: col}); e != nil {
		t.Fatal(e)
	}
	g := ex.Stepping().Graph()
	for h := range 2 {
		want := g.MustNode(fmt.Sprintf("layers.0.attn.head.%d.probs", h)).Value // [1, T, T]
		m := readMap(b, fmt.Sprintf("attention-0-%d-probs", h))
		got := m.numbers(t)
		for i := range labT {
			sum := 0.0
			for k := range labT {
				sum += got[i][k]
				// The page prints 4 significant digits: half a unit of the
				// 4th digit of a probability is at most 5e-4.
				if w := want.At(0, i, k); math.Abs(got[i][k]-w) > 5e-4 {
					t.Errorf("head %d probs[%d,%d] on the page = %v, the engine computes %v", h, i, k, got[i][k], w)
				}
				if i != row && got[i][k] != before[h][i][k] {
					t.Errorf("head %d probs[%d,%d] = %v, was %v: only row %d may change", h, i, k, got[i][k], before[h][i][k], row)
				}
			}
			if math.Abs(sum-1) > printedTol {
				t.Errorf("head %d row %d sums to %v on the page, want 1", h, i, sum)
			}
		}
		if got[row][col] != 0 || !m.Masked[row*labT+col] {
			t.Errorf("head %d probs[%d,%d] = %v (masked %v), want 0 and masked", h, row, col, got[row][col], m.Masked[row*labT+col])
		}
		changed := false
		for k := range labT {
			changed = changed || got[row][k] != before[h][row][k]
		}
		if !changed {
			t.Errorf("head %d row %d did not change", h, row)
		}
	}
	if p := eval[string](b, `document.querySelector('[data-testid="mask-preset"]').value`); p != "custom" {
		t.Errorf("mask preset reads %q after a cell edit, want custom", p)
	}
	if !eval[bool](b, `[...document.querySelectorAll('[data-testid="node-layers.0.attn.head.0.masked"] text')].some(t => t.textContent.includes("edited-mask"))`) {
		t.Errorf("the graph does not show the mask node as edited (op edited-mask)")
	}

	// The keyboard: focus a cell, move right, block it with Space.
	b.do("focus cell (5, 0)", chromedp.Focus(chromedp.CSS(sel("mask-cell-5-0"))), key(kb.ArrowRight))
	if f := focused(b); f != "mask-cell-5-1" {
		t.Fatalf("after → the focus is on %q, want mask-cell-5-1", f)
	}
	b.do("block with Space", chromedp.KeyEvent(" "))
	pollJS[bool](b, "cell (5, 1) blocked by the keyboard", `document.querySelector('[data-testid="mask-cell-5-1"]')?.getAttribute("aria-pressed") === "true"`)
	pollJS[bool](b, "the focus kept on the cell", `document.activeElement?.dataset?.testid === "mask-cell-5-1"`)

	// A preset: padding 4 blocks the last two keys of every query.
	b.do("choose padding", chromedp.SetValue(chromedp.CSS(sel("mask-length")), "4"),
		chromedp.SetValue(chromedp.CSS(sel("mask-preset")), "padding"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="mask-preset"]').dispatchEvent(new Event("change"))`))
	pollJS[bool](b, "padding 4", `document.querySelector('[data-testid="mask-editor"]')?.dataset.preset === "padding" && document.querySelector('[data-testid="mask-cell-0-4"]').getAttribute("aria-pressed") === "true" && document.querySelector('[data-testid="mask-cell-5-3"]').getAttribute("aria-pressed") === "false"`)

	b.checkAxe("/lab with an edited mask", src)
	b.screenshotOf("lab-mask.png", sel("mask-editor"))
	b.checkClean()
}

// TestBrowserLessonMaskEditor checks the attention lesson's widget with
// the mask editor: it shows the causal preset, and a padding preset
// changes the grid.
func TestBrowserLessonMaskEditor(t *testing.T) {
	b := newBrowser(t)
	var w string
	for _, l := range loadLessons(t) {
		if l.Slug != "attention" {
			continue
		}
		for _, x := range l.Widgets {
			if x.Options["mask"] == "edit" {
				w = x.ID
			}
		}
	}
	if w == "" {
		t.Fatal("the attention lesson has no widget with the mask editor")
	}
	root := widgetSel(w)
	b.do("open the lesson", chromedp.Navigate(b.base+"/lessons/attention"),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="mask-editor"]`)))
	if p := eval[string](b, `document.querySelector('`+root+` [data-testid="mask-preset"]').value`); p != "causal" {
		t.Errorf("the decoder's mask preset reads %q, want causal", p)
	}
	b.do("choose none", chromedp.SetValue(chromedp.CSS(root+` [data-testid="mask-preset"]`), "none"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+root+` [data-testid="mask-preset"]').dispatchEvent(new Event("change"))`))
	pollJS[bool](b, "no mask", `(() => { const e = document.querySelector('`+root+` [data-testid="mask-editor"]'); return e.dataset.preset === "none" && e.dataset.edited === "true" && !e.querySelector('[aria-pressed="true"]'); })()`)
	b.checkClean()
}
