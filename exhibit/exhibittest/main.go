// Package exhibittest holds what the tests of every package that drives
// exhibits share.
package exhibittest

import (
	"fmt"
	"os"
	"testing"

	"stepgraph/exhibit"
)

// Main runs a package's tests, then fails them if any of them wrote
// weights that labs share: every write must own them first
// (exhibit/lab_shared.go). A package's TestMain calls it.
func Main(m *testing.M) {
	code := m.Run()
	if n := exhibit.SharedWeightsCorrupted(); n != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d shared initial weight sets were written to\n", n)
		code = 1
	}
	os.Exit(code)
}
