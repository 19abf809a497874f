package engine

import "math"

// Activation applies a scalar function element by element. Its backward
// multiplies the upstream gradient by the derivative, dX = dY ⊙ f'(X).
type Activation struct {
	name     string
	formula  string
	forward  func(y, x []float64)         // y_i = f(x_i)
	backward func(dx, dy, x, y []float64) // dx_i += dy_i f'(x_i), given y = f(x)
}

// pointwise returns the activation of the scalar function f, whose
// derivative df is given x and y = f(x).
func pointwise(name, formula string, f func(x float64) float64, df func(x, y float64) float64) *Activation {
	return &Activation{name, formula,
		func(y, x []float64) {
			for i, v := range x {
				y[i] = f(v)
			}
		},
		func(dx, dy, x, y []float64) {
			for i, v := range x {
				dx[i] += dy[i] * df(v, y[i])
			}
		}}
}

// ReLU returns the activation max(0, x). Its derivative at 0 is taken as 0.
// It is written as plain loops rather than through pointwise: a function
// call per element cost a seventh of a transformer's train step.
func ReLU() *Activation {
	return &Activation{"relu", `\operatorname{relu}(x) = \max(0, x)`, reluForward, reluBackward}
}

// geluC is sqrt(2/pi), the constant of the tanh approximation of GELU.
var geluC = math.Sqrt(2 / math.Pi)

// GELU returns the tanh approximation of GELU used by the reference spec:
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
func GELU() *Activation {
	return pointwise("gelu_tanh", `\operatorname{gelu}(x) = \frac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)`,
		func(x float64) float64 {
			return 0.5 * x * (1 + math.Tanh(geluC*(x+0.044715*x*x*x)))
		},
		func(x, _ float64) float64 {
			u := geluC * (x + 0.044715*x*x*x)
			th := math.Tanh(u)
			du := geluC * (1 + 3*0.044715*x*x)
			return 0.5*(1+th) + 0.5*x*(1-th*th)*du
		})
}

// Tanh returns the activation tanh(x), with derivative 1 - y^2.
func Tanh() *Activation {
	return pointwise("tanh", `y = \tanh(x)`, math.Tanh,
		func(_, y float64) float64 { return 1 - y*y })
}

// Sigmoid returns the activation 1/(1+e^{-x}), with derivative y(1-y).
func Sigmoid() *Activation {
	return pointwise("sigmoid", `\sigma(x) = \frac{1}{1 + e^{-x}}`,
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(_, y float64) float64 { return y * (1 - y) })
}

// ActivationByName returns "relu", "gelu_tanh", "tanh" or "sigmoid", or nil
// for an unknown name.
func ActivationByName(name string) *Activation {
	switch name {
	case "relu":
		return ReLU()
	case "gelu_tanh", "gelu":
		return GELU()
	case "tanh":
		return Tanh()
	case "sigmoid":
		return Sigmoid()
	}
	return nil
}

// Info describes the op.
func (a *Activation) Info() OpInfo { return OpInfo{Name: a.name, Formula: a.formula} }

// Shape returns the input shape.
func (a *Activation) Shape(in ...[]int) []int { return append([]int(nil), in[0]...) }

// Forward computes y_i = f(x_i).
func (a *Activation) Forward(out *Tensor, in ...*Tensor) { a.forward(out.Data, in[0].Data) }

// Backward accumulates dx_i += dy_i f'(x_i).
func (a *Activation) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	a.backward(din[0].Data, dout.Data, in[0].Data, out.Data)
}

// reluForward and reluBackward are ReLU's f and f' as plain loops.
func reluForward(y, x []float64) {
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

func reluBackward(dx, dy, x, _ []float64) {
	for i, v := range x {
		if v > 0 {
			dx[i] += dy[i]
		}
	}
}
