package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// wireMetrics is the part of a metrics message the training tests read.
type wireMetrics struct {
	Step    int                `json:"step"`
	RunEnd  int                `json:"runEnd"`
	Running bool               `json:"running"`
	Values  map[string]float64 `json:"values"`
}

// metricsSince returns the metrics messages of widget since frame from.
func metricsSince(b *browser, from int, widget string) []wireMetrics {
	b.t.Helper()
	var out []wireMetrics
	for _, m := range b.wire(from, "metrics") {
		if m.Widget != widget {
			continue
		}
		var x wireMetrics
		m.decode(b, &x)
		out = append(out, x)
	}
	return out
}

// waitMetrics waits for a metrics message of widget since frame from for
// which ok holds.
func waitMetrics(b *browser, what string, from int, widget string, ok func(wireMetrics) bool) wireMetrics {
	b.t.Helper()
	var x wireMetrics
	b.waitWire(what, from, "metrics", func(m wireMsg) bool {
		if m.Widget != widget {
			return false
		}
		m.decode(b, &x)
		return ok(x)
	})
	return x
}

// chooseIn sets the select or field with data-testid id inside root to
// value and fires its change event, as a learner's pick does.
func chooseIn(b *browser, root, id, value string) {
	b.t.Helper()
	field := strings.TrimSpace(root + ` [data-testid="` + id + `"]`)
	b.do("set "+id+" to "+value, chromedp.SetValue(chromedp.CSS(field), value),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+field+`').dispatchEvent(new Event("change", {bubbles: true}))`))
}

// watchSteps records every number the training card's step counter shows
// inside root, with the time it showed it, in window.__shownSteps.
func watchSteps(b *browser, root string) {
	b.t.Helper()
	eval[chromedp.Void](b, `(() => {
		const dd = document.querySelector('`+strings.TrimSpace(root+` [data-metric="step"]`)+`');
		window.__shownSteps = [];
		new MutationObserver(() => window.__shownSteps.push([dd.textContent, performance.now()])).observe(dd, {childList: true, characterData: true, subtree: true});
	})()`)
}

