package exhibit

import "testing"

// TestCarryCursor checks where the cursor goes after a rebuild.
func TestCarryCursor(t *testing.T) {
	cases := []struct{ pos, oldTotal, newTotal, want int }{
		{0, 100, 140, 0},
		{10, 100, 140, 10},   // in the forward pass: same index
		{45, 100, 80, 40},    // forward index past the new forward pass: its end
		{50, 100, 140, 70},   // end of forward stays the end of forward
		{55, 100, 140, 75},   // five steps into backward
		{100, 100, 140, 140}, // the end stays the end
		{95, 100, 60, 60},    // past the end of a shorter backward pass
	}
	for _, c := range cases {
		if got := carryCursor(c.pos, c.oldTotal, c.newTotal); got != c.want {
			t.Errorf("carryCursor(%d, %d, %d) = %d, want %d", c.pos, c.oldTotal, c.newTotal, got, c.want)
		}
	}
}
