package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"stepgraph/engine/safetensors"
)

// labView is what the URL must reproduce: every option in the form, the
// cursor, the drawn graph and the inspected node.
type labView struct {
	Form      map[string]string `json:"form"`
	Index     int               `json:"index"`
	Nodes     []string          `json:"nodes"`
	Inspected string            `json:"inspected"`
	Heads     int               `json:"heads"`
}

const labViewJS = `(() => {
	const form = {};
	for (const el of document.querySelectorAll('[data-testid="hyper"] [name]')) form[el.name] = el.type === 'checkbox' ? String(el.checked) : el.value;
	return {
		form, index: Number(document.querySelector('[data-testid="cursor"]').dataset.index),
		nodes: [...document.querySelectorAll('[data-testid="graph"] .sg-node')].map(g => g.dataset.name),
		inspected: (document.querySelector('[data-testid="inspector-name"]') || {}).textContent || "",
		heads: document.querySelectorAll('[data-testid="attention"] .attn-card').length,
	};
})()`

// TestBrowserLabURL changes options, folds a scope and steps, then
// reloads the page and opens the link afresh: both give the same view.
func TestBrowserLabURL(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	openLab(b, "")
	setField(b, "heads", "4")
	pollJS[bool](b, "four heads", `!!document.querySelector('[data-testid="node-layers.0.attn.head.3.probs"]')`)
	setField(b, "seed", "5")
	choose(b, "task", "sort")
	pollJS[bool](b, "the options in the URL", `['heads=4', 'seed=5', 'task=sort'].every(s => location.search.includes(s))`)
	b.do("fold the feed-forward layer",
		chromedp.Click(chromedp.CSS(sel("scopes-menu"))),
		chromedp.Click(chromedp.CSS(sel("scope-layers.0.ffn"))))
	pollJS[bool](b, "the folded scope", `!!document.querySelector('[data-testid="node-layers.0.ffn"].sg-kind-scope') && location.search.includes('collapsed=layers.0.ffn')`)
	b.screenshot("lab-folded.png")
	for range 7 {
		press(b, "step forward", chromedp.Click(chromedp.CSS(sel("step-forward"))))
	}
	pollJS[bool](b, "the step in the URL", `location.search.includes('step=7')`)
	want := eval[labView](b, labViewJS)
	link := eval[string](b, `location.href`)

	b.do("reload", chromedp.Reload())
	waitLab(b)
	pollJS[bool](b, "the cursor after the reload", `Number(document.querySelector('[data-testid="cursor"]').dataset.index) === 7`)
	compareViews(t, "after a reload", eval[labView](b, labViewJS), want)

	b.do("open the link afresh", chromedp.Navigate("about:blank"), chromedp.Navigate(link))
	waitLab(b)
	pollJS[bool](b, "the cursor from the link", `Number(document.querySelector('[data-testid="cursor"]').dataset.index) === 7`)
	compareViews(t, "from the link", eval[labView](b, labViewJS), want)
	if got := eval[string](b, `location.href`); got != link {
		t.Errorf("the link became %s, want %s", got, link)
	}

	// A link the server cannot build (d_model 16 with 3 heads) says why
	// beside the field, and the lab starts with the default heads.
	openLab(b, "?heads=3&seed=9")
	pollJS[bool](b, "the link's refusal", `(() => { const e = document.querySelector('[data-testid="hyper-error"]'); return !e.hidden && e.textContent.includes("heads") && e.previousElementSibling.contains(document.querySelector('[data-testid="hyper-heads"]')); })()`)
	pollJS[bool](b, "the default heads in the URL", `location.search.includes('heads=2') && location.search.includes('seed=9') && !!document.querySelector('[data-testid="node-layers.0.attn.head.1.probs"]') && !document.querySelector('[data-testid="node-layers.0.attn.head.2.probs"]')`)
	b.checkClean()
}

func compareViews(t *testing.T, when string, got, want labView) {
	t.Helper()
	for k, v := range want.Form {
		if got.Form[k] != v {
			t.Errorf("%s: field %s = %q, want %q", when, k, got.Form[k], v)
		}
	}
	if got.Index != want.Index || got.Inspected != want.Inspected || got.Heads != want.Heads {
		t.Errorf("%s: step %d inspecting %q with %d heads, want step %d inspecting %q with %d heads",
			when, got.Index, got.Inspected, got.Heads, want.Index, want.Inspected, want.Heads)
	}
	if strings.Join(got.Nodes, " ") != strings.Join(want.Nodes, " ") {
		t.Errorf("%s: the graph has %d boxes %v, want %d %v", when, len(got.Nodes), got.Nodes, len(want.Nodes), want.Nodes)
	}
}

// downloads lets the browser save files into dir and returns a channel
// that receives the path of each finished download.
func (b *browser) downloads(dir string) <-chan string {
	b.t.Helper()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	done := make(chan string, 8)
	err := chromedp.ListenBrowser(b.ctx, func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State == cdpbrowser.DownloadProgressStateCompleted {
			done <- filepath.Join(dir, p.GUID) // allowAndName names the file by its GUID
		}
	})
	if err != nil {
		b.t.Fatalf("listen for downloads: %v", err)
	}
	return done
}

