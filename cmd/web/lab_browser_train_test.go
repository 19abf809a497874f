package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// metricsShown reads the training numbers the page shows.
type metricsShown struct {
	Step     float64 `json:"step"`
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	Plots    int     `json:"plots"`
	Samples  int     `json:"samples"`
	Training bool    `json:"training"`
}

const metricsJS = `(() => {
	const v = (k) => Number(document.querySelector('[data-metric="' + k + '"]').dataset.value);
	const p = document.querySelector('[data-testid="loss-plot"]');
	return {step: v("step"), loss: v("loss"), accuracy: v("accuracy"), plots: Number(p.dataset.updates || 0),
		samples: document.querySelectorAll('[data-testid="samples"] tbody tr').length,
		training: document.querySelector('[data-testid="train"]').getAttribute('aria-pressed') === 'true'};
})()`

// untrained waits for the numbers of the untrained model (step 0: the
// loss of the held-out samples), which the page shows before training.
func untrained(b *browser) metricsShown {
	b.t.Helper()
	return pollJS[metricsShown](b, "the untrained model's metrics", `(() => { const m = `+metricsJS+`; return m.step === 0 && m.loss > 0 ? m : null; })()`)
}

// trainFor waits while the model trains until the page shows at least
// steps training steps, and returns the numbers then.
func trainFor(b *browser, steps int) metricsShown {
	b.t.Helper()
	return pollJS[metricsShown](b, fmt.Sprintf("%d training steps", steps), fmt.Sprintf(`(() => { const m = %s; return m.step >= %d ? m : null; })()`, metricsJS, steps))
}

// checkLossFell checks that training brought the loss below the
// untrained model's.
func checkLossFell(t *testing.T, before, after metricsShown) {
	t.Helper()
	if !(after.Loss < before.Loss) {
		t.Errorf("loss after %v training steps = %v, want below the untrained model's %v", after.Step, after.Loss, before.Loss)
	}
}

// TestBrowserLabTraining trains the default model from the page for a
// few hundred steps: the loss falls, the server's chart updates, samples
// show, and stepping answers while the model trains.
func TestBrowserLabTraining(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	before := untrained(b)
	b.do("train", chromedp.Click(chromedp.CSS(sel("train"))))
	pollJS[bool](b, "training starts", `document.querySelector('[data-testid="train"]').getAttribute('aria-pressed') === 'true'`)

	// Stepping stays responsive meanwhile.
	if c := press(b, "step while training", chromedp.Click(chromedp.CSS(sel("step-forward")))); c.Index != 1 {
		t.Errorf("a step while training moved the cursor to %d, want 1", c.Index)
	}

	last := trainFor(b, 300)
	checkLossFell(t, before, last)
	pollJS[bool](b, "the loss chart loads", `(() => { const i = document.querySelector('[data-testid="plot-loss"]'); return !!i && i.complete && i.naturalWidth > 0 && Number(document.querySelector('[data-testid="loss-plot"]').dataset.updates) >= 2; })()`)
	if last.Samples == 0 {
		t.Errorf("no sample predictions shown after %v training steps", last.Step)
	}
	b.screenshot("lab-training.png")

	b.do("pause", chromedp.Click(chromedp.CSS(sel("train"))))
	pollJS[bool](b, "training pauses", `(() => { const t = document.querySelector('[data-testid="train"]'); return t.textContent === "Train" && t.getAttribute('aria-pressed') === 'false'; })()`)
	b.checkClean()
}

// key presses one key (as chromedp's kb names it) and nothing else.
func key(k string, mods ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	if len(mods) > 0 {
		return chromedp.KeyEvent(k, chromedp.KeyModifiers(mods...))
	}
	return chromedp.KeyEvent(k)
}

// focused returns the data-testid of the focused element.
func focused(b *browser) string {
	b.t.Helper()
	return eval[string](b, `document.activeElement ? (document.activeElement.dataset.testid || document.activeElement.tagName) : ""`)
}

