package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// graphZoom is what the page shows of a lesson graph's zoom: the level
// the bar prints and the width of the SVG's viewBox (the window onto the
// server's layout, in its units).
type graphZoom struct {
	Level int     `json:"level"`
	Width float64 `json:"width"`
}

// zoomJS returns the graphZoom of the widget whose selector is %[1]s.
const zoomJS = `(() => {
	const svg = document.querySelector('%[1]s [data-testid="graph"] svg');
	const level = document.querySelector('%[1]s [data-testid="zoom-level"]');
	return svg && level ? {level: Number.parseInt(level.textContent, 10), width: svg.viewBox.baseVal.width} : null;
})()`

// outsideJS lists the names (data-name, as the server drew them) of the
// widget's nodes whose box is not wholly inside its graph's box, in the
// order of the server's SVG. Half a pixel allows for subpixel layout.
const outsideJS = `(() => {
	const box = document.querySelector('%[1]s [data-testid="graph"]').getBoundingClientRect();
	const inside = (r) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
	return [...document.querySelectorAll('%[1]s [data-testid="graph"] svg .sg-node')].filter(g => !inside(g.getBoundingClientRect())).map(g => g.dataset.name);
})()`

// drawnBox is the box around everything the server drew and the graph's
// box, as [left, top, right, bottom] each, in pixels of the page.
type drawnBox struct {
	Drawn []float64 `json:"drawn"`
	Box   []float64 `json:"box"`
}

// drawnJS returns the drawnBox of the widget whose selector is %[1]s:
// what the server drew is its nodes, edges and scope frames.
const drawnJS = `(() => {
	const box = document.querySelector('%[1]s [data-testid="graph"]').getBoundingClientRect();
	const parts = [...document.querySelectorAll('%[1]s [data-testid="graph"] svg :is(.sg-node, .sg-edge, .sg-scope-frame)')].map(e => e.getBoundingClientRect());
	if (!parts.length) return null;
	const all = [Math.min(...parts.map(r => r.left)), Math.min(...parts.map(r => r.top)), Math.max(...parts.map(r => r.right)), Math.max(...parts.map(r => r.bottom))];
	return {drawn: all, box: [box.left, box.top, box.right, box.bottom]};
})()`

