package reference

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReferenceNeverPassesVacuously runs TestReference in a child process
// (this test binary, with -test.run) on folders built for the purpose: an
// empty folder and a folder holding a fixture of an unknown format must
// fail, and a folder holding one real model fixture must pass.
func TestReferenceNeverPassesVacuously(t *testing.T) {
	model := ""
	files, _ := filepath.Glob(filepath.Join(fixtureDir(), "*.json"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		var head struct {
			Format string `json:"format"`
		}
		if err == nil && json.Unmarshal(raw, &head) == nil && head.Format == "oracle-fixture-v1" {
			model = f
			break
		}
	}
	if model == "" {
		t.Fatalf("no oracle-fixture-v1 fixture in %s to run the harness on", fixtureDir())
	}
	modelRaw, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		files map[string]string
		pass  bool
		want  string // substring of the child's output
	}{
		{"empty folder", nil, false, "no *.json fixtures"},
		{"unknown format", map[string]string{"mystery.json": `{"format": "oracle-mystery-v9"}`}, false,
			`format "oracle-mystery-v9", which no checker knows`},
		{"no format", map[string]string{"plain.json": `{"name": "x"}`}, false, `format "", which no checker knows`},
		{"one model fixture", map[string]string{"model_case.json": string(modelRaw)}, true, "--- PASS: TestReference/model_case"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		for name, body := range c.files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestReference$", "-test.v")
		cmd.Env = append(os.Environ(), "STEPGRAPH_REFERENCE="+dir)
		out, err := cmd.CombinedOutput()
		if passed := err == nil; passed != c.pass || !strings.Contains(string(out), c.want) {
			t.Errorf("%s: TestReference passed = %v, want %v, with output containing %q; output:\n%s",
				c.name, passed, c.pass, c.want, out)
		}
	}
}
