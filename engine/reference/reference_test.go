package reference

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// checkers maps a fixture's "format" to the function that checks it. Each
// format's checker lives in its own file and registers itself here (the
// model fixtures below; distillation and quantization from their files with
// func init() { checkers[...] = ... }).
var checkers = map[string]func(t *testing.T, raw []byte){
	"oracle-fixture-v1": checkModelFixture,
}

// fixtureDir returns the folder of fixtures: $STEPGRAPH_REFERENCE, or
// shared/reference/fixtures beside the repository root (this package is
// engine/reference, two levels below the root).
func fixtureDir() string {
	if dir := os.Getenv("STEPGRAPH_REFERENCE"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "shared", "reference", "fixtures")
}

// TestReference checks every *.json fixture of the folder, one subtest per
// file. An empty folder or a fixture of an unknown format fails: a
// reference test that checks nothing must not pass.
func TestReference(t *testing.T) {
	runFixtureDir(t, fixtureDir())
}

// runFixtureDir checks every *.json fixture of dir, one subtest per file
// named after it, dispatching on the fixture's "format" through checkers.
// An empty folder or a fixture of an unknown format fails the test.
func runFixtureDir(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatalf("list fixtures in %s: %v", dir, err)
	}
	if len(files) == 0 {
		abs, _ := filepath.Abs(dir)
		t.Fatalf("no *.json fixtures in %s (set STEPGRAPH_REFERENCE to the fixture folder)", abs)
	}
	sort.Strings(files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("read fixture: %v", err)
			}
			var head struct {
				Format string `json:"format"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				t.Fatalf("parse fixture %s: %v", file, err)
			}
			if head.Format == "" && filepath.Base(file) == selfCheckReport {
				checkSelfCheckReport(t, raw)
				return
			}
			check, ok := checkers[head.Format]
			if !ok {
				t.Fatalf("fixture %s has format %q, which no checker knows", file, head.Format)
			}
			check(t, raw)
		})
	}
}

// selfCheckReport is the file SPEC.md section 8 says the reference
// generator writes beside the fixtures: its own summary of how well the
// float32 fixtures agree with float64, not a case to check. A full fixture
// folder may hold it, so it is recognised by that name (and only when it
// declares no format), rather than failing as an unknown kind.
const selfCheckReport = "check_report.json"

// checkSelfCheckReport requires the report to be a non-empty JSON object.
// Its numbers describe the generator, not Stepgraph, so they are not
// compared here; every case it summarises is checked from its own fixture.
func checkSelfCheckReport(t *testing.T, raw []byte) {
	var report map[string]any
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatalf("parse %s: %v", selfCheckReport, err)
	}
	if len(report) == 0 {
		t.Fatalf("%s is empty", selfCheckReport)
	}
	t.Logf("%s: the generator's self-check report (%d entries), not a fixture", selfCheckReport, len(report))
}
