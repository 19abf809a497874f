package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserInspectorLeaves inspects a parameter and an input of the
// Lab: what the inspector says of each fits the server's node message (a
// parameter is learned, not computed by an op; an input is data; neither
// value is pending), with no contradiction: a parameter once read
// "learned, not computed" beside a claim that its value is computed in
// this run.
func TestBrowserInspectorLeaves(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	for _, c := range []struct{ node, kind, chip, says string }{
		{"head.b", "parameter", "learned weights", "training learns it"},
		{"input_ids", "input", "input data", "Data fed in from outside"},
	} {
		from := b.wireMark()
		find(b, c.node)
		var msg wireNode
		b.waitWire("the node message of "+c.node, from, "node", func(m wireMsg) bool { return strings.Contains(string(m.Raw), `"name":"`+c.node+`"`) }).decode(b, &msg)
		if msg.Node.Kind != c.kind || !msg.Node.Computed {
			t.Fatalf("the server says %s is a %s (computed %v), want a %s with its value", c.node, msg.Node.Kind, msg.Node.Computed, c.kind)
		}
		text := eval[string](b, `document.querySelector('[data-testid="inspector"]').textContent`)
		chip := eval[string](b, `document.querySelector('[data-testid="chip-value"]').textContent`)
		if chip != c.chip || !strings.Contains(text, c.says) {
			t.Errorf("%s: the value chip says %q and the inspector %q, want %q and %q", c.node, chip, text, c.chip, c.says)
		}
		for _, wrong := range []string{"not computed", "computed in this run", "value pending"} {
			if strings.Contains(strings.ToLower(text), wrong) {
				t.Errorf("%s (a %s, its value known): the inspector says %q: %q", c.node, c.kind, wrong, text)
			}
		}
	}
	b.screenshotOf("inspector-input.png", sel("inspector"))
	b.checkClean()
}

// TestBrowserDistillRebuildClearsChart trains the distillation widget for
// a short budget until its chart shows, then changes T: the server sends
// the chart of the rebuilt widget empty, and the page takes the old run's
// curves away and shows its hint again.
func TestBrowserDistillRebuildClearsChart(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "distill")
	setOption(b, root, "steps", "50")
	from := b.wireMark()
	b.do("train", chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="graph"] .sg-node`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="train"]`)))
	waitMetrics(b, "the end of training", from, w.ID, func(m wireMetrics) bool { return !m.Running && m.Step == 50 })
	waitChart(b, root, "loss")

	from = b.wireMark()
	setOption(b, root, "T", "5")
	// A rebuild answers as configure does: the graph, then the charts.
	rebuilt := b.waitWire("the rebuilt graph", from, "graph", func(m wireMsg) bool { return m.Widget == w.ID })
	var p struct{ Name, SVG string }
	b.waitWire("the rebuilt chart", rebuilt.Seq+1, "plot", func(m wireMsg) bool { m.decode(b, &p); return m.Widget == w.ID && p.Name == "loss" })
	if p.SVG != "" {
		t.Fatalf("after a change of T the server sent a loss chart of %d bytes, want an empty one", len(p.SVG))
	}
	pollJS[bool](b, "the chart cleared", `!document.querySelector('`+root+` [data-testid="plot-loss"]') && !!document.querySelector('`+root+` [data-testid="plot"] .train__hint')`)
	b.shootWidget("distill-rebuilt.png", root)
	b.checkClean()
}

// TestBrowserLabEscapeClearsError has the Lab refuse three heads, then
// presses Escape in the field: the field shows the model's heads again
// (the server's graph options) and the refusal's message goes with the
// value it was about.
func TestBrowserLabEscapeClearsError(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	var g struct {
		Options map[string]string `json:"options"`
	}
	b.waitWire("the graph", 0, "graph", nil).decode(b, &g)
	from := b.wireMark()
	setField(b, "heads", "3")
	b.waitWire("the refusal", from, "error", nil)
	pollJS[bool](b, "the refusal shown", `(() => { const e = document.querySelector('[data-testid="hyper-error"]'); return !e.hidden && e.textContent.includes("heads"); })()`)
	b.do("Escape in the field", chromedp.Click(chromedp.CSS(sel("hyper-heads"))), key(kb.Escape))
	got := pollJS[map[string]string](b, "the field put back", `(() => { const f = document.querySelector('[data-testid="hyper-heads"]'); return f.value !== "3" ? {value: f.value, invalid: f.getAttribute('aria-invalid') || "", shown: [...document.querySelectorAll('[data-testid="hyper-error"]')].filter(e => !e.hidden).map(e => e.textContent).join(" | ")} : null; })()`)
	if got["value"] != g.Options["heads"] || got["invalid"] != "" || got["shown"] != "" {
		t.Errorf("after Escape the heads field shows %q (aria-invalid %q) with the message %q, want the model's %q and no message", got["value"], got["invalid"], got["shown"], g.Options["heads"])
	}
	b.checkClean()
}

// TestBrowserLabLinkErrors opens a link with three bad options, two out
// of their bounds and a combination the server checks once the bounds
// hold: every fault the server reports (error.errors) shows beside its own
// field, not only the first, and the lab starts with those options at
// their defaults.
func TestBrowserLabLinkErrors(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "?layers=9&k=99&heads=3")
	b.waitWire("the lab built", 0, "graph", nil)
	type fault struct{ Field, Code, Message string }
	var faults []fault
	for _, m := range b.wire(0, "error") {
		var e struct {
			fault
			Errors []fault `json:"errors"`
		}
		m.decode(b, &e)
		if len(e.Errors) == 0 {
			e.Errors = []fault{e.fault}
		}
		faults = append(faults, e.Errors...)
	}
	if len(faults) < 3 {
		t.Fatalf("the server reported %v, want layers, k and heads at fault", faults)
	}
	for _, f := range faults {
		shown := pollJS[string](b, "the message about "+f.Field, fmt.Sprintf(`(() => { const e = [...document.querySelectorAll('[data-testid="hyper-error"]')].find(e => !e.hidden && e.dataset.field === '%s'); return e && e.previousElementSibling.contains(document.querySelector('[data-testid="hyper-%s"]')) && document.querySelector('[data-testid="hyper-%s"]').getAttribute('aria-invalid') === 'true' ? e.textContent : null; })()`, f.Field, f.Field, f.Field))
		if !strings.Contains(shown, f.Message) {
			t.Errorf("beside %s the page says %q, want the server's %q", f.Field, shown, f.Message)
		}
	}
	b.screenshot("lab-link-errors.png")
	b.checkClean()
}
