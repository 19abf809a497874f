package main

import (
	"strings"
	"testing"

	"stepgraph/mathml"
)

// TestMathStylesheetServed checks that the page's stylesheet carries every
// rule of mathml.Stylesheet, which lays out aligned and cases in browsers
// that follow MathML Core. White space may differ.
func TestMathStylesheetServed(t *testing.T) {
	s := newTestServer(t)
	_, css := get(t, s, "GET", "/static/css/app.css")
	fold := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	css = fold(css)
	rules := 0
	for _, r := range strings.SplitAfter(mathml.Stylesheet, "}") {
		if strings.TrimSpace(r) == "" {
			continue
		}
		rules++
		if !strings.Contains(css, fold(r)) {
			t.Errorf("app.css lacks the rule of mathml.Stylesheet %q", fold(r))
		}
	}
	if rules < 5 {
		t.Errorf("mathml.Stylesheet has %d rules, want its aligned and cases rules", rules)
	}
}
