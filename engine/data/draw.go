package data

import "math"

// A figure is a drawing in its own frame, where the shape fills roughly
// [-1, 1]^2 (x to the right, y down): straight strokes and rings.
type figure struct {
	segs  [][4]float64 // strokes from (x0, y0) to (x1, y1)
	rings [][3]float64 // circles (cx, cy, radius)
}

// pose places a figure on the image: its frame origin goes to the pixel
// (cx, cy), it is turned by angle radians and scaled by scale pixels per
// frame unit. Strokes are width pixels wide and amp bright.
type pose struct {
	cx, cy, angle, scale float64
	width, amp           float64
}

// render adds the figure to img [size, size] with soft edges: a pixel whose
// centre is at distance d (in pixels) from the nearest stroke gets
// amp * clamp(width/2 + 1/2 - d, 0, 1), so a stroke covers about width
// pixels across and fades out over one pixel at its border.
func render(img []float64, size int, f figure, p pose) {
	cos, sin := math.Cos(p.angle), math.Sin(p.angle)
	place := func(x, y float64) (float64, float64) {
		return p.cx + p.scale*(cos*x-sin*y), p.cy + p.scale*(sin*x+cos*y)
	}
	segs := make([][4]float64, len(f.segs))
	for i, s := range f.segs {
		x0, y0 := place(s[0], s[1])
		x1, y1 := place(s[2], s[3])
		segs[i] = [4]float64{x0, y0, x1, y1}
	}
	rings := make([][3]float64, len(f.rings))
	for i, r := range f.rings {
		x, y := place(r[0], r[1])
		rings[i] = [3]float64{x, y, p.scale * r[2]}
	}
	for row := 0; row < size; row++ {
		for col := 0; col < size; col++ {
			px, py := float64(col)+0.5, float64(row)+0.5
			d := math.Inf(1)
			for _, s := range segs {
				d = math.Min(d, segDist(px, py, s))
			}
			for _, r := range rings {
				d = math.Min(d, math.Abs(math.Hypot(px-r[0], py-r[1])-r[2]))
			}
			v := p.amp * math.Max(0, math.Min(1, p.width/2+0.5-d))
			img[row*size+col] = math.Max(img[row*size+col], v)
		}
	}
}

// segDist returns the distance from (px, py) to the segment s.
func segDist(px, py float64, s [4]float64) float64 {
	dx, dy := s[2]-s[0], s[3]-s[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-s[0])*dx+(py-s[1])*dy)/l2))
	}
	return math.Hypot(px-s[0]-t*dx, py-s[1]-t*dy)
}
