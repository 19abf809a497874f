package engine

// Mulberry32 is the small PRNG of the reference spec (SPEC.md section 1).
// Every random draw in Stepgraph comes from one, seeded explicitly, so runs
// are reproducible and parameters match the reference fixtures bit for bit.
type Mulberry32 struct{ s uint32 }

// NewMulberry32 returns a generator seeded with seed.
func NewMulberry32(seed uint32) *Mulberry32 { return &Mulberry32{s: seed} }

// Next returns a uniform float64 in [0, 1).
func (r *Mulberry32) Next() float64 {
	r.s += 0x6D2B79F5
	t := r.s
	t = (t ^ (t >> 15)) * (t | 1)
	t ^= t + (t^(t>>7))*(t|61)
	return float64(t^(t>>14)) / 4294967296.0
}

// Intn returns floor(u*n), a uniform integer in [0, n).
func (r *Mulberry32) Intn(n int) int { return int(r.Next() * float64(n)) }

// UniformF32 returns float32(center + a*(2u-1)) as a float64, the spec's
// initialisation draw. Each operation is rounded on its own, so the compiler
// cannot fuse them.
func (r *Mulberry32) UniformF32(a, center float64) float64 {
	u := r.Next()
	return float64(float32(center + float64(a*(2*u-1))))
}

// Normal returns a standard normal draw (Box-Muller on two uniforms).
func (r *Mulberry32) Normal() float64 {
	u1 := r.Next()
	for u1 == 0 {
		u1 = r.Next()
	}
	u2 := r.Next()
	return sqrt(-2*log(u1)) * cos(2*pi*u2)
}
