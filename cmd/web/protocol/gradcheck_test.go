package protocol

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// TestDecodeCheck checks the check request: a node, or all: true, not
// both and not neither; all is a boolean.
func TestDecodeCheck(t *testing.T) {
	cases := []struct {
		in   string
		want Request
		code Code
	}{
		{`{"type":"check","widget":"lab","id":4,"node":"layers.0.attn.wq"}`, Request{Type: "check", Widget: "lab", ID: 4, Node: "layers.0.attn.wq"}, ""},
		{`{"type":"check","widget":"lab","all":true}`, Request{Type: "check", Widget: "lab", All: true}, ""},
		{`{"type":"check","widget":"lab","all": false ,"node":"head.w"}`, Request{Type: "check", Widget: "lab", Node: "head.w"}, ""},
		{`{"type":"check","widget":"lab"}`, Request{}, CodeMissingField},
		{`{"type":"check","widget":"lab","node":""}`, Request{}, CodeMissingField},
		{`{"type":"check","widget":"lab","all":false}`, Request{}, CodeMissingField},
		{`{"type":"check","widget":"lab","all":true,"node":"head.w"}`, Request{}, CodeBadField},
		{`{"type":"check","widget":"lab","all":"true"}`, Request{}, CodeBadField},
		{`{"type":"check","widget":"lab","all":1}`, Request{}, CodeBadField},
		{`{"type":"check","widget":"lab","all":null}`, Request{}, CodeBadField},
		{`{"type":"check","widget":"lab","node":null}`, Request{}, CodeBadField},
		{`{"type":"check","widget":"lab","node":7}`, Request{}, CodeBadField},
	}
	for _, c := range cases {
		got, e := Decode([]byte(c.in))
		switch {
		case c.code == "" && e != nil:
			t.Errorf("Decode(%s) = %v, want it taken", c.in, e)
		case c.code == "" && !reflect.DeepEqual(*got, c.want):
			t.Errorf("Decode(%s) = %+v, want %+v", c.in, *got, c.want)
		case c.code != "" && (e == nil || e.Code != c.code || e.Message == ""):
			t.Errorf("Decode(%s) = %v, want %s", c.in, e, c.code)
		case c.code != "" && (got.Type != TypeCheck || got.Widget != "lab"):
			t.Errorf("Decode(%s) refused without echoing the type and widget: %+v", c.in, got)
		}
	}
}

// TestGradCheckJSON checks the numbers of a gradcheck message: full
// float64 precision, and the non-finite ones as strings.
func TestGradCheckJSON(t *testing.T) {
	m := &GradCheck{Header: Header{Type: TypeGradCheck}, Entries: []CheckEntry{
		{Index: 3, Autograd: 0.12345678901234566, Numeric: Float(math.Inf(-1)), Error: Float(math.NaN())},
	}, Worst: Float(math.Inf(1))}
	b, err := MarshalMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Entries []map[string]any `json:"entries"`
		Worst   any              `json:"worst"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	e := got.Entries[0]
	if e["autograd"] != 0.12345678901234566 || e["numeric"] != "-inf" || e["error"] != "nan" || got.Worst != "inf" {
		t.Errorf("gradcheck JSON %s: entry %v, worst %v", b, e, got.Worst)
	}
	var back GradCheck
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if x := back.Entries[0]; x.Autograd != m.Entries[0].Autograd || !math.IsInf(float64(x.Numeric), -1) || !math.IsNaN(float64(x.Error)) || !math.IsInf(float64(back.Worst), 1) {
		t.Errorf("gradcheck JSON %s read back as %+v", b, back)
	}
}

// TestCheckNote checks the note the page shows.
func TestCheckNote(t *testing.T) {
	for _, c := range []struct {
		checked, size int
		sampled       bool
		want          string
	}{
		{64, 1024, true, "checked 64 of 1024 entries, seeded sample"},
		{16, 16, false, "checked all 16 entries"},
		{1, 1, false, "checked its 1 entry"},
	} {
		if got := CheckNote(c.checked, c.size, c.sampled); got != c.want {
			t.Errorf("CheckNote(%d, %d, %v) = %q, want %q", c.checked, c.size, c.sampled, got, c.want)
		}
	}
}
