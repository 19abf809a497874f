package mathml

import (
	"regexp"
	"strings"
	"testing"
)

// TestStylesheetCoversClasses checks that every class Render writes on a
// table has rules in Stylesheet.
func TestStylesheetCoversClasses(t *testing.T) {
	classAttr := regexp.MustCompile(`<(\w+)[^>]* class="([^"]+)"`)
	seen := 0
	for _, tex := range []string{
		`\begin{aligned} a &= b \end{aligned}`,
		`\begin{cases} a & b \end{cases}`,
	} {
		out, err := Render(tex, true)
		if err != nil {
			t.Fatalf("Render(%q) error: %v", tex, err)
		}
		for _, m := range classAttr.FindAllStringSubmatch(out, -1) {
			seen++
			if sel := m[1] + "." + m[2]; !strings.Contains(Stylesheet, sel) {
				t.Errorf("Render(%q) writes class %q, but Stylesheet has no rule for %s", tex, m[2], sel)
			}
		}
	}
	if seen != 2 {
		t.Errorf("found %d classes in aligned and cases, want 2", seen)
	}
}
