package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// TestBrowserLabQuantize opens the lab with its transformer quantized
// (int8, dynamic): every node the exhibit, built in Go from the same
// options, measures against the float model is coloured in its band with
// its SQNR in words; the card reads the exhibit's bytes and the
// multiply-adds of its int matmuls; a click on the logits shows their
// float, quantized and error maps with the exhibit's SQNR; Quantize none
// takes the colours and the card away.
func TestBrowserLabQuantize(t *testing.T) {
	b := newBrowser(t)
	openLab(b, "?quant=dynamic")
	v := exhibit.LabOptions.Defaults()
	v["quant"] = "dynamic"
	ex, e := exhibit.NewLab(v)
	if e != nil {
		t.Fatal(e)
	}
	var view *exhibit.QuantErrorView
	for _, x := range ex.Views() {
		if q, ok := x.(*exhibit.QuantErrorView); ok {
			view = q
		}
	}
	if view == nil || len(view.Nodes) == 0 {
		t.Fatal("the quantized lab has no error view")
	}
	b.do("wait for the legend and the card",
		chromedp.WaitVisible(chromedp.CSS(sel("quant-error-legend"))),
		chromedp.WaitVisible(chromedp.CSS(sel("quant-bytes"))))
	legend := eval[string](b, `document.querySelector('[data-testid="quant-error-legend"]').textContent`)
	if !strings.Contains(legend, "on the stepped example") {
		t.Errorf("legend %q does not say what the errors are measured on", legend)
	}
	tagged := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll('[data-testid="graph"] .sg-node .sgq-tag')].map(t => [t.closest('.sg-node').dataset.name, t.querySelector('text').textContent + "|" + [...t.classList].find(c => c.startsWith("sgq-tag--"))]))`)
	drawn := eval[map[string]bool](b, `Object.fromEntries([...document.querySelectorAll('[data-testid="graph"] .sg-node')].map(n => [n.dataset.name, true]))`)
	checked := 0
	for _, n := range view.Nodes {
		if !drawn[n.Name] {
			continue // inside a folded scope
		}
		checked++
		want := fmt.Sprintf("%.1f dB|sgq-tag--band-%d", n.SQNR, n.Band)
		if n.Exact() {
			want = "exact|sgq-tag--exact"
		}
		if got := tagged[n.Name]; got != want {
			t.Errorf("node %s tag = %q, want %q", n.Name, got, want)
		}
	}
	if checked == 0 {
		t.Fatalf("no measured node is drawn: %v", drawn)
	}
	m := ex.Metrics(false).Values
	wantBytes := fmt.Sprintf("%d B → %d B", int(m["floatBytes"]), int(m["bytes"]))
	if got := eval[string](b, `document.querySelector('[data-testid="quant-bytes"]').textContent`); !strings.Contains(got, wantBytes) {
		t.Errorf("bytes read %q, want %s", got, wantBytes)
	}
	wantMACs := fmt.Sprintf("%d linear layers, %s multiply-adds", int(m["linears"]), commas(int(m["matmulMACs"])))
	if got := eval[string](b, `document.querySelector('[data-testid="quant-macs"]').textContent`); !strings.Contains(got, wantMACs) {
		t.Errorf("the timing reads %q, want %s", got, wantMACs)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="quant-times"]').textContent`); !strings.Contains(got, "float64 ") || !strings.Contains(got, "int8 ") || !strings.Contains(got, "µs") {
		t.Errorf("the times read %q", got)
	}

	// The inspector compares a clicked node's float and quantized values.
	var logits *exhibit.QuantNodeError
	for i, n := range view.Nodes {
		if n.Name == "logits" {
			logits = &view.Nodes[i]
		}
	}
	if logits == nil {
		t.Fatal("the exhibit measures no error of the logits")
	}
	b.do("click the logits",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="node-logits"]').dispatchEvent(new MouseEvent("click", {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS(sel("quant-compare"))))
	if got, want := eval[string](b, `document.querySelector('[data-testid="quant-compare-sqnr"]').textContent`), fmt.Sprintf("SQNR %.1f dB", logits.SQNR); !strings.Contains(got, want) {
		t.Errorf("the inspector says %q, want %s", got, want)
	}
	for _, m := range []string{"quant-float", "quant-quantized", "quant-error-map"} {
		if !eval[bool](b, `!!document.querySelector('[data-testid="quant-compare"] [data-testid="`+m+`"]')`) {
			t.Errorf("the inspector's comparison has no %s map", m)
		}
	}

	b.do("quantize none",
		chromedp.SetValue(chromedp.CSS(sel("hyper-quant")), "none"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="hyper-quant"]').dispatchEvent(new Event("change", {bubbles: true}))`))
	pollJS[bool](b, "the float graph again", `document.querySelector('[data-testid="lab-quant"]').hidden && document.querySelectorAll('[data-testid="graph"] .sgq-tag').length === 0 && ![...document.querySelectorAll('[data-testid="graph"] .sg-node')].some(n => /int8/.test(n.textContent))`)
}

// TestBrowserLabQuantScreens opens the Lab quantized statically (four
// calibration sequences, so the card shows every part) on a laptop's, a
// tablet's and a phone's screen, the phone on its training tab where the
// card is: the card shows the exhibit's bytes, it never runs out of its
// column, the phone's page does not scroll sideways and every control
// can be tapped, and axe-core finds no violation. A screenshot of each is
// saved to look at.
func TestBrowserLabQuantScreens(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	v := exhibit.LabOptions.Defaults()
	v["quant"], v["qcalib"] = "static", "4"
	ex, e := exhibit.NewLab(v)
	if e != nil {
		t.Fatal(e)
	}
	m := ex.Metrics(false).Values
	wantBytes := fmt.Sprintf("%d B → %d B", int(m["floatBytes"]), int(m["bytes"]))
	for _, s := range screens {
		b.do(s.name+" screen", chromedp.EmulateViewport(s.width, s.height))
		openLab(b, "?quant=static&qcalib=4")
		if s.name == "phone" {
			b.do("tap the training tab", chromedp.Click(chromedp.CSS(sel("lab-tab-training"))))
		}
		b.do(s.name+": wait for the card", chromedp.WaitVisible(chromedp.CSS(sel("quant-bytes"))), chromedp.WaitVisible(chromedp.CSS(sel("calibration-table"))))
		if got := eval[string](b, `document.querySelector('[data-testid="quant-bytes"]').textContent`); !strings.Contains(got, wantBytes) {
			t.Errorf("%s: bytes read %q, want %s", s.name, got, wantBytes)
		}
		if w := eval[[]float64](b, `(() => { const c = document.querySelector('[data-testid="lab-quant"]'); return [c.scrollWidth, c.clientWidth]; })()`); w[0] > w[1]+1 {
			t.Errorf("%s: the card's content is %v pixels wide in its %v", s.name, w[0], w[1])
		}
		if s.name == "phone" {
			checkPhonePage(b, "/lab?quant=static", axe)
		} else {
			b.checkAxe("/lab?quant=static on a "+s.name, axe)
		}
		b.do(s.name+": show the card", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="lab-quant"]').scrollIntoView()`))
		b.screenshot(fmt.Sprintf("screen-%s-lab-quant.png", s.name))
		b.screenshotOf(fmt.Sprintf("screen-%s-lab-quant-card.png", s.name), sel("lab-quant"))
	}
	b.checkClean()
}

// commas writes n with thousands separators, as toLocaleString("en").
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
