package widget

import (
	"sync"

	"stepgraph/mathml"
)

// maxFormulas bounds the formulas whose MathML is kept: every op of every
// kind, with the hyperparameters some formulas print (a temperature, a
// scale), is a few hundred.
const maxFormulas = 4096

// formulas holds the MathML of each TeX formula rendered so far, shared by
// every session: a formula is rendered once, not per graph or per step.
var formulas struct {
	sync.Mutex
	ml map[string]string
}

// formulaML returns the MathML of the TeX formula tex, "" for none or one
// the renderer does not know.
func formulaML(tex string) string {
	if tex == "" {
		return ""
	}
	formulas.Lock()
	m, ok := formulas.ml[tex]
	formulas.Unlock()
	if ok {
		return m
	}
	m, _ = mathml.Render(tex, true)
	formulas.Lock()
	defer formulas.Unlock()
	if formulas.ml == nil || len(formulas.ml) >= maxFormulas {
		formulas.ml = map[string]string{}
	}
	formulas.ml[tex] = m
	return m
}
