package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// The gradient check in the browser (gradcheck.js): the numbers the page
// shows are the engine's, computed here in Go from the same exhibit the
// server runs, never read back from the page's own state.

// jsNum writes a gradient as the page does (gradcheck.js num): "0" for
// zero; JavaScript's x.toPrecision(8) from 0.001 to 10000; else
// x.toExponential(7).
func jsNum(x float64) string {
	if x == 0 {
		return "0"
	}
	if a := math.Abs(x); a < 1e-3 || a >= 1e4 {
		return jsExpo(x, 7)
	}
	return jsPrecision(x, 8)
}

// jsPrecision is JavaScript's x.toPrecision(p), for x other than 0.
func jsPrecision(x float64, p int) string {
	mant, exp, _ := strings.Cut(strconv.FormatFloat(x, 'e', p-1, 64), "e")
	e, _ := strconv.Atoi(exp)
	if e < -6 || e >= p {
		return mant + "e" + jsExp(e)
	}
	return strconv.FormatFloat(x, 'f', p-1-e, 64)
}

// jsExpo is JavaScript's x.toExponential(digits).
func jsExpo(x float64, digits int) string {
	mant, exp, _ := strings.Cut(strconv.FormatFloat(x, 'e', digits, 64), "e")
	e, _ := strconv.Atoi(exp)
	return mant + "e" + jsExp(e)
}

// jsExponential writes a relative error as the page does (gradcheck.js
// sci): "0" for zero, else JavaScript's x.toExponential(1).
func jsExponential(x float64) string {
	if x == 0 {
		return "0"
	}
	return jsExpo(x, 1)
}

// jsExp writes an exponent as JavaScript does: a sign, no leading zeros.
func jsExp(e int) string {
	if e < 0 {
		return strconv.Itoa(e)
	}
	return "+" + strconv.Itoa(e)
}

// TestJSNumberFormats checks the Go mirror of the page's number formats
// against what JavaScript writes for the same numbers.
func TestJSNumberFormats(t *testing.T) {
	for _, c := range []struct {
		x         float64
		prec, sci string
	}{
		// What node writes for x.toPrecision(8) and x.toExponential(7 and 1).
		{0.012345678912, "0.012345679", "1.2e-2"},
		{-1.5, "-1.5000000", "-1.5e+0"},
		{-0.0071911165, "-0.0071911165", "-7.2e-3"},
		{-9.13318241e-6, "-9.1331824e-6", "-9.1e-6"},
		{1.234e-9, "1.2340000e-9", "1.2e-9"},
		{123456789, "1.2345679e+8", "1.2e+8"},
		{0, "0", "0"},
	} {
		if got := jsNum(c.x); got != c.prec {
			t.Errorf("jsNum(%v) = %q, want %q", c.x, got, c.prec)
		}
		if got := jsExponential(c.x); got != c.sci {
			t.Errorf("jsExponential(%v) = %q, want %q", c.x, got, c.sci)
		}
	}
}

// shownCheck is the result panel of a check as the page shows it.
type shownCheck struct {
	Badge string     `json:"badge"`
	Worst string     `json:"worst"`
	Note  string     `json:"note"`
	Rows  [][]string `json:"rows"` // data-index, autograd, numeric
	Head  string     `json:"head"`
}

// readCheckJS reads the result panel under root, once it shows one.
const readCheckJS = `(() => {
	const r = document.querySelector('%s [data-testid="grad-check-result"]');
	if (!r || !r.querySelector('[data-testid="grad-check-badge"]')) return null;
	const q = (id) => r.querySelector('[data-testid="' + id + '"]').textContent;
	return {
		badge: q("grad-check-badge"), worst: q("grad-check-worst"), note: q("grad-check-note"),
		head: r.querySelector(".gc__head").textContent,
		rows: [...r.querySelectorAll('[data-testid="grad-check-row"]')].map(tr => [tr.dataset.index,
			tr.querySelector('[data-testid="grad-check-autograd"]').textContent,
			tr.querySelector('[data-testid="grad-check-numeric"]').textContent]),
	};
})()`