// TestBrowserLabKeyboard does what the other lab tests do with key events
// only (and the reload, which is the browser's): step forward to the
// attention probabilities, backward to a parameter's gradient, find
// nodes, change the heads, run to the end, reload, reset, play and pause.
// TestBrowserLabKeyboardTraining trains.
func TestBrowserLabKeyboard(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")

	probs := "layers.0.attn.head.0.probs"
	stepUntil(b, "→", key(kb.ArrowRight), probs, 200)
	checkCausalProbs(t, "inspector value", readMap(b, "inspector-value"))
	checkCausalProbs(t, "attention panel, layer 0 head 0", readMap(b, "attention-0-0-probs"))
	before := readCursor(b).Index
	if c := press(b, "shift →", key(kb.ArrowRight, chromedp.ModifierShift)); c.Index != before+10 {
		t.Errorf("shift → moved the cursor from %d to %d, want %d", before, c.Index, before+10)
	}
	if c := press(b, "←", key(kb.ArrowLeft)); c.Index != before+9 {
		t.Errorf("← moved the cursor to %d, want %d", c.Index, before+9)
	}

	hasGrad := false
	for range 200 {
		press(b, "B", key("b"))
		if hasGrad = eval[bool](b, `document.querySelector('[data-testid="node-head.b"]').classList.contains('has-grad')`); hasGrad {
			break
		}
	}
	if !hasGrad {
		t.Fatalf("200 presses of B did not give head.b a gradient")
	}
	if c := readCursor(b); c.Phase != "backward" {
		t.Fatalf("after B the phase is %q, want backward", c.Phase)
	}

	// "/" goes to the search; Enter inspects; Escape leaves the field.
	search := func(node string) {
		b.do("/ "+node, key("/"))
		if f := focused(b); f != "graph-search" {
			t.Fatalf("/ focused %q, want the graph's search", f)
		}
		b.do("type "+node, key("a", chromedp.ModifierCtrl), key(node+kb.Enter))
		waitInspector(b, node)
		b.do("leave the search", key(kb.Escape))
	}
	search("logits")
	dLogits := readMap(b, "inspector-grad").numbers(t)
	search("head.b")
	checkBiasGrad(t, dLogits, readMap(b, "inspector-grad").numbers(t))

	// M goes to the model's first field; Tab walks the form to heads.
	b.do("M", key("m"))
	for range 4 {
		b.do("tab", key(kb.Tab))
	}
	if f := focused(b); f != "hyper-heads" {
		t.Fatalf("M then four tabs focused %q, want hyper-heads", f)
	}
	b.do("type 4 heads", key("a", chromedp.ModifierCtrl), key("4"+kb.Enter), key(kb.Escape))
	pollJS[bool](b, "four heads", `!!document.querySelector('[data-testid="node-layers.0.attn.head.3.probs"]')`)
	b.do("E", key("e"))
	waitHeads(b, 4)
	b.screenshot("lab-keyboard.png")

	// The reload keeps the four heads and the cursor at the end.
	end := readCursor(b).Index
	// The page writes the address a moment after a change (it gathers a
	// burst of steps into one update): wait for it, as a learner copying
	// the link would see it, before reloading.
	pollJS[bool](b, "the state in the URL", fmt.Sprintf(`location.search.includes('heads=4') && location.search.includes('step=%d')`, end))
	b.do("reload", chromedp.Reload())
	waitLab(b)
	waitHeads(b, 4)
	if c := readCursor(b); c.Index != end {
		t.Errorf("cursor after the reload = %d, want %d", c.Index, end)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="hyper-heads"]').value`); got != "4" {
		t.Errorf("heads field after the reload = %q, want 4", got)
	}

	// R resets; Space plays until Space pauses.
	if c := press(b, "R", key("r")); c.Index != 0 {
		t.Errorf("R moved the cursor to %d, want 0", c.Index)
	}
	b.do("space", key(" "))
	pollJS[bool](b, "playing", `document.querySelector('[data-testid="play"]').getAttribute('aria-pressed') === 'true' && Number(document.querySelector('[data-testid="cursor"]').dataset.index) >= 3`)
	b.do("space again", key(" "))
	pollJS[bool](b, "paused", `document.querySelector('[data-testid="play"]').getAttribute('aria-pressed') === 'false'`)
	b.checkClean()
}

// TestBrowserLabKeyboardTraining trains with T and pauses with T again,
// stepping with → meanwhile: the keyboard half of TestBrowserLabTraining
// (apart from TestBrowserLabKeyboard, so that each stays well inside the
// browser tests' deadline under -race).
func TestBrowserLabKeyboardTraining(t *testing.T) {
	b := newBrowser(t)
	openLab(b, "")
	before := untrained(b)
	b.do("T", key("t"))
	pollJS[bool](b, "training starts", `document.querySelector('[data-testid="train"]').getAttribute('aria-pressed') === 'true'`)
	if c := press(b, "→ while training", key(kb.ArrowRight)); c.Index != 1 {
		t.Errorf("→ while training moved the cursor to %d, want 1", c.Index)
	}
	checkLossFell(t, before, trainFor(b, 300))
	b.do("T again", key("t"))
	pollJS[bool](b, "training pauses", `document.querySelector('[data-testid="train"]').getAttribute('aria-pressed') === 'false'`)
	b.checkClean()
}
