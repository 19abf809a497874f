package widget

import (
	"testing"

	"stepgraph/exhibit/exhibittest"
)

// TestMain fails the package's tests if any of them wrote weights that
// labs share (exhibittest.Main).
func TestMain(m *testing.M) { exhibittest.Main(m) }
