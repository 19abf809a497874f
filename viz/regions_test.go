package viz

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestRuns(t *testing.T) {
	cases := []struct {
		name    string
		classes []int
		grid    int
		want    []run
	}{
		{"one cell", []int{2}, 1, []run{{0, 0, 1, 2}}},
		{"uniform rows", []int{0, 0, 1, 1}, 2, []run{{0, 0, 2, 0}, {1, 0, 2, 1}}},
		{"mixed rows", []int{0, 1, 0, 1, 1, 1, 0, 0, 2}, 3, []run{
			{0, 0, 1, 0}, {0, 1, 2, 1}, {0, 2, 3, 0},
			{1, 0, 3, 1},
			{2, 0, 2, 0}, {2, 2, 3, 2},
		}},
	}
	for _, c := range cases {
		if got := runs(c.classes, c.grid); !slices.Equal(got, c.want) {
			t.Errorf("%s: runs(%v, %d) = %v, want %v", c.name, c.classes, c.grid, got, c.want)
		}
	}
}

// regionsExample is a 2x2 grid over [-1, 1]^2: class 0 in the bottom-left
// cell, class 1 in the other three, and no cell of class 2.
func regionsExample() Regions {
	return Regions{
		Title: "Decision regions", Lo: -1, Hi: 1, Grid: 2,
		Classes: []int{0, 1, 1, 1},
		Points:  [][2]float64{{0.5, 0.5}, {-0.5, -0.5}, {0.2, -0.7}},
		Labels:  []int{1, 0, 2},
		Names:   []string{"inside", "outside", "elsewhere"},
	}
}

// fill returns the style gonum/plot's SVG writer gives a shape of colour
// c: its hex digits in upper case.
func fill(k int, tinted bool) string {
	c := classColor(k)
	if tinted {
		c = tint(c)
	}
	return "fill:" + strings.ToUpper(hex(c))
}

func TestRegionsChart(t *testing.T) {
	r := regionsExample()
	svg, err := RegionsChart(r)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("RegionsChart output is not well-formed XML: %v", err)
		}
	}
	text := string(svg)
	for _, c := range []struct {
		what string
		want string
		n    int // occurrences
	}{
		// Class 0's cell is one rectangle; class 1's three cells are two
		// runs (the rest of the bottom row, the whole top row) in one
		// polygon; each polygon's fill comes once, and its outline once
		// more as a stroke.
		{"class 0 region", fill(0, true) + `"`, 1},
		{"class 1 region", fill(1, true) + `"`, 1},
		{"class 2 region", fill(2, true), 0},
		{"class 0 outline", "stroke:" + strings.ToUpper(hex(tint(classColor(0)))), 1},
		// Each class has one dot here, and one more in the legend.
		{"class 0 dots", fill(0, false) + `"`, 2},
		{"class 2 dots", fill(2, false) + `"`, 2},
	} {
		if got := strings.Count(text, c.want); got != c.n {
			t.Errorf("%s: %q occurs %d times, want %d", c.what, c.want, got, c.n)
		}
	}
	if rings := pathWithStyle(text, fill(1, true)+`"`); strings.Count(rings, "M") != 2 {
		t.Errorf("class 1 region %q, want one path of two rings", rings)
	}
	for _, s := range append(r.Names, r.Title) {
		if !strings.Contains(text, ">"+s+"</text>") {
			t.Errorf("no text %q in the chart", s)
		}
	}
	again, _ := RegionsChart(r)
	if !bytes.Equal(svg, again) {
		t.Errorf("RegionsChart is not deterministic")
	}
}

func TestRegionsChartErrors(t *testing.T) {
	cases := []struct {
		change func(r *Regions)
		want   string
	}{
		{func(r *Regions) { r.Classes = r.Classes[:3] }, "3 classes for a grid of 2, want 4"},
		{func(r *Regions) { r.Grid = 0 }, "grid of 0"},
		{func(r *Regions) { r.Hi = r.Lo }, "square [-1, -1] is empty"},
		{func(r *Regions) { r.Labels = r.Labels[:1] }, "3 points and 1 labels"},
		{func(r *Regions) { r.Classes[2] = 3 }, "class 3 outside the 3 names"},
		{func(r *Regions) { r.Labels[0] = -1 }, "class -1 outside"},
	}
	for i, c := range cases {
		r := regionsExample()
		c.change(&r)
		svg, err := RegionsChart(r)
		if svg != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: RegionsChart = %d bytes, %v; want an error containing %q", i, len(svg), err, c.want)
		}
	}
}

// pathWithStyle returns the d attribute of the first path whose style
// ends with style.
func pathWithStyle(svg, style string) string {
	i := strings.Index(svg, style)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(svg[:i], `<path d="`)
	if start < 0 {
		return ""
	}
	d := svg[start+len(`<path d="`):]
	return d[:strings.Index(d, `"`)]
}
