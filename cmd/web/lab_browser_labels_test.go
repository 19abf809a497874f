package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shownAttention is one attention map of the Lab's panel as the page
// shows it: its data-testid, the kind and layer it says, and the labels
// along its rows and columns (data-rows, data-cols).
type shownAttention struct {
	Testid string `json:"testid"`
	Kind   string `json:"kind"`
	Layer  string `json:"layer"`
	Rows   string `json:"rows"`
	Cols   string `json:"cols"`
	Head   string `json:"head"`
	Drawn  string `json:"drawn"`  // the row labels drawn in the SVG, comma-joined
	KindID string `json:"kindID"` // the data-testid of the wrapper that names the head by its kind
}

const shownAttentionJS = `[...document.querySelectorAll('[data-testid="attention"] .attn-card figure[data-kind]')].map(f => ({
	testid: f.dataset.testid, kind: f.dataset.kind, layer: f.dataset.layer, rows: f.dataset.rows || "", cols: f.dataset.cols || "", head: f.closest('.attn-card').dataset.head,
	drawn: [...f.querySelectorAll('svg text.heatmap__label[text-anchor="end"]')].map(t => t.textContent).join(","),
	kindID: (f.closest('.attn-card-wrap') || {dataset: {}}).dataset.testid || "",
}))`

// labTrace is the part of the Lab's exported trace that names the tokens
// the engine read.
type labTrace struct {
	Tokens    []string `json:"tokens"`
	SrcTokens []string `json:"srcTokens"`
}

// wireAttention is the part of the server's attention message a test reads.
type wireAttention struct {
	Layers []struct {
		Name  string `json:"name"`
		Layer int    `json:"layer"`
		Kind  string `json:"kind"`
		Heads []struct {
			Head  int             `json:"head"`
			Probs json.RawMessage `json:"probs"`
		} `json:"heads"`
	} `json:"layers"`
}