// TestBrowserLabWatchTraining trains the Lab at 1 step a second for a
// budget of 40 steps, from a cursor in the middle of the forward pass:
// the step counter shows every step, one more with each metrics message
// (the time each took is logged, not checked), and the run's progress
// says the server's runEnd. Pausing leaves the cursor where it was before
// training, with the attention maps the server computed shown; Resume
// carries on the same run, a new speed while it trains is sent at once
// (full speed: the steps then come five to a chunk), and the run stops by
// itself at its end.
func TestBrowserLabWatchTraining(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	from := b.wireMark()
	stepUntil(b, "step forward", chromedp.Click(chromedp.CSS(sel("step-forward"))), "layers.0.attn.head.1.probs", 200)
	var before wireNode
	b.sync() // every frame the page has read is recorded
	for _, m := range b.wire(from, "node") {
		m.decode(b, &before)
	}
	k := before.Step.Index

	chooseIn(b, "", "train-rate", "1")
	setTrainSteps(b, "", 40)
	watchSteps(b, "")
	from = b.wireMark()
	b.do("train", chromedp.Click(chromedp.CSS(sel("train"))))
	waitMetrics(b, "four steps at 1 a second", from, "lab", func(m wireMetrics) bool { return m.Step >= 4 })
	shown := pollJS[[][]any](b, "four steps shown", `window.__shownSteps.length >= 4 ? window.__shownSteps : null`)
	b.sync()
	wire := metricsSince(b, from, "lab")
	var seen []int
	for i, s := range shown {
		n, err := strconv.Atoi(s[0].(string))
		if err != nil {
			t.Fatalf("the step counter shows %q", s[0])
		}
		seen = append(seen, n)
		if i > 0 {
			t.Logf("step %d shown %.0f ms after step %d", n, s[1].(float64)-shown[i-1][1].(float64), seen[i-1])
		}
	}
	for i := range seen {
		if want := i + 1; seen[i] != want {
			t.Errorf("at 1 step a second the counter showed %v, want 1, 2, 3, ... (one step per metrics message)", seen)
			break
		}
	}
	for i, m := range wire {
		if m.Step != i+1 || m.RunEnd != 40 || !m.Running {
			t.Errorf("metrics message %d after Train: step %d of run end %d (running %v), want step %d of 40", i, m.Step, m.RunEnd, m.Running, i+1)
		}
	}
	last := wire[len(wire)-1]
	pollJS[bool](b, "the run's progress", fmt.Sprintf(`(() => { const p = document.querySelector('[data-testid="train-progress"]'); return Number(p.dataset.step) >= %d && p.textContent.endsWith(" / %d"); })()`, last.Step, last.RunEnd))
	// The stepped view follows: the server replays the cursor's run with
	// the trained weights after every step, and the page shows its node.
	var during wireNode
	b.waitWire("a node message while training", from, "node", nil).decode(b, &during)
	if during.Step.Index != k {
		t.Errorf("while training the server's cursor is at %d, want %d", during.Step.Index, k)
	}
	if c := readCursor(b); c.Index != k {
		t.Errorf("while training the page's cursor is at %d, want %d", c.Index, k)
	}

	// Pause: the cursor stays; the maps of the trained weights are shown.
	from = b.wireMark()
	b.do("pause", chromedp.Click(chromedp.CSS(sel("train"))))
	paused := waitMetrics(b, "paused", from, "lab", func(m wireMetrics) bool { return !m.Running })
	att := b.waitWire("the maps after the pause", from, "attention", nil)
	var maps wireAttention
	att.decode(b, &maps)
	computed := 0
	for _, h := range maps.Layers[0].Heads {
		if string(h.Probs) != "null" && len(h.Probs) > 0 {
			computed++
		}
	}
	pollJS[bool](b, "the paused view", fmt.Sprintf(`Number(document.querySelector('[data-testid="cursor"]').dataset.index) === %d && document.querySelectorAll('[data-testid="attention"] .attn-card [data-testid$="-probs"]').length === %d && !document.querySelector('[data-testid="attention"] .attn-card.is-pending')`, k, computed))
	if computed != len(maps.Layers[0].Heads) {
		t.Errorf("after the pause the server sends %d of %d heads computed at step %d", computed, len(maps.Layers[0].Heads), k)
	}
	if !eval[bool](b, `!document.querySelector('[data-testid="resume"]').hidden && document.querySelector('[data-testid="train"]').textContent === "Train"`) {
		t.Errorf("a paused run offers no Resume")
	}
	b.screenshot("lab-paused.png")

	// Resume: the same run goes on; a new speed is sent at once.
	from = b.wireMark()
	b.do("resume", chromedp.Click(chromedp.CSS(sel("resume"))))
	resumed := waitMetrics(b, "resumed", from, "lab", func(m wireMetrics) bool { return m.Running && m.Step > paused.Step })
	if resumed.RunEnd != 40 {
		t.Errorf("Resume made a run that ends at %d, want the paused one's 40", resumed.RunEnd)
	}
	chooseIn(b, "", "train-rate", "0")
	fast := waitMetrics(b, "full speed", from, "lab", func(m wireMetrics) bool { return !m.Running || m.Step-resumed.Step > 1 })
	end := waitMetrics(b, "the run's end", from, "lab", func(m wireMetrics) bool { return !m.Running })
	if end.Step != 40 {
		t.Errorf("the run stopped at step %d (after %d at full speed), want its end 40", end.Step, fast.Step)
	}
	pollJS[bool](b, "the end shown", `document.querySelector('[data-testid="train"]').textContent === "Train" && document.querySelector('[data-testid="resume"]').hidden && document.querySelector('[data-testid="train-progress"]').textContent === "step 40 / 40"`)
	if c := readCursor(b); c.Index != k {
		t.Errorf("after the run the cursor is at %d, want %d", c.Index, k)
	}
	b.checkClean()
}

// setTrainSteps types a step budget into the training card inside root.
func setTrainSteps(b *browser, root string, steps int) {
	b.t.Helper()
	field := strings.TrimSpace(root + ` [data-testid="train-steps"]`)
	b.do("a budget of "+strconv.Itoa(steps), chromedp.SetValue(chromedp.CSS(field), strconv.Itoa(steps)))
}

