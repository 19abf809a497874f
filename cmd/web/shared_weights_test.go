package main

import (
	"fmt"
	"os"
	"testing"

	"stepgraph/exhibit"
)

// TestMain fails the package's tests if any of them wrote weights that
// labs share: every write must own them first (exhibit/lab_shared.go).
func TestMain(m *testing.M) {
	code := m.Run()
	if n := exhibit.SharedWeightsCorrupted(); n != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d shared initial weight sets were written to\n", n)
		code = 1
	}
	os.Exit(code)
}
