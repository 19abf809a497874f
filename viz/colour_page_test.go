package viz

import (
	"fmt"
	"image/color"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestPageColoursMatch checks that the page's heatmaps (static/js/heatmap.js)
// use the anchors of this package's colour maps, so that a heatmap on the
// page and its SVG export have the same colours.
func TestPageColoursMatch(t *testing.T) {
	src, err := os.ReadFile("../static/js/heatmap.js")
	if err != nil {
		t.Fatal(err)
	}
	for name, ramp := range map[string][]color.RGBA{"SEQUENTIAL": sequentialRamp, "DIVERGING": divergingRamp} {
		m := regexp.MustCompile(`const ` + name + ` = (\[\[.*?\]\]);`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("heatmap.js has no const %s", name)
		}
		var parts []string
		for _, c := range ramp {
			parts = append(parts, fmt.Sprintf("[%d, %d, %d]", c.R, c.G, c.B))
		}
		if want := "[" + strings.Join(parts, ", ") + "]"; string(m[1]) != want {
			t.Errorf("heatmap.js %s = %s, want %s (viz/colour.go)", name, m[1], want)
		}
	}
}
