package reference

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// extraDir holds the model fixtures of SPEC.md section 5's table that the
// shared folder lacks (decoder_2, decoder_3, encoder_2, encoder_3,
// encdec_2, encdec_3). tools/refgen wrote them from its own float64
// implementation of the spec: their float32 fields are its float64 values
// rounded to float32, so they check the same code paths as the tfjs
// fixtures (two layers, batch 2, GELU, dh = 3, V_src != V, T = maxLen)
// against an implementation that shares no code with the engine.
var extraDir = filepath.Join("testdata", "extra")

// TestReferenceExtra runs the reference checker on every fixture of
// testdata/extra, one subtest per file; an empty folder fails.
func TestReferenceExtra(t *testing.T) {
	runFixtureDir(t, extraDir)
}

// TestExtraFixturesAreTheSpecTable checks that testdata/extra holds the
// six cases of SPEC.md section 5's table that the shared folder lacks,
// each with the sizes of its row, so the extra fixtures cover what the
// table asks for (two layers, batch 2, GELU, dh = 3, V_src != V,
// T = maxLen) and not some other model.
func TestExtraFixturesAreTheSpecTable(t *testing.T) {
	// row is one line of the table; layers is L, or L_enc+L_dec as
	// lEnc, lDec; t is T, or T_src and T_tgt.
	type row struct {
		variant               string
		v, vSrc, d, h, dff    int
		layers, lEnc, lDec    int
		t, tSrc, tTgt, maxLen int
		b                     int
		act                   string
	}
	table := map[string]row{
		"decoder_2": {variant: "decoder", v: 7, d: 8, h: 2, dff: 16, layers: 2, t: 5, maxLen: 8, b: 2, act: "gelu_tanh"},
		"decoder_3": {variant: "decoder", v: 11, d: 12, h: 3, dff: 24, layers: 2, t: 6, maxLen: 6, b: 1, act: "relu"},
		"encoder_2": {variant: "encoder", v: 7, d: 8, h: 2, dff: 16, layers: 2, t: 5, maxLen: 8, b: 2, act: "gelu_tanh"},
		"encoder_3": {variant: "encoder", v: 5, d: 12, h: 4, dff: 20, layers: 2, t: 7, maxLen: 8, b: 1, act: "relu"},
		"encdec_2": {variant: "encdec", v: 6, vSrc: 9, d: 8, h: 2, dff: 16, lEnc: 2, lDec: 2,
			tSrc: 6, tTgt: 5, maxLen: 8, b: 2, act: "gelu_tanh"},
		"encdec_3": {variant: "encdec", v: 7, vSrc: 7, d: 12, h: 3, dff: 24, lEnc: 1, lDec: 2,
			tSrc: 4, tTgt: 6, maxLen: 8, b: 1, act: "relu"},
	}
	files, err := filepath.Glob(filepath.Join(extraDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(table) {
		t.Errorf("%s holds %d fixtures, want the %d missing cases of the table", extraDir, len(files), len(table))
	}
	for name, want := range table {
		raw, err := os.ReadFile(filepath.Join(extraDir, name+".json"))
		if err != nil {
			t.Errorf("fixture %s: %v", name, err)
			continue
		}
		var f modelFixture
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Errorf("parse %s: %v", name, err)
			continue
		}
		c := f.Config
		got := row{c.Variant, c.V, c.VSrc, c.D, c.H, c.DFF, c.L, c.LEnc, c.LDec, c.T, c.TSrc, c.TTgt, c.MaxLen, c.B, c.Act}
		if got != want || f.Name != name {
			t.Errorf("fixture %s (name %q) config = %+v, want %+v", name, f.Name, got, want)
		}
	}
}
