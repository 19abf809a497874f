package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The sizes of a phone held upright and of a tablet.
const (
	phoneW, phoneH   = 390, 844
	tabletW, tabletH = 820, 1180
	minTarget        = 44 // CSS pixels a control takes, at least, to be tapped
)

// sidewaysJS returns how wide the page is against the window: a page that
// scrolls sideways is wider.
const sidewaysJS = `[document.documentElement.scrollWidth, innerWidth]`

// smallTargetsJS lists every visible control of the page smaller than
// %[1]d×%[1]d pixels, with its size. A control is a button, field, menu,
// tab, summary, or link of a toolbar, header or navigation; a link in the
// text of a lesson is not (it is as tall as its line, as WCAG's target
// size allows). A field hidden for its label (a file input, a switch's
// checkbox) and a checkbox beside its label are measured by the label,
// which takes the taps. The graph's
// nodes are not: they are as large as the learner zooms them.
const smallTargetsJS = `(() => {
	const min = %[1]d;
	const controls = document.querySelectorAll('button, input, select, textarea, summary, [role="tab"], [role="button"]:not(svg *), .site-header a, nav a, [role="toolbar"] a, .lab-teaser a');
	const out = [];
	for (let e of controls) {
		if (e.type === 'hidden') continue;
		const box = e.getBoundingClientRect(), label = e.labels && e.labels[0];
		if (box.width <= 1 && box.height <= 1) {
			if (!label) continue; // visually hidden, with no label to stand for it
			e = label;
		} else if ((e.type === 'checkbox' || e.type === 'radio') && label) {
			e = label;
		}
		if (!e.getClientRects().length || getComputedStyle(e).visibility === 'hidden' || e.closest('details:not([open]) > :not(summary)')) continue;
		const r = e.getBoundingClientRect();
		if (r.width + 0.5 < min || r.height + 0.5 < min) {
			out.push((e.dataset.testid || e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')) + ' ' + Math.round(r.width) + '×' + Math.round(r.height) + (e.textContent.trim() ? ' "' + e.textContent.trim().slice(0, 20) + '"' : ''));
		}
	}
	return out;
})()`

// checkPhonePage checks the page as it is: it does not scroll sideways,
// every control is large enough to tap, and axe-core (script axe, when
// installed) finds no violation.
func checkPhonePage(b *browser, page, axe string) {
	b.t.Helper()
	if w := eval[[]float64](b, sidewaysJS); w[0] > w[1] || w[0] > phoneW {
		b.t.Errorf("%s: the page is %v pixels wide in a %v-pixel window (%d on the phone): it scrolls sideways", page, w[0], w[1], phoneW)
	}
	if small := eval[[]string](b, fmt.Sprintf(smallTargetsJS, minTarget)); len(small) > 0 {
		b.t.Errorf("%s: %d controls smaller than %d×%d pixels: %v", page, len(small), minTarget, minTarget, small)
	}
	b.checkAxe(page+" on a phone", axe)
}