// TestBrowserLabAttentionLabels opens the Lab with the input f c b for
// each architecture, runs the timeline and checks every attention map the
// panel shows, layer by layer: its kind is the server's for that layer
// and its row and column labels are the tokens the engine read, as the
// Lab's exported trace says (the source on both axes of an
// encoder-decoder's encoder, the source along the keys of
// cross-attention, the model's input elsewhere). The encoder-decoder's
// encoder once showed the decoder's tokens (| b c for f c b). The
// inspector's maps are labelled from the server too, with the axes named.
func TestBrowserLabAttentionLabels(t *testing.T) {
	for _, arch := range []string{"encoder", "decoder", "encdec"} {
		t.Run(arch, func(t *testing.T) {
			b := newBrowser(t)
			files := b.downloads(t.TempDir())
			b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
			openLab(b, "?arch="+arch+"&tokens=fcb")
			from := b.wireMark()
			press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
			att := b.waitWire("the attention maps of the run", from, "attention", func(m wireMsg) bool {
				return strings.Contains(string(m.Raw), `"probs":{`)
			})
			var wire wireAttention
			att.decode(b, &wire)
			var trace labTrace
			if err := json.Unmarshal(exportFile(b, files, "export-trace", true), &trace); err != nil {
				t.Fatalf("the trace is not JSON: %v", err)
			}
			src := trace.SrcTokens
			if arch != "encdec" {
				src = nil
			}
			if arch == "encdec" && strings.Join(src, "") != "fcb" || arch != "encdec" && !strings.HasPrefix(strings.Join(trace.Tokens, ""), "fcb") {
				t.Fatalf("the trace's tokens %v and source %v do not start with the input f c b", trace.Tokens, trace.SrcTokens)
			}
			tokens, source := strings.Join(trace.Tokens, ","), strings.Join(src, ",")
			kinds := map[string]string{} // layer name -> the server's kind
			for _, l := range wire.Layers {
				kinds[l.Name] = l.Kind
			}

			checked := 0
			for i, l := range wire.Layers {
				b.do("show layer "+l.Name, chromedp.Click(chromedp.CSS(sel(fmt.Sprintf("attention-layer-%d", i)))))
				shown := pollJS[[]shownAttention](b, "the maps of "+l.Name, `(() => { const m = `+shownAttentionJS+`; return m.length && m.every(x => x.layer === '`+l.Name+`') ? m : null; })()`)
				rows, cols := tokens, tokens
				switch {
				case l.Kind == "cross":
					cols = source
				case strings.HasPrefix(l.Name, "enc."):
					rows, cols = source, source
				}
				for _, m := range shown {
					checked++
					if m.Kind != kinds[m.Layer] {
						t.Errorf("%s: data-kind %q, want the server's %q for %s", m.Testid, m.Kind, kinds[m.Layer], m.Layer)
					}
					if m.Rows != rows || m.Cols != cols {
						t.Errorf("%s (%s): rows %q and columns %q, want the trace's %q by %q", m.Testid, m.Kind, m.Rows, m.Cols, rows, cols)
					}
					if m.Drawn != rows {
						t.Errorf("%s: the drawn row labels are %q, want %q", m.Testid, m.Drawn, rows)
					}
					if want := fmt.Sprintf("attention-%s-%d-%s", l.Kind, l.Layer, m.Head); m.KindID != want {
						t.Errorf("%s: its head's wrapper is %q, want %q", m.Testid, m.KindID, want)
					}
				}
				// Each head shows its scores, its mask and its probabilities.
				if len(shown) != 3*len(l.Heads) {
					t.Errorf("%s: %d maps shown for %d heads, want 3 each", l.Name, len(shown), len(l.Heads))
				}
			}
			if checked == 0 {
				t.Fatal("no attention map checked")
			}
			b.screenshot("lab-labels-" + arch + ".png")

			// The inspector: the probabilities of the first attention's head 0,
			// labelled and with the axes named as the server's node message says.
			first := wire.Layers[0].Name + ".head.0.probs"
			from = b.wireMark()
			find(b, first)
			node := b.waitWire("the node message of "+first, from, "node", func(m wireMsg) bool { return strings.Contains(string(m.Raw), `"name":"`+first+`"`) })
			var nm struct {
				Node struct {
					Value struct {
						RowAxis   string   `json:"rowAxis"`
						ColAxis   string   `json:"colAxis"`
						RowLabels []string `json:"rowLabels"`
						ColLabels []string `json:"colLabels"`
					} `json:"value"`
				} `json:"node"`
			}
			node.decode(b, &nm)
			v := nm.Node.Value
			got := pollJS[map[string]string](b, "the inspector's map", `(() => { const f = document.querySelector('[data-testid="inspector-value"]'); if (!f) return null; return {rows: f.dataset.rows || "", cols: f.dataset.cols || "", rowAxis: f.dataset.rowAxis || "", colAxis: f.dataset.colAxis || "", axes: (f.querySelector('.heatmap__axes') || {}).textContent || ""}; })()`)
			want := map[string]string{"rows": strings.Join(v.RowLabels, ","), "cols": strings.Join(v.ColLabels, ","), "rowAxis": v.RowAxis, "colAxis": v.ColAxis}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("inspector of %s: %s = %q, want the server's %q", first, k, got[k], w)
				}
			}
			if wantRows := map[bool]string{true: source, false: tokens}[arch == "encdec"]; got["rows"] != wantRows {
				t.Errorf("inspector of %s: rows %q, want the trace's %q", first, got["rows"], wantRows)
			}
			if v.RowAxis == "" || !strings.Contains(got["axes"], v.RowAxis) || !strings.Contains(got["axes"], v.ColAxis) {
				t.Errorf("inspector of %s names its axes %q, want the server's %q and %q", first, got["axes"], v.RowAxis, v.ColAxis)
			}
			b.checkClean()
		})
	}
}
