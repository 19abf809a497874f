package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/engine/data"
)

// TestBrowserCNNWidget opens the first lesson with a cnn widget, steps to
// the first convolution and checks that each of its channels shows as a
// heatmap, runs the timeline and checks the class probabilities, then
// steps to the next training image.
func TestBrowserCNNWidget(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "cnn")
	b.do("wait for the image",
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="cnn-image"]`)),
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)))

	// The widget's documented defaults: 4 channels, bars.
	channels, err := strconv.Atoi(strings.Split(cmpOr(w.Options["channels"], "4"), ",")[0])
	if err != nil {
		t.Fatal(err)
	}
	images, err := data.Images(cmpOr(w.Options["data"], "bars"), 1, data.MinImageSize, 0, 1)
	if err != nil {
		t.Fatal(err)
	}

	b.do("step to the first convolution",
		chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="cnn-channels"] .heatmap`)))
	maps := root + ` [data-testid="cnn-channels"]`
	if n := eval[int](b, `document.querySelectorAll('`+maps+` .heatmap').length`); n != channels {
		t.Errorf("%d feature maps after one step, want %d (one per channel of convs.0.conv)", n, channels)
	}
	if title := eval[string](b, `document.querySelector('`+maps+` .cnn-maps__title').textContent`); !strings.HasPrefix(title, "convs.0.conv:") {
		t.Errorf("feature maps title = %q, want it to name convs.0.conv", title)
	}

	b.do("run the timeline",
		chromedp.Click(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="cnn-probs"]`)))
	probs := eval[[]float64](b, `[...document.querySelectorAll('`+root+` [data-testid="cnn-probs"] meter')].map(m => m.value)`)
	sum := 0.0
	for _, p := range probs {
		sum += p
	}
	// The meters hold the server's float64 probabilities; six or fewer
	// terms add with rounding far below 1e-9.
	if len(probs) != images.Classes || math.Abs(sum-1) > 1e-9 {
		t.Errorf("class probabilities %v (sum %v), want %d summing to 1", probs, sum, images.Classes)
	}

	b.do("step to the next image", chromedp.Click(chromedp.CSS(root+` [data-testid="image-next"]`)))
	title, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => { const t = document.querySelector('`+root+` [data-testid="cnn-image"] .heatmap__title').textContent; return t.startsWith("Image 1:") ? t : ""; })()`))
	if err != nil {
		t.Fatalf("the image did not change: %v", err)
	}
	if cursor := eval[string](b, `document.querySelector('`+root+` [data-testid="cursor"]').textContent`); !strings.HasPrefix(cursor, "Step 0 of ") {
		t.Errorf("after %q the cursor reads %q, want the start of the run", title, cursor)
	}
	b.shootWidget("cnn-widget.png", root)
	b.checkClean()
}

// TestBrowserMLPRegions opens the MLP lesson and checks that its widget
// shows the decision regions, drawn on the server, as an image.
func TestBrowserMLPRegions(t *testing.T) {
	b := newBrowser(t)
	var slug, id string
	for _, l := range loadLessons(t) {
		for _, w := range l.Widgets {
			if slug == "" && w.Kind == "mlp" && w.Options["data"] == "spiral" {
				slug, id = l.Slug, w.ID
			}
		}
	}
	if slug == "" {
		t.Fatal("no lesson has an mlp widget on the spiral")
	}
	root := openLesson(b, slug, id)
	waitChart(b, root, "regions")
	b.shootWidget("mlp-regions.png", root)
	b.checkClean()
}
