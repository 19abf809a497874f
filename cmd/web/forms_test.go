package main

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"stepgraph/exhibit"
)

// TestLabFormIsTheTable renders the lab page and checks its model form
// against the lab's option table: every option with a control is there,
// in table order, with the table's default, bounds and choices, and no
// control names an option the table lacks.
func TestLabFormIsTheTable(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, http.MethodGet, "/lab")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /lab = %d", res.StatusCode)
	}
	form := body[strings.Index(body, `data-testid="hyper"`):]
	form = form[:strings.Index(form, "</form>")]
	control := regexp.MustCompile(`<(select|input)\b([^>]*)>`)
	attr := func(tag, name string) (string, bool) {
		m := regexp.MustCompile(`\b` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", regexp.MustCompile(`\b` + name + `(\s|/|$)`).MatchString(tag)
		}
		return html.UnescapeString(m[1]), true
	}
	var names []string
	for _, m := range control.FindAllStringSubmatchIndex(form, -1) {
		tag := form[m[4]:m[5]]
		name, ok := attr(tag, "name")
		if !ok {
			continue
		}
		names = append(names, name)
		o := exhibit.LabOptions.Option(name)
		if o == nil {
			t.Errorf("the form has a control %q that the lab's table lacks", name)
			continue
		}
		if def, _ := attr(tag, "data-default"); def != o.Default {
			t.Errorf("control %s: data-default %q, want the table's %q", name, def, o.Default)
		}
		switch o.Type {
		case exhibit.Int:
			if lo, _ := attr(tag, "min"); lo != bound(o.Min) {
				t.Errorf("control %s: min %q, want %v", name, lo, o.Min)
			}
			if hi, _ := attr(tag, "max"); hi != bound(o.Max) {
				t.Errorf("control %s: max %q, want %v", name, hi, o.Max)
			}
		case exhibit.Choice:
			sel := form[m[1]:]
			sel = sel[:strings.Index(sel, "</select>")]
			var values []string
			for _, v := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(sel, -1) {
				values = append(values, v[1])
			}
			if !slices.Equal(values, o.Choices) {
				t.Errorf("select %s offers %v, want the table's %v", name, values, o.Choices)
			}
		case exhibit.Bool:
			if _, checked := attr(tag, "checked"); checked != (o.Default == "true") {
				t.Errorf("switch %s checked %v, want the default %s", name, checked, o.Default)
			}
		}
	}
	var want []string
	for _, o := range exhibit.LabOptions.Options {
		if !o.NoControl {
			want = append(want, o.Name)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("form controls %v, want the table's %v", names, want)
	}
}
