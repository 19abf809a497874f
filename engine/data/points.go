package data

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// Bounds of the generators, small enough for a shared server.
const (
	MaxExamples = 20000 // largest n of Points and Images
	MaxNoise    = 1.0   // largest noise standard deviation
)

// PointKinds lists the kinds Points accepts.
var PointKinds = []string{"circle", "xor", "spiral", "clusters"}

// PointClasses returns the number of classes of a point kind, or 0 for
// an unknown kind.
func PointClasses(kind string) int { return len(pointKinds[kind].names) }

// pointKind draws one clean point of class k from rng.
type pointKind struct {
	names []string // one per class
	draw  func(rng *engine.Mulberry32, k int) (x, y float64)
}

var pointKinds = map[string]pointKind{
	// circle: a disk of radius 0.5 inside a ring from radius 0.7 to 1.
	// Radii are drawn so that points are uniform over the area.
	"circle": {[]string{"inside", "outside"}, func(rng *engine.Mulberry32, k int) (float64, float64) {
		r := 0.5 * math.Sqrt(rng.Next())
		if k == 1 {
			r = math.Sqrt(0.49 + 0.51*rng.Next())
		}
		return polar(r, 2*math.Pi*rng.Next())
	}},
	// xor: class 0 in the quadrants where x and y have the same sign, class
	// 1 where they differ; a margin of 0.1 keeps points off the axes.
	"xor": {[]string{"same sign", "opposite sign"}, func(rng *engine.Mulberry32, k int) (float64, float64) {
		sx := sign(rng.Next() < 0.5)
		sy := sx
		if k == 1 {
			sy = -sx
		}
		return sx * (0.1 + 0.9*rng.Next()), sy * (0.1 + 0.9*rng.Next())
	}},
	// spiral: three arms that each wind once around the origin. Arm k at
	// t in [0, 1) has radius 0.1 + 0.9t and angle 2πk/3 + 2πt.
	"spiral": {[]string{"arm 0", "arm 1", "arm 2"}, func(rng *engine.Mulberry32, k int) (float64, float64) {
		t := rng.Next()
		return polar(0.1+0.9*t, 2*math.Pi*float64(k)/3+2*math.Pi*t)
	}},
	// clusters: four Gaussian blobs of standard deviation 0.2 centred at
	// (±0.5, ±0.5).
	"clusters": {[]string{"top right", "top left", "bottom left", "bottom right"}, func(rng *engine.Mulberry32, k int) (float64, float64) {
		cx, cy := polar(math.Sqrt2/2, math.Pi/4+math.Pi/2*float64(k))
		return cx + 0.2*rng.Normal(), cy + 0.2*rng.Normal()
	}},
}

// Points returns n labelled 2-D points of the given kind ("circle", "xor",
// "spiral" or "clusters"), roughly inside [-1, 1]^2, with X [n, 2].
// Example i has class i mod Classes, so the classes are balanced (their
// counts differ by at most one). noise is the standard deviation of Gaussian
// jitter added to each coordinate. Everything is drawn from a Mulberry32
// seeded with seed.
//
// It returns an error for an unknown kind, n outside [1, MaxExamples] or
// noise outside [0, MaxNoise].
func Points(kind string, n int, noise float64, seed uint32) (*Set, error) {
	pk, ok := pointKinds[kind]
	if !ok {
		return nil, fmt.Errorf("unknown point kind %q (want one of %v)", kind, PointKinds)
	}
	if err := checkSize(n, noise); err != nil {
		return nil, fmt.Errorf("points %q: %w", kind, err)
	}
	rng := engine.NewMulberry32(seed)
	s := &Set{X: engine.New(n, 2), Y: make([]int, n), Classes: len(pk.names), Names: pk.names}
	for i := range n {
		k := i % s.Classes
		x, y := pk.draw(rng, k)
		s.X.Data[2*i] = x + noise*rng.Normal()
		s.X.Data[2*i+1] = y + noise*rng.Normal()
		s.Y[i] = k
	}
	return s, nil
}

// PointSplit returns a training set of nTrain points from seed and a
// held-out set of nTest points from TestSeed(seed), of the same kind and
// noise.
func PointSplit(kind string, nTrain, nTest int, noise float64, seed uint32) (train, test *Set, err error) {
	if train, err = Points(kind, nTrain, noise, seed); err != nil {
		return nil, nil, err
	}
	if test, err = Points(kind, nTest, noise, TestSeed(seed)); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// checkSize validates the size and noise of a request.
func checkSize(n int, noise float64) error {
	if n < 1 || n > MaxExamples {
		return fmt.Errorf("n = %d outside [1, %d]", n, MaxExamples)
	}
	if !(noise >= 0 && noise <= MaxNoise) {
		return fmt.Errorf("noise %g outside [0, %g]", noise, MaxNoise)
	}
	return nil
}

// polar returns the point at radius r and angle theta.
func polar(r, theta float64) (float64, float64) {
	return r * math.Cos(theta), r * math.Sin(theta)
}

// sign returns 1 if b, else -1.
func sign(b bool) float64 {
	if b {
		return 1
	}
	return -1
}
