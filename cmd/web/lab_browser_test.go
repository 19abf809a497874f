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
	value := readMap(b, "inspector-value")
	checkCausalProbs(t, "inspector value", value)
	checkCausalProbs(t, "attention panel, layer 0 head 0", readMap(b, "attention-0-0-probs"))

	// Hovering a cell shows its number: the one in the table.
	b.do("show the value map", chromedp.ScrollIntoView(chromedp.CSS(sel("inspector-value")+` svg`)))
	at := eval[[]float64](b, `(() => { const r = document.querySelectorAll('[data-testid="inspector-value"] rect.heatmap__cell')[`+strconv.Itoa(labT)+`].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	b.do("hover cell [1, 0]", chromedp.MouseEvent(chromedp.MouseMoved, at[0], at[1]))
	readout := pollJS[string](b, "the hover readout", `document.querySelector('[data-testid="inspector"] .lab-readout.is-on')?.textContent`)
	if want := "[1, 0] = " + value.Rows[1][0]; !strings.Contains(readout, want) {
		t.Errorf("hovering cell [1, 0] shows %q, want it to contain %q", readout, want)
	}
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

	// The output bias head.b is a parameter: its gradient is known now.
	if !eval[bool](b, `document.querySelector('[data-testid="node-head.b"]').classList.contains('has-grad')`) {
		t.Fatalf("head.b is not styled as having its gradient after the backward steps")
	}
	find(b, "logits")
	dLogits := readMap(b, "inspector-grad").numbers(t)
	clickNode(b, "head.b")
	dB := readMap(b, "inspector-grad").numbers(t)
	checkBiasGrad(t, dLogits, dB)

	// On a shared colour scale the value and the gradient use one range.
	b.do("shared scale", chromedp.Click(chromedp.CSS(sel("scale-shared"))))
	scales := pollJS[[]string](b, "shared legends", `(() => { const l = (id) => [...document.querySelectorAll('[data-testid="' + id + '"] .lab-legend-bar__num')].map(e => e.textContent).join(" to "); const s = document.querySelector('[data-testid="scale-shared"]'); return s && s.getAttribute('aria-pressed') === 'true' ? [l("inspector-value"), l("inspector-grad")] : null; })()`)
	if scales[0] != scales[1] || scales[0] == "" {
		t.Errorf("on a shared scale the value runs %q and the gradient %q, want one range", scales[0], scales[1])
	}

	// A click in the middle of the timeline seeks to about half of it, the
	// end of the forward pass (the thumb's width leaves a step or two either
	// way).
	b.do("seek", chromedp.Click(chromedp.CSS(sel("timeline"))))
	mid := pollJS[[]int](b, "the seek", `(() => { const r = document.querySelector('[data-testid="timeline"]'); const c = document.querySelector('[data-testid="cursor"]'); return Number(c.dataset.index) === Number(r.value) && Number(r.value) < Number(r.max) - 2 ? [Number(r.value), Number(r.max)] : null; })()`)
	if half := mid[1] / 2; mid[0] < half-2 || mid[0] > half+2 {
		t.Errorf("a click in the middle of the timeline went to step %d of %d", mid[0], mid[1])
	}
	b.checkClean()
}

// checkBiasGrad checks the gradient of the output bias head.b, as the
// inspector shows it, against the gradient of the logits it is added to:
// since logits = X W + b with b broadcast over the T positions, dL/db is
// dL/dlogits summed over the positions. It must not be all zeros.
func checkBiasGrad(t *testing.T, dLogits, dB [][]float64) {
	t.Helper()
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

// setField types value into a hyperparameter's field and presses Enter.
func setField(b *browser, name, value string) {
	b.t.Helper()
	b.do("set "+name+" to "+value,
		chromedp.Click(chromedp.CSS(sel("hyper-"+name))),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(value+"\r"))
}

// choose picks an option of a hyperparameter's list, as a pick with the
// mouse does: the value changes and the list fires its change event.
func choose(b *browser, name, value string) {
	b.t.Helper()
	b.do("choose "+name+" "+value, chromedp.SetValue(chromedp.CSS(sel("hyper-"+name)), value))
	eval[chromedp.Void](b, `document.querySelector('[data-testid="hyper-`+name+`"]').dispatchEvent(new Event('change', {bubbles: true}))`)
}

// headCards returns, per head card of attention layer 0, whether it shows
// its probabilities.
func headCards(b *browser) []bool {
	b.t.Helper()
	return eval[[]bool](b, `[...document.querySelectorAll('[data-testid="attention"] .attn-card')].map(c => !!c.querySelector('[data-testid$="-probs"]'))`)
}

// waitHeads waits until the graph and the attention panel both show heads
// heads, every one with its probabilities.
func waitHeads(b *browser, heads int) {
	b.t.Helper()
	pollJS[bool](b, fmt.Sprintf("%d heads", heads), fmt.Sprintf(`!!document.querySelector('[data-testid="node-layers.0.attn.head.%d.probs"]') && !document.querySelector('[data-testid="node-layers.0.attn.head.%d.probs"]') && document.querySelectorAll('[data-testid="attention"] .attn-card [data-testid$="-probs"]').length === %d`, heads-1, heads, heads))
}

// TestBrowserLabHyperparameters changes the model from its form: four
// heads give four head maps; three heads (with d_model 16) are refused
// beside the field and the model stays; the causal switch and the
// architecture update the attention panel at once.
func TestBrowserLabHyperparameters(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	waitHeads(b, 2)

	setField(b, "heads", "4")
	waitHeads(b, 4)
	for h := range 4 {
		checkCausalProbs(t, fmt.Sprintf("head %d", h), readMap(b, fmt.Sprintf("attention-0-%d-probs", h)))
	}
	if got := eval[string](b, `document.querySelector('[data-testid="model-summary"]').textContent`); !strings.Contains(got, "4 heads") {
		t.Errorf("model summary = %q, want it to say 4 heads", got)
	}
	b.screenshot("lab-heads-4.png")

	// d_model 16 is not a multiple of 3: the server refuses, the page says
	// why beside the heads field, and the model keeps its four heads.
	setField(b, "heads", "3")
	msg := pollJS[string](b, "the refusal", `(() => { const e = document.querySelector('[data-testid="hyper-error"]'); return !e.hidden && e.textContent; })()`)
	if !strings.Contains(msg, "heads") {
		t.Errorf("error beside the field = %q, want it to name heads", msg)
	}
	if !eval[bool](b, `document.querySelector('[data-testid="hyper-error"]').previousElementSibling.contains(document.querySelector('[data-testid="hyper-heads"]'))`) {
		t.Errorf("the error is not shown beside the heads field")
	}
	if got := eval[string](b, `document.querySelector('[data-testid="hyper-heads"]').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("heads field aria-invalid = %q, want true", got)
	}
	if cards := headCards(b); len(cards) != 4 {
		t.Errorf("%d head cards after the refused change, want the model's 4", len(cards))
	}
	b.screenshot("lab-heads-refused.png")
	setField(b, "heads", "2")
	waitHeads(b, 2)
	if !eval[bool](b, `document.querySelector('[data-testid="hyper-error"]').hidden`) {
		t.Errorf("the error stays after a valid change")
	}

	// The learner's own input: the decoder reads it, the separator, then
	// the first answers (reversed: c, b). Letters beyond the k = 7 symbols
	// (a to g) are refused beside the field.
	setField(b, "tokens", "abc")
	pollJS[bool](b, "the new input", `[...document.querySelectorAll('[data-testid="attention-0-0-probs"] tbody th')].map(th => th.textContent).join("") === "abc|cb"`)
	setField(b, "tokens", "xyz")
	pollJS[bool](b, "the refused input", `(() => { const e = document.querySelector('[data-testid="hyper-error"]'); return !e.hidden && e.textContent.includes("tokens") && e.previousElementSibling.contains(document.querySelector('[data-testid="hyper-tokens"]')); })()`)
	if got := eval[string](b, `[...document.querySelectorAll('[data-testid="attention-0-0-probs"] tbody th')].map(th => th.textContent).join("")`); got != "abc|cb" {
		t.Errorf("after refused tokens the model reads %q, want abc|cb still", got)
	}

	// Without the causal mask every key is visible to every query.
	b.do("causal off", chromedp.Click(chromedp.CSS(`.lab-switch`)))
	pollJS[bool](b, "maps without a mask", `(() => { const f = document.querySelector('[data-testid="attention-0-0-probs"]'); return !!f && f.querySelectorAll('rect.heatmap__cell').length === 36 && !f.querySelector('.is-masked') && document.querySelector('[data-testid="hyper-causal"]').checked === false; })()`)
	b.do("causal on", chromedp.Click(chromedp.CSS(`.lab-switch`)))
	pollJS[bool](b, "masked maps again", `!!document.querySelector('[data-testid="attention-0-0-probs"] .is-masked')`)

	// The encoder-decoder has self-attention in the encoder, and masked
	// self-attention and cross-attention in the decoder, shown apart.
	choose(b, "arch", "encdec")
	pollJS[bool](b, "three attention layers", `!!document.querySelector('[data-testid="attention-layer-2"]') && !!document.querySelector('[data-testid="node-dec.layers.0.cross_attn.head.0.probs"]')`)
	b.do("show cross-attention", chromedp.Click(chromedp.CSS(sel("attention-layer-2"))))
	cross := pollJS[shownMap](b, "cross-attention maps", `(() => {
		const f = document.querySelector('[data-testid="attention-2-0-probs"]');
		if (!f || !document.querySelector('.attn-caption').textContent.includes('cross')) return null;
		return {rows: [...f.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)), masked: [...f.querySelectorAll('rect.heatmap__cell')].map(r => r.classList.contains('is-masked'))};
	})()`)
	n := labT / 2 // the encoder-decoder reads n source and n target tokens
	if len(cross.Rows) != n || len(cross.Rows[0]) != n {
		t.Errorf("cross-attention map %d×%d, want %d×%d (decoder queries, encoder keys)", len(cross.Rows), len(cross.Rows[0]), n, n)
	}
	for k, m := range cross.Masked {
		if m {
			t.Errorf("cross-attention cell %d is masked; cross-attention has no mask", k)
		}
	}
	b.screenshot("lab-encdec-cross.png")
	b.checkClean()
}