// exportFile picks an item of the export menu (or clicks a button, when
// menu is false) and returns the file the browser saved.
func exportFile(b *browser, files <-chan string, testid string, menu bool) []byte {
	b.t.Helper()
	if menu {
		b.do("open the export menu", chromedp.Click(chromedp.CSS(sel("export-menu"))))
	}
	b.do("export "+testid, chromedp.Click(chromedp.CSS(sel(testid))))
	select {
	case path := <-files:
		data, err := os.ReadFile(path)
		if err != nil {
			b.t.Fatal(err)
		}
		return data
	case <-b.ctx.Done():
		b.t.Fatalf("%s: no download finished: %v", testid, b.ctx.Err())
	}
	return nil
}

// traceFile is the part of an exported trace the test reads.
type traceFile struct {
	Format string `json:"format"`
	Cursor struct {
		Index int `json:"index"`
		Total int `json:"total"`
	} `json:"cursor"`
	Nodes []struct {
		Name  string            `json:"name"`
		Kind  string            `json:"kind"`
		Shape []int             `json:"shape"`
		Value []json.RawMessage `json:"value"`
		Grad  []json.RawMessage `json:"grad"`
	} `json:"nodes"`
}

// TestBrowserLabExport downloads the weights, the trace, the graph and a
// heatmap from the page, and reads each file back: the weights are the
// trace's parameters (as float32), the trace has every node of the graph
// the page draws, and the drawings are SVG.
func TestBrowserLabExport(t *testing.T) {
	b := newBrowser(t)
	files := b.downloads(t.TempDir())
	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	drawn := eval[[]string](b, `[...document.querySelectorAll('[data-testid="graph"] .sg-node')].map(g => g.dataset.name)`)

	var trace traceFile
	if err := json.Unmarshal(exportFile(b, files, "export-trace", true), &trace); err != nil {
		t.Fatalf("the trace is not JSON: %v", err)
	}
	if trace.Format != "stepgraph-trace-1" || trace.Cursor.Index != trace.Cursor.Total || trace.Cursor.Total == 0 {
		t.Errorf("trace format %q at step %d of %d, want stepgraph-trace-1 at the end of the run", trace.Format, trace.Cursor.Index, trace.Cursor.Total)
	}
	var names []string
	params := map[string]int{} // name -> index in trace.Nodes
	for i, n := range trace.Nodes {
		names = append(names, n.Name)
		size := 1
		for _, d := range n.Shape {
			size *= d
		}
		if len(n.Value) != size {
			t.Errorf("trace node %s: %d values for shape %v", n.Name, len(n.Value), n.Shape)
		}
		if n.Kind == "parameter" {
			params[n.Name] = i
			if len(n.Grad) != size {
				t.Errorf("trace parameter %s: %d gradient numbers at the end of the run, want %d", n.Name, len(n.Grad), size)
			}
		}
	}
	if strings.Join(names, " ") != strings.Join(drawn, " ") {
		t.Errorf("trace nodes %v, want the drawn graph's %v", names, drawn)
	}

	tensors, _, err := safetensors.Read(bytes.NewReader(exportFile(b, files, "export-weights", true)), 0)
	if err != nil {
		t.Fatalf("the weights do not read back: %v", err)
	}
	if len(tensors) != len(params) || len(params) == 0 {
		t.Errorf("%d tensors in the weights, want the trace's %d parameters", len(tensors), len(params))
	}
	for name, w := range tensors {
		i, ok := params[name]
		if !ok {
			t.Errorf("weights hold %s, which is no parameter of the trace", name)
			continue
		}
		n := trace.Nodes[i]
		if fmt.Sprint(w.Shape) != fmt.Sprint(n.Shape) {
			t.Errorf("weights %s shape %v, want the trace's %v", name, w.Shape, n.Shape)
			continue
		}
		for k, raw := range n.Value {
			var v float64
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("trace %s value %d = %s: %v", name, k, raw, err)
			}
			if w.Data[k] != float64(float32(v)) { // the weights file is float32
				t.Errorf("weights %s[%d] = %v, want the trace's %v as float32", name, k, w.Data[k], v)
				break
			}
		}
	}

	checkSVG(t, "graph", exportFile(b, files, "export-graph", true), `data-testid="node-layers.0.attn.head.1.probs"`)
	find(b, "layers.0.attn.head.1.probs")
	checkSVG(t, "heatmap", exportFile(b, files, "inspector-value-export", false), "")
	status := eval[string](b, `document.querySelector('[data-testid="export-status"]').dataset.filename`)
	if !strings.HasSuffix(status, ".svg") {
		t.Errorf("the page names the last download %q, want an .svg file", status)
	}
	b.checkClean()
}

// checkSVG checks that data is well-formed XML with an <svg> root that
// contains want.
func checkSVG(t *testing.T, what string, data []byte, want string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s export is not well-formed XML: %v", what, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s export's root element is %q, want svg", what, root)
	}
	if !strings.Contains(string(data), want) {
		t.Errorf("%s export lacks %s", what, want)
	}
}
