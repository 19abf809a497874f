package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The lab's default model (docs/protocol.md, "Lab"): decoder-only,
// d_model 16, 2 heads, 1 layer, reversing n = 3 of k = 7 symbols, so it
// reads T = 2n = 6 tokens and predicts V = k+1 = 8 classes.
const (
	labT = 6
	labV = 8
	labD = 16
)

// The page prints numbers with 4 significant digits (dom.js fmt), so a
// sum of a few printed numbers is off by at most a few times 5e-5 of its
// terms' size; 2e-3 leaves room for that and nothing more.
const printedTol = 2e-3

// sel returns the CSS selector of a data-testid.
func sel(testid string) string { return fmt.Sprintf(`[data-testid=%q]`, testid) }

// pollJS waits until expr is truthy in the page and returns its value.
// The test's deadline bounds the wait.
func pollJS[T any](b *browser, what, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(0)))
	if err != nil {
		b.t.Fatalf("%s: %v (waiting for %s)", what, err, expr)
	}
	return v
}

// openLab opens the lab with a query string and waits until the server
// has drawn the graph and the stepper shows the cursor.
func openLab(b *browser, query string) {
	b.t.Helper()
	b.do("open the lab", chromedp.Navigate(b.base+"/lab"+query))
	waitLab(b)
}

// waitLab waits for the graph, the live connection and the cursor.
func waitLab(b *browser) {
	b.t.Helper()
	b.do("wait for the lab",
		chromedp.WaitVisible(chromedp.CSS(sel("graph")+` .sg-node`)),
		chromedp.WaitVisible(chromedp.CSS(sel("status")+`[data-status="open"]`)))
	pollJS[bool](b, "the cursor", `document.querySelector('[data-testid="cursor"]').dataset.index !== undefined`)
}

// cursor is what the page shows of the stepper's position.
type cursor struct {
	Index int    `json:"index"`
	Phase string `json:"phase"`
	Text  string `json:"text"`
}

const cursorJS = `(() => { const c = document.querySelector('[data-testid="cursor"]'); return {index: Number(c.dataset.index), phase: c.dataset.phase || "", text: c.textContent}; })()`

func readCursor(b *browser) cursor {
	b.t.Helper()
	return eval[cursor](b, cursorJS)
}

// press runs one stepping action (a click or a key) and waits until the
// page shows a cursor other than before.
func press(b *browser, what string, action chromedp.Action[chromedp.Void]) cursor {
	b.t.Helper()
	before := readCursor(b)
	b.do(what, action)
	pollJS[bool](b, what, fmt.Sprintf(`Number(document.querySelector('[data-testid="cursor"]').dataset.index) !== %d`, before.Index))
	return readCursor(b)
}

// stepUntil repeats action until the page's cursor text ends with node
// (the step ran that node), and fails after limit steps.
func stepUntil(b *browser, what string, action chromedp.Action[chromedp.Void], node string, limit int) cursor {
	b.t.Helper()
	for range limit {
		c := press(b, what, action)
		if strings.HasSuffix(c.Text, " · "+node) {
			return c
		}
	}
	b.t.Fatalf("%s: no step ran %s in %d steps", what, node, limit)
	return cursor{}
}

// shownMap is a heatmap as the page shows it: the numbers of its table
// and, per cell, whether it is marked as masked.
type shownMap struct {
	Rows   [][]string `json:"rows"`
	Masked []bool     `json:"masked"`
	Stats  string     `json:"stats"`
}

func readMap(b *browser, testid string) shownMap {
	b.t.Helper()
	return pollJS[shownMap](b, "heatmap "+testid, `(() => {
		const f = document.querySelector('[data-testid="`+testid+`"]');
		if (!f) return null;
		return {
			rows: [...f.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)),
			masked: [...f.querySelectorAll('rect.heatmap__cell')].map(r => r.classList.contains('is-masked')),
			stats: (f.querySelector('.heatmap__stats') || {}).textContent || "",
		};
	})()`)
}

// numbers parses the printed numbers of a map ("−∞" is -Inf).
func (m shownMap) numbers(t *testing.T) [][]float64 {
	t.Helper()
	out := make([][]float64, len(m.Rows))
	for i, r := range m.Rows {
		for _, s := range r {
			if s == "−∞" {
				out[i] = append(out[i], math.Inf(-1))
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("heatmap cell %q is not a number: %v", s, err)
			}
			out[i] = append(out[i], v)
		}
	}
	return out
}

// checkCausalProbs checks a T×T map of attention probabilities: every
// cell above the diagonal is marked masked and holds 0, none other is
// marked, and every row sums to 1.
func checkCausalProbs(t *testing.T, name string, m shownMap) {
	t.Helper()
	p := m.numbers(t)
	if len(p) != labT || len(p[0]) != labT || len(m.Masked) != labT*labT {
		t.Fatalf("%s: %d×%d numbers and %d cells, want %d×%d and %d", name, len(p), len(p[0]), len(m.Masked), labT, labT, labT*labT)
	}
	for i := range labT {
		sum := 0.0
		for j := range labT {
			sum += p[i][j]
			if masked := m.Masked[i*labT+j]; masked != (j > i) {
				t.Errorf("%s: cell [%d, %d] masked = %v, want %v (causal: keys after the query are hidden)", name, i, j, masked, j > i)
			}
			if j > i && p[i][j] != 0 {
				t.Errorf("%s: masked cell [%d, %d] = %v, want 0", name, i, j, p[i][j])
			}
		}
		if math.Abs(sum-1) > printedTol {
			t.Errorf("%s: row %d sums to %v, want 1", name, i, sum)
		}
	}
}

