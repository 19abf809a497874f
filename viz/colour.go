package viz

import (
	"fmt"
	"image/color"
	"math"
)

// Scale maps values to colours. Signed data uses a diverging map: blue for
// negative, near-white at 0, red for positive, symmetric around 0 so that
// equal magnitudes get equal strength. Data that is all zero is on the
// diverging map too, where 0 is its neutral middle colour, so that "all
// zero" never looks like a value. Other data (of one sign) uses a
// sequential map from pale to dark blue.
type Scale struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Diverging bool    `json:"diverging"`
}

// ScaleOf returns the colour scale of one heatmap, or the one scale shared
// by several, so that equal values get equal colours across them: the
// range of all their values, diverging (and symmetric) when it spans 0,
// and the diverging scale of width 0 (every value neutral) when every
// value is 0.
func ScaleOf(hs ...HeatmapData) Scale {
	if len(hs) == 0 {
		return Scale{}
	}
	lo, hi := hs[0].Min, hs[0].Max
	for _, h := range hs[1:] {
		lo, hi = min(lo, h.Min), max(hi, h.Max)
	}
	if lo < 0 && hi > 0 || lo == 0 && hi == 0 {
		m := max(-lo, hi)
		return Scale{Lo: -m, Hi: m, Diverging: true}
	}
	return Scale{Lo: lo, Hi: hi}
}

// The anchors of the two colour maps, evenly spaced over [0, 1].
var (
	sequentialRamp = []color.RGBA{{244, 247, 251, 255}, {143, 188, 219, 255}, {49, 110, 170, 255}, {20, 44, 94, 255}}
	divergingRamp  = []color.RGBA{{38, 84, 160, 255}, {129, 170, 214, 255}, {247, 246, 243, 255}, {231, 140, 120, 255}, {168, 34, 44, 255}}
)

// Color returns the colour of v. Values outside [Lo, Hi] get the end
// colours; when Lo == Hi every value gets the middle colour (on the
// diverging map, Neutral).
func (s Scale) Color(v float64) color.RGBA {
	t := 0.5
	if s.Hi > s.Lo {
		t = (v - s.Lo) / (s.Hi - s.Lo)
	}
	ramp := sequentialRamp
	if s.Diverging {
		ramp = divergingRamp
	}
	return interpolate(ramp, t)
}

// Neutral is the colour of 0 on the diverging map, the middle anchor: an
// all-zero heatmap is drawn in it.
var Neutral = divergingRamp[len(divergingRamp)/2]

// interpolate returns the colour at t in [0, 1] along ramp, linearly
// between the two nearest anchors.
func interpolate(ramp []color.RGBA, t float64) color.RGBA {
	t = math.Min(math.Max(t, 0), 1)
	if math.IsNaN(t) {
		t = 0.5
	}
	f := t * float64(len(ramp)-1)
	i := min(int(f), len(ramp)-2)
	u := f - float64(i)
	a, b := ramp[i], ramp[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + u*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// hex writes a colour as #rrggbb.
func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// dark reports whether c is dark enough to need light text on it
// (relative luminance by the Rec. 709 weights).
func dark(c color.RGBA) bool {
	return 0.2126*float64(c.R)+0.7152*float64(c.G)+0.0722*float64(c.B) < 128
}
