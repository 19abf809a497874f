package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// TestBrowserQuantErrorGraph opens the quantization lesson's first
// widget: the graph's nodes are coloured by their SQNR, each with its dB
// value in a pill, under a legend of the server's bands; the logits'
// pill and the inspector's comparison after a click read the SQNR that
// the exhibit, built in Go from the widget's own options, computes with
// engine/quant. The page passes axe-core.
func TestBrowserQuantErrorGraph(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	_, w, root := openWidget(b, "quant")
	k, _ := exhibit.KindOf("quant")
	ex, e := k.Build(w.Options)
	if e != nil {
		t.Fatal(e)
	}
	view := ex.Views()[0].(*exhibit.QuantErrorView)
	want := map[string]exhibit.QuantNodeError{}
	for _, n := range view.Nodes {
		want[n.Name] = n
	}
	logits, ok := want["logits"]
	if !ok {
		t.Fatalf("the exhibit measures no error of the logits: %+v", view.Nodes)
	}
	wantDB := fmt.Sprintf("%.1f dB", logits.SQNR)

	legend := root + ` [data-testid="quant-error-legend"]`
	b.do("wait for the legend and the coloured graph",
		chromedp.WaitVisible(chromedp.CSS(legend)),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="sgq-tag-logits"]`)))
	text := eval[string](b, `document.querySelector('`+legend+`').textContent`)
	for _, s := range []string{"SQNR", "dB", fmt.Sprintf("below %g dB", exhibit.QuantErrorEdges[0]),
		fmt.Sprintf("%g dB and above", exhibit.QuantErrorEdges[len(exhibit.QuantErrorEdges)-1]), "exact"} {
		if !strings.Contains(text, s) {
			t.Errorf("legend %q does not say %q", text, s)
		}
	}
	// Every node the exhibit measures is coloured in its band, with its
	// value in words.
	tagged := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll('`+root+` .sg-node .sgq-tag')].map(t => [t.closest('.sg-node').dataset.name, t.querySelector('text').textContent + "|" + [...t.classList].find(c => c.startsWith("sgq-tag--"))]))`)
	for name, n := range want {
		got, ok := tagged[name]
		wantTag := fmt.Sprintf("%.1f dB|sgq-tag--band-%d", n.SQNR, n.Band)
		if n.Exact() {
			wantTag = "exact|sgq-tag--exact"
		}
		if !ok || got != wantTag {
			t.Errorf("node %s tag = %q, want %q", name, got, wantTag)
		}
	}
	if label := eval[string](b, `document.querySelector('`+root+` [data-testid="node-logits"]').getAttribute('aria-label')`); !strings.Contains(label, wantDB) {
		t.Errorf("logits' accessible name %q does not say %s", label, wantDB)
	}

	// The logits sit at the foot of the graph, under the box's lower edge
	// at the lesson's first view: the click goes to the node itself, as a
	// learner's does once they have scrolled the graph to it.
	b.do("click the logits",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+root+` [data-testid="node-logits"]').dispatchEvent(new MouseEvent("click", {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="quant-compare"]`)))
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="quant-compare-sqnr"]').textContent`); !strings.Contains(got, "SQNR "+wantDB) {
		t.Errorf("inspector says %q, want SQNR %s", got, wantDB)
	}
	for _, m := range []string{"quant-float", "quant-quantized", "quant-error-map"} {
		if !eval[bool](b, `!!document.querySelector('`+root+` [data-testid="quant-compare"] [data-testid="`+m+`"]')`) {
			t.Errorf("the comparison has no %s map", m)
		}
	}
	b.checkAxe("the quantization lesson, graph coloured by error", axe)
	b.shootWidget("quant-error-graph.png", root)
	b.checkClean()
}
