package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestBrowserQuantCalibration opens the quantization lesson's static
// widget: the calibration table lists every observer with its range, scale
// and zero point; setting the calibration size (calibration-size) to 5
// points, then the observer to percentile, updates the set and the ranges
// to what the exhibit, built in Go with those options, reports.
func TestBrowserQuantCalibration(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	l := lessonBySlug(t, "quantization")
	var opts map[string]string
	var id string
	for _, w := range l.Widgets {
		if w.Kind == "quant" && w.Options["pass"] == "static" {
			opts, id = w.Options, w.ID
			break
		}
	}
	if id == "" {
		t.Fatal("the quantization lesson has no static quant widget")
	}
	root := openLesson(b, l.Slug, id)
	pollJS[bool](b, "the calibration of 300 points", `document.querySelector('`+root+` [data-testid="calibration-set"]')?.textContent.startsWith("Calibration: 300 points")`)

	field := root + ` [data-testid="calibration-size"]`
	b.do("calibrate on 5 points", chromedp.SetValue(chromedp.CSS(field), "5"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+field+`').dispatchEvent(new Event("change"))`))
	pollJS[bool](b, "the calibration of 5 points", `document.querySelector('`+root+` [data-testid="calibration-set"]')?.textContent.startsWith("Calibration: 5 points (training points 0 to 4)")`)

	five := map[string]string{}
	for k, v := range opts {
		five[k] = v
	}
	five["calibration"] = "5"
	checkCalibrationTable(b, root, five)

	setOption(b, root, "observer", "percentile")
	pollJS[bool](b, "percentile observers", `document.querySelector('`+root+` [data-testid="calibration-row-x"] td')?.textContent === "percentile"`)
	five["observer"] = "percentile"
	checkCalibrationTable(b, root, five)
	b.checkAxe("the quantization lesson's calibration", axe)
	b.shootWidget("quant-calibration.png", root)
	b.checkClean()
}

// TestBrowserQuantLiveQAT opens the quantization lesson's QAT widget and
// trains it live: the run ends at 200 steps with the float and QAT
// training-loss chart, and the last QAT and float losses shown are those
// of the exhibit's own run, computed in Go from the widget's options.
func TestBrowserQuantLiveQAT(t *testing.T) {
	b := newBrowser(t)
	l := lessonBySlug(t, "quantization")
	var opts map[string]string
	var id string
	for _, w := range l.Widgets {
		if w.Kind == "quant" && w.Options["pass"] == "qat" {
			opts, id = w.Options, w.ID
			break
		}
	}
	if id == "" {
		t.Fatal("the quantization lesson has no qat quant widget")
	}
	k, _ := exhibit.KindOf("quant")
	ex, e := k.Build(opts)
	if e != nil {
		t.Fatal(e)
	}
	tr := ex.(exhibit.Trainer)
	if _, e := tr.StartTraining(0); e != nil {
		t.Fatal(e)
	}
	for !tr.TrainChunk(1000, time.Hour).Finished {
	}
	want := ex.Metrics(false).Values

	root := openLesson(b, l.Slug, id)
	train := root + ` [data-testid="train"]`
	b.do("train QAT live", chromedp.WaitVisible(chromedp.CSS(train)), chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)), chromedp.Click(chromedp.CSS(train)))
	pollJS[bool](b, "the run's end", `document.querySelector('`+root+` [data-testid="qat-steps"]')?.textContent === "200" && document.querySelector('`+root+` [data-testid="train"]').getAttribute("aria-pressed") === "false"`)
	waitChart(b, root, "loss")
	for testid, key := range map[string]string{"qat-loss": "qatTrainLoss", "qat-float-loss": "floatTrainLoss"} {
		text := eval[string](b, `document.querySelector('`+root+` [data-testid="`+testid+`"]').textContent`)
		got, err := strconv.ParseFloat(text, 64)
		// The page writes 4 significant digits.
		if err != nil || math.Abs(got-want[key]) > 5e-4*math.Abs(want[key]) {
			t.Errorf("%s shows %q, want %v", testid, text, want[key])
		}
	}
	b.shootWidget("quant-live-qat.png", root)
	b.checkClean()
}

// checkCalibrationTable checks the widget's calibration table against the
// calibration of the exhibit built in Go with opts.
func checkCalibrationTable(b *browser, root string, opts map[string]string) {
	b.t.Helper()
	k, _ := exhibit.KindOf("quant")
	ex, e := k.Build(opts)
	if e != nil {
		b.t.Fatal(e)
	}
	c := ex.Views()[0].(*exhibit.QuantErrorView).Calibration
	shown := eval[map[string][]string](b, `Object.fromEntries([...document.querySelectorAll('`+root+` [data-testid^="calibration-row-"]')].map(r => [r.dataset.testid.slice("calibration-row-".length), ["lo", "hi", "scale", "zero"].map(f => r.querySelector('[data-testid="calibration-' + f + '"]').textContent)]))`)
	if len(shown) != len(c.Observers) {
		b.t.Fatalf("%v: page shows %d observers, want %d", opts, len(shown), len(c.Observers))
	}
	for _, o := range c.Observers {
		row := shown[o.Activation]
		if len(row) != 4 {
			b.t.Errorf("%v: no row for observer %s", opts, o.Node)
			continue
		}
		for i, want := range []float64{o.Lo, o.Hi, o.Scale, float64(o.Zero)} {
			got, err := strconv.ParseFloat(row[i], 64)
			// The page writes 4 significant digits: a relative error of
			// at most 5e-4.
			if err != nil || math.Abs(got-want) > 5e-4*math.Abs(want) {
				b.t.Errorf("%v: observer %s column %d = %q, want %v", opts, o.Node, i, row[i], want)
			}
		}
	}
}