// checkShown compares the page's result panel with the engine's check c:
// the badge, the max relative error, the note, and autograd and numeric
// of every row the panel lists (the first of c's entries).
func checkGradShown(t *testing.T, what string, got shownCheck, c exhibit.GradCheck) {
	t.Helper()
	want := "mismatch"
	if c.Match() {
		want = "match"
	}
	if got.Badge != want || got.Worst != jsExponential(c.Worst) || !strings.Contains(got.Head, "tolerance 1e-6") {
		t.Errorf("%s: the page shows %q, worst %q (%q); the engine computes %s, worst %s, tolerance 1e-6", what, got.Badge, got.Worst, got.Head, want, jsExponential(c.Worst))
	}
	if n := min(len(c.Entries), 8); len(got.Rows) != n {
		t.Fatalf("%s: the page lists %d entries, want the first %d", what, len(got.Rows), n)
	}
	for i, row := range got.Rows {
		e := c.Entries[i]
		if row[0] != strconv.Itoa(e.Index) || row[1] != jsNum(e.Autograd) || row[2] != jsNum(e.Numeric) {
			t.Errorf("%s row %d: the page shows entry %s autograd %s numeric %s; the engine: entry %d autograd %s numeric %s",
				what, i, row[0], row[1], row[2], e.Index, jsNum(e.Autograd), jsNum(e.Numeric))
		}
	}
}

// engineCheck builds the exhibit of kind with opts, as the page's server
// does, runs its timeline to the end and checks node.
func engineCheck(t *testing.T, kind string, opts map[string]string, node string) exhibit.GradCheck {
	t.Helper()
	k, _ := exhibit.KindOf(kind)
	ex, e := k.Build(opts)
	if e != nil {
		t.Fatal(e)
	}
	ex.Stepping().RunToEnd()
	c, e := ex.Stepping().CheckGradient(node, exhibit.MaxCheckEntries)
	if e != nil {
		t.Fatal(e)
	}
	return c
}

// TestBrowserLabGradCheck runs the Lab's timeline to the end of the
// backward pass, inspects the parameter layers.0.ffn.w1 and checks its
// gradient: the page shows "match" and the numbers the engine computes
// for it, says it checked a seeded sample of 64 of its 1024 entries, and
// its view of the gradient is as it was. Then "Check every parameter"
// fills a row for each of the 22 parameters, each the engine's worst
// relative error and a match. axe-core checks the page with both shown.
func TestBrowserLabGradCheck(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	openLab(b, "")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	find(b, "layers.0.ffn.w1")
	gradBefore := eval[string](b, `document.querySelector('[data-testid="inspector-grad"]').textContent`)
	b.do("check the gradient", chromedp.Click(chromedp.CSS(sel("grad-check"))))
	got := pollJS[shownCheck](b, "the check's result", strings.Replace(readCheckJS, "%s", "", 1))
	c := engineCheck(t, "lab", nil, "layers.0.ffn.w1")
	checkGradShown(t, "lab layers.0.ffn.w1", got, c)
	if got.Note != "checked 64 of 1024 entries, seeded sample" {
		t.Errorf("the page says %q of the entries checked", got.Note)
	}
	if after := eval[string](b, `document.querySelector('[data-testid="inspector-grad"]').textContent`); after != gradBefore {
		t.Errorf("the gradient's view changed with the check")
	}

	b.do("check every parameter", chromedp.Click(chromedp.CSS(sel("grad-check-all"))))
	pollJS[bool](b, "every parameter checked", `document.querySelector('[data-testid="grad-check-progress"]')?.textContent === "Checked 22 of 22 parameters"`)
	rows := eval[[][]string](b, `[...document.querySelectorAll('[data-testid="grad-check-all-row"]')].map(tr => [tr.dataset.node, tr.children[2].textContent, tr.querySelector('[data-testid="grad-check-badge"]').textContent])`)
	k, _ := exhibit.KindOf("lab")
	ex, _ := k.Build(nil)
	s := ex.Stepping()
	s.RunToEnd()
	plan, e := s.PlanParamCheck()
	if e != nil {
		t.Fatal(e)
	}
	if len(rows) != len(plan.Params) {
		t.Fatalf("the table has %d rows, want the %d parameters", len(rows), len(plan.Params))
	}
	worst := 0.0
	for i, name := range plan.Params {
		c, _ := s.CheckGradient(name, plan.Entries)
		worst = math.Max(worst, c.Worst)
		if rows[i][0] != name || rows[i][1] != jsExponential(c.Worst) || rows[i][2] != "match" || !c.Match() {
			t.Errorf("row %d: the page shows %v; the engine checks %s, worst %s, match %v", i, rows[i], name, jsExponential(c.Worst), c.Match())
		}
	}
	if head := eval[string](b, `document.querySelector('.gc-all .gc__head').textContent`); !strings.Contains(head, "match max relative error "+jsExponential(worst)) {
		t.Errorf("the table's summary says %q, want a match with max relative error %s", head, jsExponential(worst))
	}
	b.checkAxe("/lab with a gradient check", axe)
	b.do("show the table", chromedp.ScrollIntoView(chromedp.CSS(sel("grad-check-all-result"))))
	b.screenshot("lab-gradcheck-all.png")
	b.do("show the result", chromedp.ScrollIntoView(chromedp.CSS(sel("grad-check-result"))))
	b.screenshot("lab-gradcheck.png")
	b.checkClean()
}