// TestBrowserLabStepping steps the default model with the buttons:
// forward to the first head's attention probabilities (a T×T map, causal
// cells masked, in the inspector and the attention panel), then backward
// until a gradient accumulates into a tensor used twice ("+= 2/2"), and
// checks a parameter's gradient against the gradient that flows into it.
func TestBrowserLabStepping(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	if c := readCursor(b); c.Index != 0 {
		t.Fatalf("a fresh lab is at step %d, want 0", c.Index)
	}
	forward := chromedp.Click(chromedp.CSS(sel("step-forward")))
	probs := "layers.0.attn.head.0.probs"
	c := stepUntil(b, "step forward", forward, probs, 200)
	if c.Phase != "forward" {
		t.Errorf("the step that ran %s is in phase %q, want forward", probs, c.Phase)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="inspector-name"]').textContent`); got != probs {
		t.Errorf("inspector shows %q after the step, want %q", got, probs)
	}
	if !eval[bool](b, `document.querySelector('[data-testid="node-`+probs+`"]').classList.contains('is-current')`) {
		t.Errorf("the graph does not highlight %s as the node just computed", probs)
	}
	checkCausalProbs(t, "inspector value", readMap(b, "inspector-value"))
	checkCausalProbs(t, "attention panel, layer 0 head 0", readMap(b, "attention-0-0-probs"))
	b.screenshot("lab-probs.png")

	// Backward: the first steps run the rest of the forward pass, then the
	// loss and the output layer; step until a tensor read by two nodes has
	// both parts of its gradient.
	backward := chromedp.Click(chromedp.CSS(sel("step-backward")))
	badge := ""
	for range 200 {
		press(b, "step backward", backward)
		badge = eval[string](b, `[...document.querySelectorAll('[data-testid="grad-badge"]')].map(g => g.textContent).join(" ")`)
		if strings.Contains(badge, "+= 2/2") {
			break
		}
	}
	if !strings.Contains(badge, "+= 2/2") {
		t.Fatalf("no backward step showed a gradient completed by its second part (+= 2/2); last badges %q", badge)
	}
	if c := readCursor(b); c.Phase != "backward" {
		t.Errorf("phase after the backward steps = %q, want backward", c.Phase)
	}
	if !eval[bool](b, `document.querySelector('[data-testid="inspector"] .pill') !== null`) {
		t.Errorf("the inspector does not list the += of the step")
	}
	b.screenshot("lab-backward.png")

	// The output bias head.b is a parameter: once its gradient is known,
	// it is the logits' gradient summed over the positions.
	if !eval[bool](b, `document.querySelector('[data-testid="node-head.b"]').classList.contains('has-grad')`) {
		t.Fatalf("head.b is not styled as having its gradient after the backward steps")
	}
	find(b, "logits")
	dLogits := readMap(b, "inspector-grad").numbers(t)
	clickNode(b, "head.b")
	dB := readMap(b, "inspector-grad").numbers(t)
	if len(dLogits) != labT || len(dB) != 1 || len(dB[0]) != labV {
		t.Fatalf("gradients of logits %d rows and head.b %d×%d, want %d rows and 1×%d", len(dLogits), len(dB), len(dB[0]), labT, labV)
	}
	nonzero := false
	for j := range labV {
		sum := 0.0
		for i := range labT {
			sum += dLogits[i][j]
		}
		if math.Abs(dB[0][j]-sum) > printedTol*math.Max(1, math.Abs(sum)) {
			t.Errorf("head.b gradient [%d] = %v, want the logits' gradient summed over positions, %v", j, dB[0][j], sum)
		}
		nonzero = nonzero || dB[0][j] != 0
	}
	if !nonzero {
		t.Errorf("head.b's gradient is all zeros")
	}
	b.checkClean()
}

// find types a node's name into the graph's search and presses Enter,
// which brings the node into view and inspects it.
func find(b *browser, node string) {
	b.t.Helper()
	b.do("find "+node,
		chromedp.Click(chromedp.CSS(sel("graph-search"))),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(node+"\r"))
	waitInspector(b, node)
}

// clickNode clicks a node of the graph and waits for the inspector.
func clickNode(b *browser, node string) {
	b.t.Helper()
	b.do("click "+node, chromedp.Click(chromedp.CSS(sel("node-"+node))))
	waitInspector(b, node)
}

func waitInspector(b *browser, node string) {
	b.t.Helper()
	pollJS[bool](b, "inspect "+node, `document.querySelector('[data-testid="inspector-name"]')?.textContent === '`+node+`'`)
}