// TestBrowserAttentionWidgetTraining trains the attention lesson's widget
// from the end of its timeline for a budget of 300 steps: the loss it
// shows is the server's (it once printed 0.000 for a loss below 5e-4), the
// loss chart comes, and after the run the cursor and the maps are where
// they were.
func TestBrowserAttentionWidgetTraining(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "attention")
	b.do("run the timeline", chromedp.ScrollIntoView(chromedp.CSS(root)),
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="run"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` .attn-head .heatmap`)))
	end := eval[int](b, `Number(document.querySelector('`+root+` [data-testid="cursor"]').dataset.index)`)
	heads := eval[int](b, `document.querySelectorAll('`+root+` .attn-head .heatmap').length`)

	setTrainSteps(b, root, 300)
	from := b.wireMark()
	b.do("train", chromedp.Click(chromedp.CSS(root+` [data-testid="train"]`)))
	last := waitMetrics(b, "the end of the run", from, w.ID, func(m wireMetrics) bool { return !m.Running && m.Step > 0 })
	if last.Step != 300 || last.RunEnd != 300 {
		t.Errorf("the run ended at step %d of %d, want 300 of 300", last.Step, last.RunEnd)
	}
	loss := last.Values["loss"]
	shown := pollJS[string](b, "the loss shown", `(() => { const d = document.querySelector('`+root+` [data-metric="loss"]'); return document.querySelector('`+root+` [data-testid="train"]').textContent === "Train" && Number(document.querySelector('`+root+` [data-metric="step"]').dataset.value) === 300 ? d.textContent : ""; })()`)
	got, err := strconv.ParseFloat(shown, 64)
	if err != nil || loss <= 0 || math.Abs(got-loss) > 5e-4*loss {
		t.Errorf("the widget shows the loss %q, want the server's %v to 4 digits", shown, loss)
	}
	waitChart(b, root, "loss")
	pollJS[bool](b, "the view after training", fmt.Sprintf(`Number(document.querySelector('%s [data-testid="cursor"]').dataset.index) === %d && document.querySelectorAll('%s .attn-head .heatmap').length === %d`, root, end, root, heads))
	b.shootWidget("attention-trained.png", root)
	b.checkClean()
}

// box is an element's rectangle on screen: [left, top, right, bottom].
type box []float64

const boxJS = `((sel) => { const e = document.querySelector(sel); if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })`

// TestBrowserLabChart trains the Lab on a laptop screen until the server's
// loss chart comes: the chart shows at least 320 pixels wide (the server
// draws 360; it was once squeezed to 227), all of it on the screen without
// scrolling the page, and its Enlarge button opens it larger in a dialog.
func TestBrowserLabChart(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	from := b.wireMark()
	b.do("train", chromedp.Click(chromedp.CSS(sel("train"))))
	var p struct{ Name, SVG string }
	b.waitWire("the loss chart", from, "plot", func(m wireMsg) bool { m.decode(b, &p); return p.Name == "loss" && p.SVG != "" })
	if !strings.Contains(p.SVG, `width="360"`) {
		t.Fatalf("the server's loss chart is not 360 wide: %.200s", p.SVG)
	}
	b.do("pause", chromedp.Click(chromedp.CSS(sel("train"))))
	pollJS[bool](b, "the chart loads", `(() => { const i = document.querySelector('[data-testid="plot-loss"]'); return !!i && i.complete && i.naturalWidth > 0 && document.querySelector('[data-testid="train"]').getAttribute('aria-pressed') === 'false'; })()`)
	// The page scrolls its side column to the card when the first chart comes.
	r := pollJS[box](b, "the chart in view", `(() => { const r = `+boxJS+`('[data-testid="plot-loss"]'); return r && r[1] >= 0 && r[3] <= innerHeight ? r : null; })()`)
	if w := r[2] - r[0]; w < 320 {
		t.Errorf("the loss chart is %.0f pixels wide, want at least 320", w)
	}
	if r[0] < 0 || r[2] > 1280 || r[1] < 0 || r[3] > 800 {
		t.Errorf("the loss chart spans %v, want it inside the 1280×800 screen", r)
	}
	if y := eval[float64](b, `scrollY`); y != 0 {
		t.Errorf("the page scrolled by %v pixels to show the chart", y)
	}
	b.screenshot("lab-chart.png")

	b.do("enlarge", chromedp.Click(chromedp.CSS(sel("expand-loss"))))
	big := pollJS[box](b, "the large chart", `(() => { const d = document.querySelector('[data-testid="chart-dialog"]'); const i = document.querySelector('[data-testid="plot-loss-large"]'); return d && d.open && i && i.complete && i.naturalWidth > 0 ? `+boxJS+`('[data-testid="plot-loss-large"]') : null; })()`)
	if bw, w := big[2]-big[0], r[2]-r[0]; bw <= w*1.5 {
		t.Errorf("the enlarged chart is %.0f pixels wide, want well over the card's %.0f", bw, w)
	}
	b.screenshot("lab-chart-large.png")
	b.do("close", chromedp.Click(chromedp.CSS(sel("chart-close"))))
	pollJS[bool](b, "the dialog closes", `!document.querySelector('[data-testid="chart-dialog"]').open`)
	b.checkClean()
}