// TestBrowserLessonGradCheck opens the backpropagation lesson on a phone's
// screen, runs its widget to the end, inspects layers.0.w and checks its
// gradient with the inspector's button, which is large enough to tap: the
// page shows "match" and the engine's numbers for every one of its 6
// entries. The page passes the phone checks (no sideways scroll, 44-pixel
// targets, axe-core) with the result shown.
func TestBrowserLessonGradCheck(t *testing.T) {
	axe := optionalAxe(t)
	b := newBrowser(t)
	b.do("phone screen", chromedp.EmulateViewport(phoneW, phoneH))
	l := lessonBySlug(t, "backpropagation")
	w := l.Widgets[0]
	root := openLesson(b, l.Slug, w.ID)
	press(b, "run to the end", chromedp.Click(chromedp.CSS(root+" "+sel("run"))))
	b.do("inspect layers.0.w", chromedp.Click(chromedp.CSS(root+" "+sel("node-layers.0.w"))))
	pollJS[bool](b, "inspect layers.0.w", `document.querySelector('`+root+` [data-testid="inspector-name"]')?.textContent === "layers.0.w"`)
	button := root + " " + sel("grad-check")
	size := pollJS[[]float64](b, "the check button", `(() => { const e = document.querySelector('`+button+`'); if (!e) return null; const r = e.getBoundingClientRect(); return [r.width, r.height]; })()`)
	if size[0] < minTarget || size[1] < minTarget {
		t.Errorf("the check button is %v×%v pixels on a phone, want at least %d×%d", size[0], size[1], minTarget, minTarget)
	}
	b.do("check the gradient", chromedp.Click(chromedp.CSS(button)))
	got := pollJS[shownCheck](b, "the check's result", strings.Replace(readCheckJS, "%s", root, 1))
	c := engineCheck(t, w.Kind, w.Options, "layers.0.w")
	checkGradShown(t, "lesson layers.0.w", got, c)
	if got.Note != "checked all 6 entries" || len(got.Rows) != 6 {
		t.Errorf("the page says %q and lists %d entries, want all 6", got.Note, len(got.Rows))
	}
	checkPhonePage(b, "/lessons/"+l.Slug+" with a gradient check", axe)
	b.screenshotOf("phone-lesson-gradcheck.png", root+" "+sel("inspector"))
	b.checkClean()
}
