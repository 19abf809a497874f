package viz

import (
	"image/color"
	"testing"
)

// TestScaleAllZero checks the rule for a tensor that is all zero (a
// gradient before the backward pass): its scale is the diverging one of
// width 0, so every cell is Neutral, the colour of 0 on signed data, and
// not the sequential map's middle blue.
func TestScaleAllZero(t *testing.T) {
	zero := HeatmapData{Rows: 1, Cols: 3, Data: []float64{0, 0, 0}, Masked: []bool{false, false, false}}
	s := ScaleOf(zero)
	if want := (Scale{Lo: 0, Hi: 0, Diverging: true}); s != want {
		t.Fatalf("ScaleOf(all zero) = %+v, want %+v", s, want)
	}
	if got := s.Color(0); got != Neutral {
		t.Errorf("all zero: Color(0) = %v, want Neutral %v", got, Neutral)
	}
	signed := ScaleOf(HeatmapData{Min: -1, Max: 2})
	if got := signed.Color(0); got != Neutral {
		t.Errorf("signed data: Color(0) = %v, want Neutral %v", got, Neutral)
	}
	// Data of one sign keeps its sequential map, also when it is constant.
	for _, c := range []struct {
		name string
		h    HeatmapData
		want Scale
	}{
		{"positive", HeatmapData{Min: 0, Max: 2}, Scale{Lo: 0, Hi: 2}},
		{"negative", HeatmapData{Min: -3, Max: -1}, Scale{Lo: -3, Hi: -1}},
		{"constant", HeatmapData{Min: 0.5, Max: 0.5}, Scale{Lo: 0.5, Hi: 0.5}},
	} {
		if got := ScaleOf(c.h); got != c.want {
			t.Errorf("%s: ScaleOf = %+v, want %+v", c.name, got, c.want)
		}
	}
	if got, mid := ScaleOf(HeatmapData{Min: 0.5, Max: 0.5}).Color(0.5), interpolate(sequentialRamp, 0.5); got != mid {
		t.Errorf("constant 0.5: Color = %v, want the sequential middle %v", got, mid)
	}
	if Neutral != (color.RGBA{247, 246, 243, 255}) {
		t.Errorf("Neutral = %v, want the diverging map's middle anchor", Neutral)
	}
}
