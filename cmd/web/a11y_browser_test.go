package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core's script, which `make test` and .ci/run install
// with npm ci from the repository's package-lock.json. It is a tool of the
// tests: the server never serves it.
var axePath = filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js")

var axeScript = sync.OnceValues(func() ([]byte, error) { return os.ReadFile(axePath) })

// needAxe returns axe-core's script. Without it the test is skipped,
// unless REQUIRE_BROWSER=1 (as in CI), which makes it fail.
func needAxe(t *testing.T) string {
	t.Helper()
	src, err := axeScript()
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			t.Fatalf("axe-core not installed (%v), and REQUIRE_BROWSER=1 forbids skipping the accessibility checks: run npm ci", err)
		}
		t.Skipf("axe-core not installed (%v): run npm ci (make test does) to run the accessibility checks", err)
	}
	return string(src)
}

// optionalAxe returns axe-core's script for a test that checks more than
// accessibility, or "" when it is not installed (then the test runs on
// without axe's checks, unless REQUIRE_BROWSER=1, which makes it fail).
func optionalAxe(t *testing.T) string {
	t.Helper()
	src, err := axeScript()
	if err != nil {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			t.Fatalf("axe-core not installed (%v), and REQUIRE_BROWSER=1 forbids skipping the accessibility checks: run npm ci", err)
		}
		t.Logf("axe-core not installed (%v): this test runs without its accessibility checks", err)
		return ""
	}
	return string(src)
}

// axeViolation is one rule axe found broken, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeRunJS runs axe with its default rules on the whole document and
// returns its violations. A target is a list of selectors (one per shadow
// root or frame on the way); the page has neither, so it is joined.
const axeRunJS = `axe.run(document).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : t).join(" "), summary: n.failureSummary || ""})),
})))`

// checkAxe runs axe-core (its script src; nothing when src is "") on the
// page as it is now and reports every violation: its rule, its impact,
// the help text and each element's selector. The script goes in through the DevTools protocol (a script
// tag would be blocked by the page's content security policy), again
// after every navigation.
func (b *browser) checkAxe(page, src string) {
	b.t.Helper()
	if src == "" {
		return
	}
	if !eval[bool](b, `typeof axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
			b.t.Fatalf("%s: inject axe-core: %v", page, err)
		}
	}
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: run axe-core: %v", page, err)
	}
	for _, v := range vs {
		var els strings.Builder
		for i, n := range v.Nodes {
			if i == 12 {
				fmt.Fprintf(&els, "\n      ... and %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&els, "\n      %s", n.Target)
			if i == 0 && n.Summary != "" {
				fmt.Fprintf(&els, "\n        %s", strings.ReplaceAll(n.Summary, "\n", "\n        "))
			}
		}
		b.t.Errorf("%s: axe %s (%s, %d elements): %s (%s)%s", page, v.ID, v.Impact, len(v.Nodes), v.Help, v.URL, els.String())
	}
}

// waitWidgets waits until every widget of the lesson page has drawn its
// graph: the server's SVG is in the page.
func waitWidgets(b *browser, slug string, ids []string) {
	b.t.Helper()
	for _, id := range ids {
		b.do(slug+" widget "+id, chromedp.WaitVisible(chromedp.CSS(widgetSel(id)+` [data-testid="graph"] svg .sg-node`)))
	}
}

// TestBrowserAxePages runs axe-core on the index and on every lesson once
// its widgets have drawn their graphs: no violation of its default rules.
func TestBrowserAxePages(t *testing.T) {
	src := needAxe(t)
	b := newBrowser(t)
	b.do("open the index", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-list"]`)))
	b.checkAxe("/", src)
	for _, l := range loadLessons(t) {
		b.do("open "+l.Slug, chromedp.Navigate(b.base+"/lessons/"+l.Slug), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson-title"]`)))
		var ids []string
		for _, w := range l.Widgets {
			ids = append(ids, w.ID)
		}
		waitWidgets(b, l.Slug, ids)
		b.checkAxe("/lessons/"+l.Slug, src)
	}
	b.checkClean()
}

// TestBrowserAxeLab runs axe-core on the Lab in every architecture, once
// when the graph is drawn and once at the end of the run, when the
// inspector and the attention panel show their maps.
func TestBrowserAxeLab(t *testing.T) {
	src := needAxe(t)
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	for _, arch := range []string{"encoder", "decoder", "encdec"} {
		page := "/lab?arch=" + arch
		openLab(b, "?arch="+arch)
		b.checkAxe(page, src)
		press(b, arch+": run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
		pollJS[bool](b, arch+": the maps", `!!document.querySelector('[data-testid="inspector-value"]') && !!document.querySelector('[data-testid="attention"] [data-testid$="-probs"]')`)
		b.checkAxe(page+" at the end of the run", src)
	}
	b.checkClean()
}
