package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestBrowserStepNames checks that the lessons and the Lab's keyboard help
// name the stepping buttons as the page labels them (Next step, Undo,
// Backprop step, ...), so that "Undo" (back in time) and "Backprop step"
// (the backward pass) cannot be confused, and that no lesson uses the old
// names (step forward, step back, step backward).
func TestBrowserStepNames(t *testing.T) {
	b := newBrowser(t)
	openLab(b, "")
	labels := eval[[]string](b, `[...document.querySelectorAll('.lab-stepper .stepper__buttons .btn__label')].map(e => e.textContent)`)
	for _, want := range []string{"Reset", "Undo", "Next step", "Backprop step", "Play", "Run to end"} {
		if !slices.Contains(labels, want) {
			t.Errorf("the stepper bar's buttons %v lack %q", labels, want)
		}
	}
	help := eval[string](b, `document.querySelector('[data-testid="shortcuts"]').textContent`)
	for _, l := range labels {
		if !strings.Contains(help, l) {
			t.Errorf("the keyboard help does not name %q", l)
		}
	}
	if icons := eval[int](b, `new Set([...document.querySelectorAll('.lab-stepper .stepper__buttons .btn svg path')].map(p => p.getAttribute('d'))).size`); icons != len(labels) {
		t.Errorf("%d distinct icons for %d buttons", icons, len(labels))
	}

	// A lesson may also name the inspector's optimizer button, as the
	// page labels it.
	optim := eval[string](b, `(document.querySelector('[data-testid="optim-step"]') || {}).textContent || ""`)
	if optim == "" {
		t.Errorf("the Lab's inspector has no optimizer step button (optim-step)")
	}
	names := append(slices.Clone(labels), strings.TrimSpace(optim))

	old := regexp.MustCompile(`(?i)\bstep (forward|backward|back)\b`)
	bold := regexp.MustCompile(`<strong>([^<]+)</strong>`)
	for _, l := range loadLessons(t) {
		text := regexp.MustCompile(`<code>[^<]*</code>`).ReplaceAllString(l.HTML, "")
		if m := old.FindString(text); m != "" {
			t.Errorf("%s says %q, a name the page no longer uses", l.Slug, m)
		}
		for _, m := range bold.FindAllStringSubmatch(text, -1) {
			name := m[1]
			if strings.Contains(strings.ToLower(name), "step") || name == "Undo" || name == "Reset" {
				if !slices.Contains(names, name) {
					t.Errorf("%s names the button %q, which neither the stepper bar nor the inspector (%v) has", l.Slug, name, names)
				}
			}
		}
	}
	b.checkClean()
}