// TestBrowserPhone opens the index, every lesson (once its widgets drew
// their graphs) and the Lab on a phone's screen: no page scrolls
// sideways, and every visible control is at least 44×44 pixels. The Lab
// shows one panel at a time: each of graph, inspector, attention and
// training is reached through its tab (by a tap, and by the arrow keys
// from tab to tab) and then shows at a size to use, the others hidden.
// axe-core checks every page and every panel. On a laptop's screen the
// same page shows every panel, and no tabs.
func TestBrowserPhone(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	b.do("phone screen", chromedp.EmulateViewport(phoneW, phoneH))
	b.do("open the index", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-list"]`)))
	checkPhonePage(b, "/", axe)
	for _, l := range loadLessons(t) {
		b.do("open "+l.Slug, chromedp.Navigate(b.base+"/lessons/"+l.Slug), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
		var ids []string
		for _, w := range l.Widgets {
			ids = append(ids, w.ID)
		}
		waitWidgets(b, l.Slug, ids)
		checkPhonePage(b, "/lessons/"+l.Slug, axe)
	}

	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	waitHeads(b, 2)
	panels := []struct{ tab, panel string }{
		{"lab-tab-graph", sel("graph")},
		{"lab-tab-inspector", sel("inspector")},
		{"lab-tab-attention", sel("attention")},
		{"lab-tab-training", sel("hyper")},
	}
	shown := func(css string) []float64 {
		return eval[[]float64](b, `(() => { const r = document.querySelector('`+css+`').getBoundingClientRect(); return [r.width, r.height]; })()`)
	}
	for i, p := range panels {
		if i == 0 {
			b.do("tap "+p.tab, chromedp.Click(chromedp.CSS(sel(p.tab))))
		} else {
			// The arrow key moves from the last tab to this one.
			b.do("→ to "+p.tab, key(kb.ArrowRight))
		}
		pollJS[bool](b, p.tab+" chosen", `document.querySelector('`+sel(p.tab)+`').getAttribute('aria-selected') === 'true' && document.activeElement === document.querySelector('`+sel(p.tab)+`')`)
		if s := shown(p.panel); s[0] < 300 || s[1] < 200 {
			t.Errorf("%s: the panel %s shows %v×%v pixels, want at least 300×200", p.tab, p.panel, s[0], s[1])
		}
		for _, o := range panels {
			if o.tab != p.tab {
				if s := shown(o.panel); s[0] > 0 || s[1] > 0 {
					t.Errorf("%s chosen: the panel %s shows too (%v×%v)", p.tab, o.panel, s[0], s[1])
				}
			}
		}
		checkPhonePage(b, "/lab, "+p.tab, axe)
		b.screenshot("phone-lab-" + p.tab + ".png")
	}
	// The graph bar's menus, open, fit the screen and their items the finger.
	b.do("tap the graph's tab", chromedp.Click(chromedp.CSS(sel("lab-tab-graph"))))
	for _, menu := range []string{"scopes-menu", "export-menu"} {
		b.do("open "+menu, chromedp.Click(chromedp.CSS(sel(menu))))
		pollJS[bool](b, menu+" open", `document.querySelector('`+sel(menu)+`').parentElement.open`)
		checkPhonePage(b, "/lab, "+menu+" open", axe)
		b.screenshot("phone-lab-" + menu + ".png")
		b.do("close "+menu, key(kb.Escape))
		pollJS[bool](b, menu+" closed", `!document.querySelector('`+sel(menu)+`').parentElement.open`)
	}

	// A model built while its graph's tab is hidden gets the first view a
	// link to it gets, once the tab shows.
	b.do("tap the training tab", chromedp.Click(chromedp.CSS(sel("lab-tab-training"))))
	setField(b, "heads", "4")
	pollJS[bool](b, "four heads", `!!document.querySelector('[data-testid="node-layers.0.attn.head.3.probs"]')`)
	b.do("tap the graph's tab", chromedp.Click(chromedp.CSS(sel("lab-tab-graph"))))
	viewBox := `document.querySelector('[data-testid="graph"] svg').getAttribute('viewBox')`
	hidden := pollJS[string](b, "the graph's view", `document.querySelector('[data-testid="graph"]').clientWidth > 0 && `+viewBox)
	openLab(b, "?heads=4")
	if fresh := eval[string](b, viewBox); hidden != fresh {
		t.Errorf("the graph built while hidden shows viewBox %q, a fresh page %q", hidden, fresh)
	}

	// The tabs are an ARIA tablist of tabs that control tabpanels.
	if bad := eval[[]string](b, `[...document.querySelectorAll('[role="tab"]')].filter(t => t.closest('[role="tablist"]') === null || document.getElementById(t.getAttribute('aria-controls'))?.getAttribute('role') !== 'tabpanel').map(t => t.dataset.testid)`); len(bad) > 0 {
		t.Errorf("tabs outside a tablist or without a tabpanel: %v", bad)
	}

	// Wider, the tabs go and every panel shows, as no tab panel.
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	pollJS[bool](b, "the lab's tabs hidden", `!document.querySelector('[data-testid="lab-tabs"]').getClientRects().length`)
	for _, p := range panels {
		if s := shown(p.panel); s[0] == 0 || s[1] == 0 {
			t.Errorf("on a laptop's screen the panel %s shows %v×%v pixels", p.panel, s[0], s[1])
		}
	}
	if n := eval[int](b, `document.querySelectorAll('[role="tabpanel"]').length`); n != 0 {
		t.Errorf("on a laptop's screen %d elements are tab panels, want none", n)
	}
	b.checkClean()
}

// TestBrowserTablet opens the index, every lesson and the Lab on a tablet
// held upright: no page scrolls sideways, and the Lab shows no tabs.
func TestBrowserTablet(t *testing.T) {
	b := newBrowser(t)
	b.do("tablet screen", chromedp.EmulateViewport(tabletW, tabletH))
	pages := []string{"/", "/lab"}
	for _, l := range loadLessons(t) {
		pages = append(pages, "/lessons/"+l.Slug)
	}
	for _, p := range pages {
		b.do("open "+p, chromedp.Navigate(b.base+p), chromedp.WaitVisible(chromedp.CSS(`#main`)))
		pollJS[bool](b, p+": the graphs", `[...document.querySelectorAll('.sg-widget, [data-lab-widget]')].every(w => w.querySelector('[data-testid="graph"] svg .sg-node'))`)
		if w := eval[[]float64](b, sidewaysJS); w[0] > w[1] || w[0] > tabletW {
			t.Errorf("%s: the page is %v pixels wide in a %v-pixel window (%d on the tablet): it scrolls sideways", p, w[0], w[1], tabletW)
		}
		if p == "/lab" && eval[bool](b, `document.querySelector('[data-testid="lab-tabs"]').getClientRects().length > 0`) {
			t.Errorf("the Lab shows its tabs on a tablet")
		}
	}
	b.checkClean()
}
