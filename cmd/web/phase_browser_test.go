package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// wireNode is the part of the server's node message the phase tests read.
type wireNode struct {
	Step struct {
		Index int    `json:"index"`
		Total int    `json:"total"`
		Phase string `json:"phase"`
		Done  bool   `json:"done"`
		Node  int    `json:"node"`
		Seed  bool   `json:"seed"`
	} `json:"step"`
	Node *struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		Kind      string `json:"kind"`
		Computed  bool   `json:"computed"`
		GradKnown bool   `json:"gradKnown"`
		Grad      *struct {
			Data []float64 `json:"data"`
		} `json:"grad"`
	} `json:"node"`
}

// wireGraph is the part of the server's graph message the tests read.
type wireGraph struct {
	Steps  int     `json:"steps"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Nodes  []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
		Kind string `json:"kind"`
	} `json:"nodes"`
}

// ops returns the graph's op nodes (the loss among them) and its loss.
func (g wireGraph) ops() (n int, loss string) {
	for _, x := range g.Nodes {
		if x.Kind == "op" || x.Kind == "loss" {
			n++
		}
		if x.Kind == "loss" {
			loss = x.Name
		}
	}
	return n, loss
}

// shownStep is what the page shows of the cursor: the stepper bar's phase
// (its text and data-step), the cursor's text, the timeline's forward part
// (--split), and the inspector's node, gradient chip and gradient map.
type shownStep struct {
	Phase    string   `json:"phase"`
	Step     int      `json:"step"`
	Text     string   `json:"text"`
	Split    string   `json:"split"`
	Name     string   `json:"name"`
	Chip     string   `json:"chip"`
	ChipText string   `json:"chipText"`
	Grad     []string `json:"grad"`
}

// shownStepJS reads a shownStep inside the element %[1]s.
const shownStepJS = `(() => {
	const q = (id) => document.querySelector('%[1]s [data-testid="' + id + '"]');
	const p = q("phase"), chip = q("chip-grad"), name = q("inspector-name"), grad = q("inspector-grad");
	return {phase: p.textContent, step: Number(p.dataset.step), text: q("cursor").textContent,
		split: getComputedStyle(document.querySelector('%[1]s .timeline')).getPropertyValue('--split').trim(),
		name: name ? name.textContent : "", chip: chip ? chip.dataset.state : "", chipText: chip ? chip.textContent : "",
		grad: grad ? [...grad.querySelectorAll('tbody td')].map(td => td.textContent) : []};
})()`

// checkStep compares what the page shows with the server's node message.
func checkStep(t *testing.T, where string, got shownStep, want wireNode) {
	t.Helper()
	st := want.Step
	if got.Phase != st.Phase || got.Step != st.Index {
		t.Errorf("%s: the phase shows %q at data-step %d, want the server's %q at %d", where, got.Phase, got.Step, st.Phase, st.Index)
	}
	pass := st.Phase + " pass"
	if st.Done {
		pass = "done"
	}
	if !strings.HasPrefix(got.Text, fmt.Sprintf("Step %d of %d", st.Index, st.Total)) || (st.Index > 0 && !strings.Contains(got.Text, " · "+pass+" · ")) {
		t.Errorf("%s: the cursor reads %q, want step %d of %d in the %s", where, got.Text, st.Index, st.Total, pass)
	}
	if want.Node == nil {
		return
	}
	chip := "none"
	switch {
	case want.Node.GradKnown:
		chip = "complete"
	case want.Node.Grad != nil:
		chip = "pending"
	}
	if got.Name != want.Node.Name || got.Chip != chip || !strings.Contains(got.ChipText, chip) && chip != "none" {
		t.Errorf("%s: the inspector shows %s with the gradient chip %s (%q), want %s with %s", where, got.Name, got.Chip, got.ChipText, want.Node.Name, chip)
	}
}

// lossGrad reads the one number the inspector shows of the loss's gradient.
func lossGrad(t *testing.T, where string, s shownStep) float64 {
	t.Helper()
	if len(s.Grad) != 1 {
		t.Fatalf("%s: the inspector shows %d numbers of ∂L/∂L, want 1", where, len(s.Grad))
	}
	v, err := strconv.ParseFloat(s.Grad[0], 64)
	if err != nil {
		t.Fatalf("%s: ∂L/∂L shows %q: %v", where, s.Grad[0], err)
	}
	return v
}

// checkSeed checks the page at the end of the forward pass (step n, the
// loss just computed) and at the seed (step n+1) against the server's node
// messages: the phase, the step, the cursor's words, the loss's gradient
// chip and ∂L/∂L, and the timeline's forward part, n of 2n+1 steps.
func checkSeed(t *testing.T, who string, g wireGraph, atLoss, atSeed wireNode, loss, seed shownStep) {
	t.Helper()
	n, lossName := g.ops()
	if g.Steps != 2*n+1 {
		t.Fatalf("%s: the server's timeline has %d steps for %d op nodes, want 2n+1", who, g.Steps, n)
	}
	if atLoss.Step.Index != n || atLoss.Step.Phase != "forward" || atLoss.Node == nil || atLoss.Node.Name != lossName || atLoss.Node.GradKnown {
		t.Fatalf("%s: the server's node message at step %d is not the loss computed in the forward pass: %+v", who, n, atLoss.Step)
	}
	if atSeed.Step.Index != n+1 || atSeed.Step.Phase != "backward" || !atSeed.Step.Seed || atSeed.Node == nil || atSeed.Node.Name != lossName || !atSeed.Node.GradKnown {
		t.Fatalf("%s: the server's node message at step %d is not the seed: %+v", who, n+1, atSeed.Step)
	}
	checkStep(t, who+" at the loss", loss, atLoss)
	checkStep(t, who+" at the seed", seed, atSeed)
	if loss.Phase != "forward" || loss.Chip != "pending" {
		t.Errorf("%s at the loss: phase %q, gradient chip %q, want forward and pending", who, loss.Phase, loss.Chip)
	}
	// ∂L/∂L is 0 until the seed sets it: the server's numbers, as printed.
	if got, want := lossGrad(t, who+" at the loss", loss), atLoss.Node.Grad.Data[0]; got != want || want != 0 {
		t.Errorf("%s at the loss: ∂L/∂L shows %v, want the server's %v (0)", who, got, want)
	}
	if seed.Phase != "backward" || seed.Chip != "complete" || !strings.HasSuffix(seed.Text, "seed ∂L/∂L = 1") {
		t.Errorf("%s at the seed: phase %q, chip %q, cursor %q, want backward, complete and the seed named", who, seed.Phase, seed.Chip, seed.Text)
	}
	if got, want := lossGrad(t, who+" at the seed", seed), atSeed.Node.Grad.Data[0]; got != want || want != 1 {
		t.Errorf("%s at the seed: ∂L/∂L shows %v, want the server's %v (1)", who, got, want)
	}
	split, err := strconv.ParseFloat(strings.TrimSuffix(loss.Split, "%"), 64)
	if want := 100 * float64(n) / float64(g.Steps); err != nil || math.Abs(split-want) > 1e-6 {
		t.Errorf("%s: the timeline's forward part is %q, want %v%% (%d of %d steps)", who, loss.Split, want, n, g.Steps)
	}
}

// TestBrowserLabSeedStep opens the Lab at the last step of the forward
// pass, the loss, and steps once to the seed: the phase, the cursor's
// text, the inspector's chips and ∂L/∂L, and the timeline agree with the
// server's node messages at both.
func TestBrowserLabSeedStep(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	var g wireGraph
	b.waitWire("the graph", 0, "graph", nil).decode(b, &g)
	n, _ := g.ops()

	from := b.wireMark()
	openLab(b, fmt.Sprintf("?step=%d", n))
	var atLoss wireNode
	b.waitWire("the loss's step", from, "node", func(m wireMsg) bool { m.decode(b, &atLoss); return atLoss.Step.Index == n }).decode(b, &atLoss)
	loss := pollJS[shownStep](b, "the loss in the inspector", fmt.Sprintf(`(() => { const s = %s; return s.step === %d && s.name === '%s' && s.grad.length ? s : null; })()`, fmt.Sprintf(shownStepJS, ""), n, atLoss.Node.Name))

	from = b.wireMark()
	press(b, "step to the seed", chromedp.Click(chromedp.CSS(sel("step-forward"))))
	var atSeed wireNode
	b.waitWire("the seed step", from, "node", nil).decode(b, &atSeed)
	seed := pollJS[shownStep](b, "the seed in the inspector", fmt.Sprintf(`(() => { const s = %s; return s.step === %d && s.grad.length ? s : null; })()`, fmt.Sprintf(shownStepJS, ""), n+1))
	checkSeed(t, "lab", g, atLoss, atSeed, loss, seed)
	b.screenshot("lab-seed.png")
	b.checkClean()
}

// TestBrowserBackpropWidgetPhase steps the backpropagation lesson's widget
// through its whole timeline with Next step: at every step the phase, the
// cursor's text and the inspector's gradient chip agree with the server's
// node message, and at the loss and the seed as TestBrowserLabSeedStep
// checks the Lab.
func TestBrowserBackpropWidgetPhase(t *testing.T) {
	b := newBrowser(t)
	l := lessonBySlug(t, "backpropagation")
	w := l.Widgets[0]
	root := openLesson(b, l.Slug, w.ID)
	var g wireGraph
	b.waitWire("the graph", 0, "graph", func(m wireMsg) bool { return m.Widget == w.ID }).decode(b, &g)
	n, _ := g.ops()
	b.do("scroll to the widget", chromedp.ScrollIntoView(chromedp.CSS(root)), chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)))

	var atLoss, atSeed wireNode
	var loss, seed shownStep
	for i := 1; i <= g.Steps; i++ {
		from := b.wireMark()
		b.do(fmt.Sprintf("step %d", i), chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)))
		var msg wireNode
		b.waitWire(fmt.Sprintf("step %d", i), from, "node", func(m wireMsg) bool { return m.Widget == w.ID }).decode(b, &msg)
		if msg.Step.Index != i {
			t.Fatalf("Next step %d: the server moved the cursor to %d", i, msg.Step.Index)
		}
		shown := pollJS[shownStep](b, fmt.Sprintf("step %d shown", i), fmt.Sprintf(`(() => { const s = %s; return s.step === %d && s.name === '%s' ? s : null; })()`, fmt.Sprintf(shownStepJS, root), i, msg.Node.Name))
		checkStep(t, fmt.Sprintf("step %d", i), shown, msg)
		switch i {
		case n:
			atLoss, loss = msg, shown
		case n + 1:
			atSeed, seed = msg, shown
			b.shootWidget("backprop-seed.png", root)
		}
	}
	checkSeed(t, "backprop widget", g, atLoss, atSeed, loss, seed)
	b.checkClean()
}
