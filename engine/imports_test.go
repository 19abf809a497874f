package engine_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// forbidden lists import path prefixes the engine must never reach, directly
// or through another package: the web server, its pages and its charts.
var forbidden = []string{
	"net/http",
	"github.com/labstack/",
	"github.com/gorilla/websocket",
	"github.com/a-h/templ",
	"gonum.org/v1/plot",
	"stepgraph/cmd/",
	"stepgraph/viz",
	"stepgraph/templates",
	"stepgraph/static",
	"stepgraph/content",
	"stepgraph/lesson",
}

// TestEngineImportsNothingOfTheWeb lists every package the engine's
// packages depend on, transitively, and fails on any web dependency.
func TestEngineImportsNothingOfTheWeb(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", "stepgraph/engine/...").Output()
	if err != nil {
		t.Fatalf("go list -deps stepgraph/engine/...: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list found only %d packages: %v", len(deps), deps)
	}
	for _, dep := range deps {
		for _, bad := range forbidden {
			if strings.HasPrefix(dep, bad) {
				t.Errorf("engine depends on %s (forbidden prefix %q)", dep, bad)
			}
		}
	}
}