// TestBrowserLessonGraphView uses the graph view of a lesson widget (the
// first MLP widget and the first attention widget): zoom in makes the
// printed level grow and the viewBox narrower; Fit brings everything the
// server drew inside the graph's box, where labels 11 pixels tall allow it
// (else it shows the graph's top at that size); and a search for a node
// the server drew (one left out of view after zooming in) brings it into
// view and shows it in the inspector.
func TestBrowserLessonGraphView(t *testing.T) {
	b := newBrowser(t)
	ls := loadLessons(t)
	for _, kind := range []string{"mlp", "attention"} {
		l, w := firstLessonWith(t, ls, kind)
		root := openLesson(b, l.Slug, w.ID)
		in := func(id string) string { return root + ` [data-testid="` + id + `"]` }
		for _, id := range []string{"graph-search", "zoom-out", "zoom-level", "zoom-in", "fit"} {
			if !eval[bool](b, `!!document.querySelector('`+in(id)+`')`) {
				t.Fatalf("%s widget %s has no %s control in its graph bar", kind, w.ID, id)
			}
		}
		b.do("scroll to the widget", chromedp.ScrollIntoView(chromedp.CSS(root)))

		// Zoom in: the level grows and the window onto the layout narrows.
		before := pollJS[graphZoom](b, kind+": the graph's zoom", fmt.Sprintf(zoomJS, root))
		b.do(kind+": zoom in", chromedp.Click(chromedp.CSS(in("zoom-in"))))
		after := pollJS[graphZoom](b, kind+": the zoom after zoom in", fmt.Sprintf(`(() => { const z = %s; return z && z.level !== %d ? z : null; })()`, fmt.Sprintf(zoomJS, root), before.Level))
		if after.Level <= before.Level || after.Width >= before.Width {
			t.Errorf("%s: zoom in went from level %d%% (viewBox width %v) to %d%% (%v), want a higher level and a narrower viewBox", kind, before.Level, before.Width, after.Level, after.Width)
		}

		// Fit: everything the server drew is inside the graph's box, when
		// it can be with labels of 11 pixels; a graph too tall for that (the
		// attention widget's, 2612 units) is shown from its top with every
		// label in view readable, and pans.
		b.do(kind+": fit", chromedp.Click(chromedp.CSS(in("fit"))))
		fit := pollJS[drawnBox](b, kind+": the drawing", fmt.Sprintf(drawnJS, root))
		d, g := fit.Drawn, fit.Box
		if whole := readableHeight(b, root, w.ID); whole <= g[3]-g[1] {
			if d[0] < g[0]-0.5 || d[1] < g[1]-0.5 || d[2] > g[2]+0.5 || d[3] > g[3]+0.5 {
				t.Errorf("%s: after Fit the drawing spans %v, want it inside the graph's box %v", kind, d, g)
			}
			if out := eval[[]string](b, fmt.Sprintf(outsideJS, root)); len(out) > 0 {
				t.Errorf("%s: after Fit the nodes %v are outside the graph's box", kind, out)
			}
		} else {
			if kind == "mlp" {
				t.Errorf("%s: a box of %.0f pixels does not show the MLP's graph whole with readable labels (%.0f pixels)", kind, g[3]-g[1], whole)
			}
			checkReadable(t, kind+": after Fit", pollJS[[]shownLabel](b, kind+": the labels after Fit", fmt.Sprintf(labelsJS, root)))
			if d[1] < g[1]-0.5 || d[1] > g[1]+0.5*readableLabel*4 {
				t.Errorf("%s: after Fit the drawing starts at y %v, want the top of the graph at the box's top %v", kind, d[1], g[1])
			}
		}
		b.shootWidget("lesson-graph-"+kind+"-fit.png", root)

		// Zoom in until some node the server drew is out of view, then find
		// the last of them by name.
		var out []string
		for range 8 {
			b.do(kind+": zoom in", chromedp.Click(chromedp.CSS(in("zoom-in"))))
			if out = eval[[]string](b, fmt.Sprintf(outsideJS, root)); len(out) > 0 {
				break
			}
		}
		if len(out) == 0 {
			t.Fatalf("%s: eight zooms in left every node in view", kind)
		}
		node := out[len(out)-1]
		b.do(kind+": find "+node,
			chromedp.Click(chromedp.CSS(in("graph-search"))),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent(node+"\r"))
		pollJS[bool](b, kind+": "+node+" in the inspector", `document.querySelector('`+in("inspector-name")+`')?.textContent === '`+node+`'`)
		if !eval[bool](b, `document.querySelector('`+in("inspector")+`').textContent.includes('`+node+`')`) {
			t.Errorf("%s: the inspector does not name %s after the search", kind, node)
		}
		for _, name := range eval[[]string](b, fmt.Sprintf(outsideJS, root)) {
			if name == node {
				t.Errorf("%s: after searching for %s it is still out of view", kind, node)
			}
		}
		b.shootWidget("lesson-graph-"+kind+"-search.png", root)
	}
	b.checkClean()
}

// readableHeight returns the pixels a widget's box must have to show the
// server's whole graph (its height in the graph message) with node labels
// readableLabel pixels tall, the height the browser gives a label of the
// server's SVG at scale 1 setting the scale.
func readableHeight(b *browser, root, widget string) float64 {
	b.t.Helper()
	var g wireGraph
	var msgs []wireMsg
	b.sync() // every frame the page has read is recorded
	for _, m := range b.wire(0, "graph") {
		if m.Widget == widget {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		b.t.Fatalf("no graph message for widget %s", widget)
	}
	msgs[len(msgs)-1].decode(b, &g)
	label := eval[float64](b, `(() => { const t = document.querySelector('`+root+` [data-testid="graph"] .sg-node-label'); return t.getBoundingClientRect().height / (document.querySelector('`+root+` [data-testid="graph"]').clientWidth / t.ownerSVGElement.viewBox.baseVal.width); })()`)
	return g.Height*readableLabel/label + 24 // 24: the padding around a fitted graph (graph-view.js PAD)
}
