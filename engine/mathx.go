package engine

import "math"

// Short aliases keep formulas in ops close to their TeX.
var (
	sqrt = math.Sqrt
	log  = math.Log
	cos  = math.Cos
	exp  = math.Exp
	tanh = math.Tanh
)

const pi = math.Pi