// TestBrowserLabScreens opens the lab on a laptop screen and on a tablet:
// nothing overflows sideways, and the graph, the stepping buttons, the
// inspector, the attention panel and the model form are on the page.
func TestBrowserLabScreens(t *testing.T) {
	for _, s := range []struct {
		name          string
		width, height int64
	}{
		{"laptop", 1280, 800},
		{"tablet", 820, 1180},
	} {
		t.Run(s.name, func(t *testing.T) {
			b := newBrowser(t)
			b.do("screen", chromedp.EmulateViewport(s.width, s.height))
			openLab(b, "")
			press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
			waitHeads(b, 2)
			if w := eval[float64](b, `document.documentElement.scrollWidth`); w > float64(s.width) {
				t.Errorf("the page is %v pixels wide on a %d-pixel screen", w, s.width)
			}
			for _, id := range []string{"graph", "step-forward", "step-backward", "step-back", "play", "reset", "inspector", "attention", "hyper-heads", "train"} {
				box := eval[[]float64](b, `(() => { const r = document.querySelector('[data-testid="`+id+`"]').getBoundingClientRect(); return [r.left, r.right, r.width, r.height]; })()`)
				if box[0] < 0 || box[1] > float64(s.width) || box[2] == 0 || box[3] == 0 {
					t.Errorf("%s spans x %v to %v (%v×%v), want it inside the %d-pixel screen", id, box[0], box[1], box[2], box[3], s.width)
				}
			}
			// The model form stays readable: every text field and menu is
			// wide enough to show its value (a layout clash once squeezed
			// them to 20 pixels), and the card's title sits above them.
			narrow := eval[[]string](b, `[...document.querySelectorAll('[data-testid^="hyper-"]')]
				.filter(e => (e.tagName === 'SELECT' || (e.tagName === 'INPUT' && e.type !== 'checkbox')) && e.getClientRects().length > 0)
				.filter(e => e.getBoundingClientRect().width < 48)
				.map(e => e.dataset.testid + ' ' + Math.round(e.getBoundingClientRect().width) + 'px')`)
			if len(narrow) > 0 {
				t.Errorf("model form fields narrower than 48 px: %v", narrow)
			}
			if above := eval[bool](b, `document.querySelector('#lab-hyper-title').getBoundingClientRect().bottom <= document.querySelector('[data-testid="hyper-arch"]').getBoundingClientRect().top`); !above {
				t.Errorf("the Model card's title is not above its fields")
			}
			b.screenshot("lab-" + s.name + ".png")
			b.checkClean()
		})
	}
}
