package main

import (
	"fmt"
	"math"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabbableJS is the page's Tab order as a list of elements: every element
// the Tab key can reach, in document order (no page uses a positive
// tabindex), leaving out disabled and unrendered ones and the contents of
// closed <details> but their <summary>.
const tabbableJS = `(() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')].filter(e => {
	if (e.disabled || e.tabIndex < 0 || !e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') return false;
	for (let d = e.closest('details:not([open])'); d; d = d.parentElement && d.parentElement.closest('details:not([open])')) {
		const summary = d.querySelector(':scope > summary');
		if (!summary || !summary.contains(e)) return false;
	}
	return true;
}))`

// graphTabJS focuses the last element of the Tab order before the graph
// of the widget %[1]s and returns the data-testid (or tag) of it and of
// the first element after the graph.
const graphTabJS = `(() => {
	const graph = document.querySelector('%[1]s [data-testid="graph"]');
	const all = ` + tabbableJS + `();
	const before = all.filter(e => !graph.contains(e) && (graph.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING));
	const after = all.filter(e => !graph.contains(e) && (graph.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
	const last = before[before.length - 1];
	last.focus();
	window.sgAfterGraph = after[0];
	const id = (e) => e ? (e.dataset.testid || e.tagName) : "";
	return [id(last), id(after[0]), document.activeElement === last ? "focused" : "not focused"];
})()`

// graphFocus is the node of a graph that has the focus: its name
// (data-name, as the server drew it), its place in the server's SVG, the
// middle and height of its box in the server's layout (the SVG's units),
// and whether the box lies inside the graph's box on the screen. Nodes
// are every node of the SVG with its middle.
type graphFocus struct {
	Name   string  `json:"name"`
	Index  int     `json:"index"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	H      float64 `json:"h"`
	Inside bool    `json:"inside"`
	Nodes  []struct {
		Name string  `json:"name"`
		X    float64 `json:"x"`
		Y    float64 `json:"y"`
	} `json:"nodes"`
	Stops int `json:"stops"` // elements of the graph in the Tab order
}

const graphFocusJS = `(() => {
	const graph = document.querySelector('%[1]s [data-testid="graph"]');
	const nodes = [...graph.querySelectorAll('svg .sg-node')];
	const mid = (g) => {
		const at = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(g.getAttribute('transform'));
		const box = g.querySelector('.sg-node-box');
		const w = Number(box.getAttribute('width')), h = Number(box.getAttribute('height'));
		return {name: g.dataset.name, x: Number(at[1]) + w / 2, y: Number(at[2]) + h / 2, h};
	};
	const g = document.activeElement && document.activeElement.closest && document.activeElement.closest('.sg-node');
	if (!g || !graph.contains(g)) return null;
	const m = mid(g), r = g.querySelector('.sg-node-box').getBoundingClientRect(), box = graph.getBoundingClientRect();
	return {
		name: g.dataset.name, index: nodes.indexOf(g), x: m.x, y: m.y, h: m.h,
		inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5,
		nodes: nodes.map(mid),
		stops: [...graph.querySelectorAll('[tabindex]')].filter(e => e.tabIndex >= 0).length,
	};
})()`

// TestBrowserGraphKeyboard drives the graph view of the Lab and of a
// lesson's MLP widget with keys only. The graph is one Tab stop: Tab from
// the control before it lands on a node, the next Tab on the control
// after it, Shift+Tab comes back to the node. The arrow keys move to the
// nearest node on the row below or above and to the next one left or
// right on the same row, Home and End to the first and last node of the
// server's SVG, each brought into view; Enter inspects the focused node.
func TestBrowserGraphKeyboard(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	l, w := firstLessonWith(t, loadLessons(t), "mlp")
	for _, page := range []struct{ name, shot, url, root string }{
		{"lab", "lab", "/lab", `[data-testid="widget-lab"]`},
		{l.Slug + " " + w.ID, "lesson", "/lessons/" + l.Slug, widgetSel(w.ID)},
	} {
		b.do(page.name+": open", chromedp.Navigate(b.base+page.url),
			chromedp.WaitVisible(chromedp.CSS(page.root+` [data-testid="graph"] svg .sg-node`)),
			chromedp.WaitEnabled(chromedp.CSS(page.root+` [data-testid="step-forward"]`)))
		focus := func(what string) graphFocus {
			t.Helper()
			return pollJS[graphFocus](b, page.name+": "+what, fmt.Sprintf(graphFocusJS, page.root))
		}

		// In with one Tab, out with the next.
		ids := eval[[]string](b, fmt.Sprintf(graphTabJS, page.root))
		if ids[2] != "focused" {
			t.Fatalf("%s: could not focus %s, the control before the graph", page.name, ids[0])
		}
		b.do(page.name+": tab into the graph", key(kb.Tab))
		first := focus("the focus in the graph after one Tab from " + ids[0])
		if first.Index != 0 {
			t.Errorf("%s: Tab from %s focused node %s (number %d of the SVG), want the first, %s", page.name, ids[0], first.Name, first.Index, first.Nodes[0].Name)
		}
		if first.Stops != 1 {
			t.Errorf("%s: the graph has %d elements in the Tab order, want 1", page.name, first.Stops)
		}
		b.do(page.name+": tab out of the graph", key(kb.Tab))
		if !eval[bool](b, `document.activeElement === window.sgAfterGraph`) {
			t.Errorf("%s: the Tab after the graph focused %s, want %s, the control after it", page.name, focused(b), ids[1])
		}
		b.do(page.name+": shift+tab back", key(kb.Tab, chromedp.ModifierShift))
		if back := focus("the focus after Shift+Tab"); back.Name != first.Name {
			t.Errorf("%s: Shift+Tab from %s focused %s, want %s again", page.name, ids[1], back.Name, first.Name)
		}

		// The arrows: down to the nearest row, along it, and back.
		at := first
		move := func(k, what string) graphFocus {
			t.Helper()
			before := at.Name
			b.do(page.name+": "+what, key(k))
			at = pollJS[graphFocus](b, page.name+": "+what, fmt.Sprintf(`(() => { const f = %s; return f && f.name !== %q ? f : null; })()`, fmt.Sprintf(graphFocusJS, page.root), before))
			if !at.Inside {
				t.Errorf("%s: after %s the focused node %s is not inside the graph's box", page.name, what, at.Name)
			}
			return at
		}
		from := at
		down := move(kb.ArrowDown, "↓")
		if down.Y-from.Y < from.H/2 {
			t.Errorf("%s: ↓ from %s went to %s at y %v, want a node below y %v", page.name, from.Name, down.Name, down.Y, from.Y)
		}
		for _, n := range from.Nodes {
			if n.Y-from.Y >= from.H/2 && n.Y < down.Y-from.H/2 {
				t.Errorf("%s: ↓ from %s skipped the row of %s (y %v) for %s (y %v)", page.name, from.Name, n.Name, n.Y, down.Name, down.Y)
			}
			if math.Abs(n.Y-down.Y) < from.H/2 && math.Abs(n.X-from.X) < math.Abs(down.X-from.X)-0.5 {
				t.Errorf("%s: ↓ from %s went to %s, but %s on that row is nearer", page.name, from.Name, down.Name, n.Name)
			}
		}
		// Along the first row below that has a second node, and back.
		row := down
		for side(row) == 0 && hasBelow(row) {
			row = move(kb.ArrowDown, "↓ to a row with two nodes")
		}
		dir := side(row)
		if dir == 0 {
			t.Fatalf("%s: no row below %s has a second node", page.name, from.Name)
		}
		there, back := "→", "←"
		if dir < 0 {
			there, back = back, there
		}
		arrows := map[string]string{"→": kb.ArrowRight, "←": kb.ArrowLeft}
		next := move(arrows[there], there)
		if math.Abs(next.Y-row.Y) >= row.H/2 || dir*(next.X-row.X) <= 0 {
			t.Errorf("%s: %s from %s (%v, %v) went to %s (%v, %v), want the next node that way on the row", page.name, there, row.Name, row.X, row.Y, next.Name, next.X, next.Y)
		}
		for _, n := range row.Nodes {
			if math.Abs(n.Y-row.Y) < row.H/2 && dir*(n.X-row.X) > 0.5 && dir*(next.X-n.X) > 0.5 {
				t.Errorf("%s: %s from %s skipped %s for %s", page.name, there, row.Name, n.Name, next.Name)
			}
		}
		if again := move(arrows[back], back); again.Name != row.Name {
			t.Errorf("%s: %s after %s went to %s, want %s back", page.name, back, there, again.Name, row.Name)
		}
		up := move(kb.ArrowUp, "↑")
		if row.Y-up.Y < row.H/2 {
			t.Errorf("%s: ↑ from %s went to %s at y %v, want a node above y %v", page.name, row.Name, up.Name, up.Y, row.Y)
		}
		if end := move(kb.End, "End"); end.Index != len(end.Nodes)-1 {
			t.Errorf("%s: End focused %s (number %d), want the SVG's last node %s", page.name, end.Name, end.Index, end.Nodes[len(end.Nodes)-1].Name)
		}
		if home := move(kb.Home, "Home"); home.Index != 0 {
			t.Errorf("%s: Home focused %s (number %d), want the SVG's first node %s", page.name, home.Name, home.Index, home.Nodes[0].Name)
		}
		target := move(kb.End, "End again")

		// Enter inspects the focused node; the keys stepped nothing.
		b.do(page.name+": Enter", key(kb.Enter))
		pollJS[bool](b, page.name+": "+target.Name+" in the inspector", `document.querySelector('`+page.root+` [data-testid="inspector-name"]')?.textContent === '`+target.Name+`'`)
		if c := eval[string](b, `document.querySelector('`+page.root+` [data-testid="cursor"]').dataset.index || "0"`); c != "0" {
			t.Errorf("%s: the keys in the graph moved the cursor to step %s, want 0", page.name, c)
		}
		b.screenshotOf("graph-keyboard-"+page.shot+".png", page.root+` [data-testid="graph"]`)
	}
	b.checkClean()
}

// hasBelow reports whether a node lies on a row below f's.
func hasBelow(f graphFocus) bool {
	for _, n := range f.Nodes {
		if n.Y-f.Y >= f.H/2 {
			return true
		}
	}
	return false
}

// side returns 1 when a node lies to the right of f's on its row, else
// -1 when one lies to the left, else 0.
func side(f graphFocus) float64 {
	left := false
	for _, n := range f.Nodes {
		if math.Abs(n.Y-f.Y) < f.H/2 && n.Name != f.Name {
			if n.X > f.X {
				return 1
			}
			left = true
		}
	}
	if left {
		return -1
	}
	return 0
}
