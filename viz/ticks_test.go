package viz

import (
	"slices"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		labels []string
	}{
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 300, []string{"0", "100", "200", "300"}},
		{0, 299, []string{"0", "100", "200"}},
		{-0.03, 0.03, []string{"-0.02", "0.00", "0.02"}},
		{1.3, 2.2, []string{"1.4", "1.6", "1.8", "2.0", "2.2"}},
		{5, 5, []string{"5"}},
	}
	for _, c := range cases {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, c.labels) {
			t.Errorf("Ticks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.labels)
		}
	}
}
