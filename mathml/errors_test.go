package mathml

import (
	"errors"
	"strings"
	"testing"
)

var errorCases = []struct {
	tex    string
	msg    string // the error message must contain this
	offset int    // where the problem is
}{
	{`\softmax(x)`, `unknown command \softmax`, 0},
	{`a + \foo`, `unknown command \foo`, 4},
	{`\frac{1}{\bogus}`, `unknown command \bogus`, 9},
	{`x \`, `unknown command \`, 2},
	{`{x`, `missing } for this {`, 0},
	{`x}`, `unbalanced }`, 1},
	{`x^`, `missing argument for ^`, 2},
	{`x_`, `missing argument for _`, 2},
	{`x^^2`, `missing script after ^`, 2},
	{`x^2^3`, `double superscript`, 3},
	{`x_1_2`, `double subscript`, 3},
	{`x^2'`, `double superscript`, 3},
	{`\frac{1}`, `missing argument for \frac`, 8},
	{`\frac`, `missing argument for \frac`, 5},
	{`\sqrt[3{x}`, `missing ] for the index of \sqrt`, 5},
	{`\left( x`, `\left without \right`, 0},
	{`x \right)`, `\right without \left`, 2},
	{`\left< x \right>`, `bad delimiter < after \left`, 5},
	{`\left( x \right`, `bad delimiter end of input after \right`, 15},
	{`a & b`, `& outside an environment`, 2},
	{`a \\ b`, `\\ outside an environment`, 2},
	{`\begin{foo} x \end{foo}`, `unknown environment foo`, 0},
	{`\begin{matrix} x \end{pmatrix}`, `\end{pmatrix} closes \begin{matrix}`, 17},
	{`\begin{matrix} x`, `missing \end{matrix}`, 0},
	{`\begin x`, `missing {name} after \begin`, 7},
	{`x \end{matrix}`, `\end without \begin`, 2},
	{`\text{x`, `missing } for the argument of \text`, 5},
	{`\text x`, `missing { after \text`, 6},
	{`\text{a \textbf{b}}`, `unknown command \textbf inside \text`, 8},
	{`\text{$x$}`, `math inside \text is not supported`, 6},
	{`\hat`, `missing argument for \hat`, 4},
	{`\mathbf`, `missing argument for \mathbf`, 7},
	{`a # b`, `unexpected character '#'`, 2},
	{`a $ b`, `unexpected character '$'`, 2},
	{strings.Repeat("{", 300) + strings.Repeat("}", 300), `nested too deeply`, 200},
}

func TestRenderErrors(t *testing.T) {
	for _, c := range errorCases {
		out, err := Render(c.tex, false)
		if err == nil {
			t.Errorf("Render(%q) = %q, want an error containing %q", c.tex, out, c.msg)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Render(%q) error %v is a %T, want *Error", c.tex, err, err)
			continue
		}
		if !strings.Contains(e.Msg, c.msg) || e.Offset != c.offset {
			t.Errorf("Render(%q) error = %q at %d, want %q at %d", c.tex, e.Msg, e.Offset, c.msg, c.offset)
		}
		if out != "" {
			t.Errorf("Render(%q) returned output %q with its error", c.tex, out)
		}
	}
}

// FuzzRender checks that no input makes Render panic, and that whatever it
// accepts comes out as well-formed MathML.
func FuzzRender(f *testing.F) {
	for _, c := range renderCases {
		f.Add(c.tex, c.display)
	}
	for _, c := range structureCases {
		f.Add(c.tex, c.display)
	}
	for _, c := range errorCases {
		f.Add(c.tex, false)
	}
	f.Fuzz(func(t *testing.T, tex string, display bool) {
		out, err := Render(tex, display)
		if err != nil {
			return
		}
		if _, err := skeleton(out); err != nil {
			t.Errorf("Render(%q) = %q is not well-formed: %v", tex, out, err)
		}
	})
}
