package protocol

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"stepgraph/static"
)

// serverTypes lists the message types the server sends.
var serverTypes = []string{TypeHello, TypeGraph, TypeNode, TypeAttention, TypeMetrics, TypePlot, TypeError, TypeExport, TypeMaps, TypeOptimizer, TypeGradCheck, TypeNeurons, TypeQuantError}

// jsObject returns the string values, or the number values, of one frozen
// object of protocol.js: `export const Name = Object.freeze({ ... });`.
func jsObject(t *testing.T, src, name string) map[string]string {
	t.Helper()
	block := regexp.MustCompile(`(?s)export const ` + name + ` = Object\.freeze\(\{(.*?)\}\);`).FindStringSubmatch(src)
	if block == nil {
		t.Fatalf("protocol.js has no object %s", name)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(\w+):\s*("?)([\w.]+)"?,`).FindAllStringSubmatch(block[1], -1) {
		out[m[1]] = m[3]
	}
	return out
}

func values(m map[string]string) []string {
	var v []string
	for _, x := range m {
		v = append(v, x)
	}
	slices.Sort(v)
	return v
}

func sorted[T ~string](xs []T) []string {
	var v []string
	for _, x := range xs {
		v = append(v, string(x))
	}
	slices.Sort(v)
	return v
}

// TestJSMirror checks that static/js/protocol.js has exactly the version,
// message types, error codes, limits and upload address of this package.
func TestJSMirror(t *testing.T) {
	b, err := fs.ReadFile(static.FS, "js/protocol.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	m := regexp.MustCompile(`export const VERSION = (\d+);`).FindStringSubmatch(src)
	if m == nil || m[1] != strconv.Itoa(Version) {
		t.Errorf("protocol.js VERSION = %v, want %d", m, Version)
	}
	if got, want := values(jsObject(t, src, "ClientType")), sorted(ClientTypes); !slices.Equal(got, want) {
		t.Errorf("protocol.js ClientType = %v, want %v", got, want)
	}
	if got, want := values(jsObject(t, src, "ServerType")), sorted(serverTypes); !slices.Equal(got, want) {
		t.Errorf("protocol.js ServerType = %v, want %v", got, want)
	}
	if got, want := values(jsObject(t, src, "ErrorCode")), sorted(allCodes); !slices.Equal(got, want) {
		t.Errorf("protocol.js ErrorCode = %v, want %v", got, want)
	}
	for name, want := range map[string]string{"UPLOAD_PATH": UploadPath, "UPLOAD_MEDIA_TYPE": UploadMediaType} {
		m := regexp.MustCompile(`export const ` + name + ` = "([^"]*)";`).FindStringSubmatch(src)
		if m == nil || m[1] != want {
			t.Errorf("protocol.js %s = %v, want %q", name, m, want)
		}
	}
	// The limits, by their JSON names in hello.
	lb, _ := json.Marshal(CurrentLimits())
	var want map[string]int64
	json.Unmarshal(lb, &want)
	got := jsObject(t, src, "Limits")
	if len(got) != len(want) {
		t.Errorf("protocol.js Limits has %d entries, want %d: %v", len(got), len(want), got)
	}
	for name, v := range want {
		if got[name] != strconv.FormatInt(v, 10) {
			t.Errorf("protocol.js Limits.%s = %q, want %d", name, got[name], v)
		}
	}
}
