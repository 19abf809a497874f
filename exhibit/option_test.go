package exhibit

import (
	"slices"
	"testing"
)

// TestConfigureReportsEveryFault configures a lab with three bad options
// and one good one: the error is the first bad option's (in name order),
// its More the two others, each naming its option.
func TestConfigureReportsEveryFault(t *testing.T) {
	_, e := LabOptions.Configure(map[string]string{"heads": "9", "d": "32", "act": "swish", "colour": "red"})
	if e == nil {
		t.Fatal("Configure with three bad options = no error")
	}
	var fields []string
	var codes []Code
	for _, f := range append([]*Error{e}, e.More...) {
		fields, codes = append(fields, f.Field), append(codes, f.Code)
		if f.Message == "" {
			t.Errorf("fault of %s has no message", f.Field)
		}
	}
	if !slices.Equal(fields, []string{"act", "colour", "heads"}) || !slices.Equal(codes, []Code{BadValue, UnknownOption, OutOfRange}) {
		t.Errorf("faults %v with codes %v, want act, colour, heads: bad value, unknown, out of range", fields, codes)
	}
	if v, e := LabOptions.Configure(map[string]string{"d": "32"}); e != nil || v.Int("d") != 32 {
		t.Errorf("Configure(d 32) = %v, %v; want d 32", v, e)
	}
}
