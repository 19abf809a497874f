package main

import (
	"math"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// TestBrowserCNNSlide steps the cnn lesson widget to its first
// convolution and checks the kernel slide: the multiply-add shown for an
// output cell has one term per kernel weight and sums to the value the
// engine computes for that cell (the same exhibit, built and stepped in
// Go); Next cell moves the window to the next cell; Play animates it.
func TestBrowserCNNSlide(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "cnn")
	kind, _ := exhibit.KindOf("cnn")
	ex, e := kind.Build(w.Options)
	if e != nil {
		t.Fatal(e)
	}
	ex.Stepping().Next(1)
	conv := ex.Stepping().Graph().MustNode("convs.0.conv").Value // [1, C, H', W']
	k := exhibit.CNNSizes(ex.Values())[0].Kernel
	b.do("step to the first convolution",
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="cnn-slide"] [data-testid="slide-sum"]`)))
	check := func(r, c int) {
		t.Helper()
		cell := eval[[]string](b, `(() => { const e = document.querySelector('`+root+` [data-testid="slide-cell"]'); return [e.dataset.r, e.dataset.c]; })()`)
		if cell[0] != strconv.Itoa(r) || cell[1] != strconv.Itoa(c) {
			t.Fatalf("the slide shows cell %v, want (%d, %d)", cell, r, c)
		}
		sum := eval[float64](b, `+document.querySelector('`+root+` [data-testid="slide-sum"]').dataset.value`)
		// Six significant digits on the wire: 1e-5 relative.
		if want := conv.At(0, 0, r, c); math.Abs(sum-want) > 1e-5*math.Abs(want)+1e-9 {
			t.Errorf("cell (%d, %d): the multiply-add shown sums to %v, the engine's convs.0.conv holds %v", r, c, sum, want)
		}
		if n := eval[int](b, `document.querySelectorAll('`+root+` [data-testid="slide-terms"] li').length`); n != k*k {
			t.Errorf("cell (%d, %d): %d terms shown, want k² = %d", r, c, n, k*k)
		}
	}
	check(0, 0)
	b.do("next cell", chromedp.Click(chromedp.CSS(root+` [data-testid="slide-next"]`)))
	check(0, 1)
	b.do("play", chromedp.Click(chromedp.CSS(root+` [data-testid="slide-play"]`)))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`+document.querySelector('`+root+` [data-testid="slide-cell"]').dataset.c >= 3`)); err != nil {
		t.Fatalf("playing did not move the window: %v", err)
	}
	b.do("pause", chromedp.Click(chromedp.CSS(root+` [data-testid="slide-play"]`)))
	b.shootWidget("cnn-slide.png", root)
	b.checkClean()
}
