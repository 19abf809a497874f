package optim

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step updates each parameter's value from its gradient.
	Step(params []*engine.Node)
	// Name returns "sgd" or "adam".
	Name() string
	// State returns a copy of what the optimizer keeps for the parameter
	// whose value is w (state.go): reading it changes nothing.
	State(w *engine.Tensor) State
}

// New returns the optimizer of the given name ("sgd" or "adam") with
// learning rate lr. SGD uses momentum 0.9.
func New(name string, lr float64) (Optimizer, error) {
	if !(lr > 0 && lr <= 10) {
		return nil, fmt.Errorf("learning rate %g outside (0, 10]", lr)
	}
	switch name {
	case "sgd":
		return &SGD{LR: lr, Momentum: 0.9}, nil
	case "adam":
		return NewAdam(lr), nil
	}
	return nil, fmt.Errorf("unknown optimizer %q (want sgd or adam)", name)
}

// SGD is stochastic gradient descent with momentum:
//
//	v = mu v + g ;  w = w - lr v
type SGD struct {
	LR, Momentum float64
	t            int // steps taken
	v            map[*engine.Tensor][]float64
}

// Name returns "sgd".
func (*SGD) Name() string { return "sgd" }

// Step applies one update.
func (o *SGD) Step(params []*engine.Node) {
	if o.v == nil {
		o.v = map[*engine.Tensor][]float64{}
	}
	o.t++
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		v := o.v[p.Value]
		if v == nil {
			v = make([]float64, p.Value.Size())
			o.v[p.Value] = v
		}
		w, g := p.Value.Data, p.Grad.Data
		for i := range w {
			v[i] = o.Momentum*v[i] + g[i]
			w[i] -= o.LR * v[i]
		}
	}
}

// Adam is the Adam optimizer (Kingma and Ba) with bias correction:
//
//	m = b1 m + (1-b1) g ;  v = b2 v + (1-b2) g^2
//	w = w - lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int
	m, v                  map[*engine.Tensor][]float64
}

// NewAdam returns Adam with the usual betas 0.9, 0.999 and eps 1e-8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Name returns "adam".
func (*Adam) Name() string { return "adam" }

// Step applies one update.
func (o *Adam) Step(params []*engine.Node) {
	if o.m == nil {
		o.m, o.v = map[*engine.Tensor][]float64{}, map[*engine.Tensor][]float64{}
	}
	o.t++
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		m, v := o.m[p.Value], o.v[p.Value]
		if m == nil {
			m, v = make([]float64, p.Value.Size()), make([]float64, p.Value.Size())
			o.m[p.Value], o.v[p.Value] = m, v
		}
		w, g := p.Value.Data, p.Grad.Data
		for i := range w {
			m[i] = o.Beta1*m[i] + (1-o.Beta1)*g[i]
			v[i] = o.Beta2*v[i] + (1-o.Beta2)*g[i]*g[i]
			w[i] -= o.LR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + o.Eps)
		}
	}
}
