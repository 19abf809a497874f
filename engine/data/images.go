package data

import (
	"fmt"

	"stepgraph/engine"
)

// Image sizes Images accepts, in pixels per side.
const (
	MinImageSize = 10
	MaxImageSize = 32
)

// ImageKinds lists the kinds Images accepts.
var ImageKinds = []string{"bars", "crosses", "circles", "shapes", "digits"}

// A shape is one class of image: a name and a figure drawn with fresh
// jitter from rng each time.
type shape struct {
	name string
	draw func(rng *engine.Mulberry32) figure
}

// jit returns a uniform draw in [-a, a).
func jit(rng *engine.Mulberry32, a float64) float64 { return a * (2*rng.Next() - 1) }

var (
	// A bar anywhere across the image, of varying length.
	hbar = shape{"horizontal bar", func(rng *engine.Mulberry32) figure {
		off, l := jit(rng, 0.6), 0.6+0.4*rng.Next()
		return figure{segs: [][4]float64{{-l, off, l, off}}}
	}}
	vbar = shape{"vertical bar", func(rng *engine.Mulberry32) figure {
		off, l := jit(rng, 0.6), 0.6+0.4*rng.Next()
		return figure{segs: [][4]float64{{off, -l, off, l}}}
	}}
	// An upright cross whose centre wanders a little.
	plus = shape{"plus", func(rng *engine.Mulberry32) figure {
		cx, cy := jit(rng, 0.25), jit(rng, 0.25)
		return figure{segs: [][4]float64{{-1, cy, 1, cy}, {cx, -1, cx, 1}}}
	}}
	// A diagonal cross (an x).
	times = shape{"diagonal cross", func(rng *engine.Mulberry32) figure {
		a := 0.65 + 0.15*rng.Next()
		return figure{segs: [][4]float64{{-a, -a, a, a}, {-a, a, a, -a}}}
	}}
	// A ring and a square outline of about the same size.
	circle = shape{"circle", func(rng *engine.Mulberry32) figure {
		return figure{rings: [][3]float64{{0, 0, 0.7 + 0.2*rng.Next()}}}
	}}
	square = shape{"square", func(rng *engine.Mulberry32) figure {
		a := 0.65 + 0.2*rng.Next()
		return figure{segs: [][4]float64{{-a, -a, a, -a}, {a, -a, a, a}, {a, a, -a, a}, {-a, a, -a, -a}}}
	}}
)

// imageKinds maps each kind to its classes, in label order.
var imageKinds = map[string][]shape{
	"bars":    {hbar, vbar},
	"crosses": {plus, times},
	"circles": {circle, square},
	"shapes":  {hbar, vbar, plus, times, circle, square},
	"digits":  digitShapes(),
}

// Images returns n labelled grayscale images of the given kind, X
// [n, 1, size, size], with example i of class i mod Classes (so the classes
// are balanced). The kinds and their classes:
//
//   - "bars": horizontal bar, vertical bar
//   - "crosses": plus, diagonal cross
//   - "circles": circle, square
//   - "shapes": all six of the above
//   - "digits": 0 to 9 as seven-segment digits with wobbly corners
//
// Each image is drawn on a black background (0) with strokes of brightness
// 0.7 to 1 and 1.4 to 2.2 pixels wide (at size 16; proportionally wider on
// bigger images), at a random offset, size and rotation (±0.2 rad); then
// Gaussian pixel noise of standard deviation noise is added. All draws
// come from a Mulberry32 seeded with seed.
//
// It returns an error for an unknown kind, n outside [1, MaxExamples], size
// outside [MinImageSize, MaxImageSize] or noise outside [0, MaxNoise].
func Images(kind string, n, size int, noise float64, seed uint32) (*Set, error) {
	shapes, ok := imageKinds[kind]
	if !ok {
		return nil, fmt.Errorf("unknown image kind %q (want one of %v)", kind, ImageKinds)
	}
	if size < MinImageSize || size > MaxImageSize {
		return nil, fmt.Errorf("images %q: size %d outside [%d, %d]", kind, size, MinImageSize, MaxImageSize)
	}
	if err := checkSize(n, noise); err != nil {
		return nil, fmt.Errorf("images %q: %w", kind, err)
	}
	rng := engine.NewMulberry32(seed)
	s := &Set{X: engine.New(n, 1, size, size), Y: make([]int, n), Classes: len(shapes)}
	for _, sh := range shapes {
		s.Names = append(s.Names, sh.name)
	}
	fs := float64(size)
	for i := range n {
		k := i % s.Classes
		img := s.Example(i) // [size*size]
		p := pose{
			cx: fs/2 + jit(rng, 0.1*fs), cy: fs/2 + jit(rng, 0.1*fs),
			angle: jit(rng, 0.2),
			scale: fs * (0.28 + 0.08*rng.Next()),
			width: max(1, fs/16) * (1.4 + 0.8*rng.Next()),
			amp:   0.7 + 0.3*rng.Next(),
		}
		render(img, size, shapes[k].draw(rng), p)
		for j := range img {
			img[j] += noise * rng.Normal()
		}
		s.Y[i] = k
	}
	return s, nil
}

// ImageSplit returns a training set of nTrain images from seed and a
// held-out set of nTest images from TestSeed(seed), of the same kind, size
// and noise.
func ImageSplit(kind string, nTrain, nTest, size int, noise float64, seed uint32) (train, test *Set, err error) {
	if train, err = Images(kind, nTrain, size, noise, seed); err != nil {
		return nil, nil, err
	}
	if test, err = Images(kind, nTest, size, noise, TestSeed(seed)); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
