package data

import (
	"strconv"

	"stepgraph/engine"
)

// Seven-segment digits. The six corners of the display sit on a grid of two
// columns (left, right) and three rows (top, middle, bottom); each segment
// joins two corners:
//
//	 aaa
//	f   b
//	 ggg
//	e   c
//	 ddd
var segmentEnds = map[byte][2][2]int{ // segment -> {col, row} of its two corners
	'a': {{0, 0}, {1, 0}},
	'b': {{1, 0}, {1, 1}},
	'c': {{1, 1}, {1, 2}},
	'd': {{0, 2}, {1, 2}},
	'e': {{0, 1}, {0, 2}},
	'f': {{0, 0}, {0, 1}},
	'g': {{0, 1}, {1, 1}},
}

// digitSegments lists the lit segments of each digit 0..9.
var digitSegments = [10]string{"abcdef", "bc", "abdeg", "abcdg", "bcfg", "acdfg", "acdefg", "abc", "abcdefg", "abcdfg"}

// digitShapes returns the ten digit classes. Each draw moves every corner by
// up to ±0.12 in each direction, so no two digits look quite alike.
func digitShapes() []shape {
	shapes := make([]shape, 10)
	for d := range shapes {
		shapes[d] = shape{strconv.Itoa(d), func(rng *engine.Mulberry32) figure {
			const halfWidth = 0.55 // the digit is 1.1 wide and 2 tall
			var corner [2][3][2]float64
			for c := range 2 {
				for r := range 3 {
					corner[c][r] = [2]float64{
						halfWidth*float64(2*c-1) + jit(rng, 0.12),
						float64(r-1) + jit(rng, 0.12),
					}
				}
			}
			var f figure
			for _, s := range []byte(digitSegments[d]) {
				e := segmentEnds[s]
				p, q := corner[e[0][0]][e[0][1]], corner[e[1][0]][e[1][1]]
				f.segs = append(f.segs, [4]float64{p[0], p[1], q[0], q[1]})
			}
			return f
		}}
	}
	return shapes
}
