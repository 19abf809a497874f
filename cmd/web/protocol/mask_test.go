package protocol

import (
	"testing"
)

// checkMask fails unless a decoded mask request is within its bounds
// (FuzzDecode).
func checkMask(t *testing.T, data []byte, m *MaskEdit) {
	t.Helper()
	switch {
	case m == nil || m.Attention == "":
		t.Fatalf("Decode(%q) mask of no attention", data)
	case m.Preset != "" && m.Preset != MaskCausal && m.Preset != MaskPadding && m.Preset != MaskNone:
		t.Fatalf("Decode(%q) mask preset %q", data, m.Preset)
	case m.Preset == MaskPadding && (m.Length < 1 || m.Length > MaxMaskIndex+1):
		t.Fatalf("Decode(%q) padding length %d", data, m.Length)
	case m.Row < 0 || m.Row > MaxMaskIndex || m.Col < 0 || m.Col > MaxMaskIndex:
		t.Fatalf("Decode(%q) mask cell (%d, %d)", data, m.Row, m.Col)
	}
}

// TestDecodeMask checks what the field tables do not: a request is a
// preset or a whole cell, and a padding preset needs its length.
func TestDecodeMask(t *testing.T) {
	cases := []struct {
		frame string
		want  MaskEdit
		code  Code
	}{
		{`{"attention":"layers.0.attn","row":2,"col":1,"allowed":true}`, MaskEdit{Attention: "layers.0.attn", Row: 2, Col: 1, Allowed: true}, ""},
		{`{"attention":"layers.0.attn","preset":"padding","length":4}`, MaskEdit{Attention: "layers.0.attn", Preset: MaskPadding, Length: 4}, ""},
		{`{"attention":"a","preset":"causal","row":3}`, MaskEdit{Attention: "a", Preset: MaskCausal}, ""},
		{`{"attention":"a","preset":"padding"}`, MaskEdit{}, CodeMissingField},
		{`{"attention":"a","row":1,"col":1}`, MaskEdit{}, CodeMissingField},
		{`{"attention":"a","row":1,"allowed":false}`, MaskEdit{}, CodeMissingField},
		{`{"attention":"a","preset":"padding","length":0}`, MaskEdit{}, CodeOutOfRange},
		{`{"attention":"a","row":128,"col":0,"allowed":false}`, MaskEdit{}, CodeOutOfRange},
		{`{"attention":"a","row":1,"col":0,"allowed":"no"}`, MaskEdit{}, CodeBadField},
		{`{"attention":"","preset":"none"}`, MaskEdit{}, CodeMissingField},
	}
	for _, c := range cases {
		frame := `{"type":"mask","widget":"w","id":3,` + c.frame[1:]
		req, e := Decode([]byte(frame))
		switch {
		case c.code != "":
			if e == nil || e.Code != c.code {
				t.Errorf("Decode(%s) = %v, want %s", frame, e, c.code)
			}
		case e != nil:
			t.Errorf("Decode(%s) = %v, want it taken", frame, e)
		case *req.Mask != c.want:
			t.Errorf("Decode(%s).Mask = %+v, want %+v", frame, *req.Mask, c.want)
		}
	}
}
