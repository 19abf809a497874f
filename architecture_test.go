package stepgraph_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The architecture of ../shared/DESIGN.md, as a table: the packages and
// the one-way arrows between them.
//
//	cmd/web -> templates, exhibit, viz, engine, lesson, static, content
//	exhibit -> viz, engine
//	viz -> engine
//	lesson -> mathml
//
// Each rule names the packages it covers (a go list pattern), the module
// packages they may reach, directly or through another package, and the
// outside packages they must never reach.

// web is what only cmd/web may use: the server, its sockets and its pages.
var web = []string{"net/http", "github.com/labstack/", "github.com/gorilla/websocket", "github.com/a-h/templ"}

var architecture = []struct {
	name     string
	packages string   // a go list pattern
	may      []string // module packages (prefixes) the packages may depend on
	never    []string // outside packages (prefixes) they must not depend on
}{
	{"the engine imports nothing of the web, of plotting or of the rest of the app", "stepgraph/engine/...",
		[]string{"stepgraph/engine"}, append(slices.Clone(web), "gonum.org/v1/plot", "log")},
	{"viz imports only the engine, and no server code", "stepgraph/viz/...",
		[]string{"stepgraph/engine", "stepgraph/viz"}, web},
	{"exhibit imports the engine and viz, and nothing of the protocol or the web", "stepgraph/exhibit/...",
		[]string{"stepgraph/engine", "stepgraph/viz", "stepgraph/exhibit"}, web},
	{"templates take view structs, never engine or exhibit types", "stepgraph/templates/...",
		[]string{"stepgraph/templates"}, []string{"github.com/labstack/", "github.com/gorilla/websocket"}},
	{"lesson renders with mathml only", "stepgraph/lesson/...",
		[]string{"stepgraph/lesson", "stepgraph/mathml"}, web},
	{"mathml stands alone", "stepgraph/mathml/...", []string{"stepgraph/mathml"}, web},
	{"static and content are files, with no code beside them", "stepgraph/static stepgraph/content",
		[]string{"stepgraph/static", "stepgraph/content"}, web},
}

// goList returns what go list prints for args, one entry per field.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(gobin, append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestArchitecture lists, for every rule, every package its packages
// depend on, transitively, and fails on an arrow the design does not have.
func TestArchitecture(t *testing.T) {
	for _, r := range architecture {
		deps := goList(t, append([]string{"-deps", "-f", "{{.ImportPath}}"}, strings.Fields(r.packages)...)...)
		if len(deps) < 3 {
			t.Fatalf("%s: go list found only %v", r.name, deps)
		}
		for _, dep := range deps {
			inModule := under(dep, "stepgraph")
			if inModule && !slices.ContainsFunc(r.may, func(p string) bool { return under(dep, p) }) {
				t.Errorf("%s: %s reaches %s", r.name, r.packages, dep)
			}
			if !inModule && slices.ContainsFunc(r.never, func(p string) bool { return under(dep, p) }) {
				t.Errorf("%s: %s reaches %s", r.name, r.packages, dep)
			}
		}
	}
}

// under reports whether package pkg is prefix or inside it; a prefix that
// ends in "/" (an organisation) holds every package that starts with it.
func under(pkg, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(pkg, prefix)
	}
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

// TestArchitectureCoversEveryPackage fails when a package of the module is
// under no rule but cmd/web's, which may use everything.
func TestArchitectureCoversEveryPackage(t *testing.T) {
	for _, pkg := range goList(t, "./...") {
		if pkg == "stepgraph" || pkg == "stepgraph/cmd/web" || strings.HasPrefix(pkg, "stepgraph/cmd/") || strings.HasPrefix(pkg, "stepgraph/tools/") {
			continue
		}
		covered := false
		for _, r := range architecture {
			for _, p := range strings.Fields(r.packages) {
				base := strings.TrimSuffix(p, "/...")
				covered = covered || pkg == base || strings.HasSuffix(p, "/...") && strings.HasPrefix(pkg, base+"/")
			}
		}
		if !covered {
			t.Errorf("package %s is under no rule of the architecture table", pkg)
		}
	}
}

// TestEngineStartsNoGoroutine parses the engine's sources and fails on a go
// statement (or a WaitGroup's Go) outside engine/internal/gemm, whose fork-join is the one
// documented exception: every goroutine it starts ends before the product
// returns.
func TestEngineStartsNoGoroutine(t *testing.T) {
	files, err := filepath.Glob("engine/*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("engine/*/*.go")
	files = append(files, more...)
	fset := token.NewFileSet()
	parsed := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasPrefix(f, filepath.Join("engine", "internal")) {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed++
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: the engine starts a goroutine", fset.Position(n.Pos()))
			case *ast.SelectorExpr:
				if n.Sel.Name == "Go" { // sync.WaitGroup.Go and its kind
					t.Errorf("%s: the engine starts a goroutine with .Go", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	if parsed < 20 {
		t.Fatalf("parsed %d engine files, want the whole engine", parsed)
	}
}
