package mathml

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// skeleton decodes MathML with encoding/xml, which fails on anything that is
// not well-formed, and returns its element structure with the text left out:
// "math(msup(mi mn))" for x^2. It also checks that the root is a <math>
// element in the MathML namespace.
func skeleton(s string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	var b strings.Builder
	first := true // no separator before the first child of an element
	depth := 0
	for {
		tk, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch tk := tk.(type) {
		case xml.StartElement:
			if depth == 0 && (tk.Name.Local != "math" || tk.Name.Space != Namespace) {
				return "", errors.New("root is not a MathML <math> element")
			}
			if !first {
				b.WriteByte(' ')
			}
			b.WriteString(tk.Name.Local)
			b.WriteByte('(')
			first = true
			depth++
		case xml.EndElement:
			b.WriteByte(')')
			first = false
			depth--
		}
	}
	// Drop the "()" of empty elements to keep the expectations short.
	return strings.ReplaceAll(b.String(), "()", ""), nil
}

// Bigger formulas, of the kind the lessons use, checked for their element
// structure rather than their exact text.
var structureCases = []struct {
	name, tex string
	display   bool
	want      string
}{
	{"attention", `\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^T}{\sqrt{d_k}}\right) V`, true,
		"math(mi mo mo mi mo mi mo mi mo mo mi mo mrow(mo mfrac(mrow(mi msup(mi mi)) msqrt(msub(mi mi))) mo) mi)"},
	{"layernorm", `y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \odot g + b`, false,
		"math(mi mo mfrac(mrow(mi mo mi) msqrt(mrow(msup(mi mn) mo mi))) mo mi mo mi)"},
	{"softmax", `p_j = \frac{e^{z_j}}{\sum_{k=1}^{n} e^{z_k}}`, true,
		"math(msub(mi mi) mo mfrac(msup(mi msub(mi mi)) mrow(msubsup(mo mrow(mi mo mn) mi) msup(mi msub(mi mi)))))"},
	{"chain rule", `\frac{\partial L}{\partial x} = \sum_{j} \frac{\partial L}{\partial y_j} \frac{\partial y_j}{\partial x}`, true,
		"math(mfrac(mrow(mi mi) mrow(mi mi)) mo munder(mo mi) mfrac(mrow(mi mi) mrow(mi msub(mi mi))) mfrac(mrow(mi msub(mi mi)) mrow(mi mi)))"},
	{"relu", `\operatorname{ReLU}(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}`, true,
		"math(mi mo mo mi mo mo mrow(mo mtable(mtr(mtd(mi) mtd(mi mo mn)) mtr(mtd(mn) mtd(mtext)))))"},
	{"gradient step", `\begin{aligned} \bar{W} &= W - \eta \nabla_W L \\ \hat y &= \mathbf{W}^{\top} x' \end{aligned}`, true,
		"math(mtable(mtr(mtd(mover(mi mo)) mtd(mi mo mi mo mi msub(mi mi) mi)) mtr(mtd(mover(mi mo)) mtd(mi mo msup(mi mi) msup(mi mo)))))"},
	{"matrix product", `\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} \begin{pmatrix} x_1 \\ x_2 \end{pmatrix}`, false,
		"math(mrow(mo mtable(mtr(mtd(mn) mtd(mn)) mtr(mtd(mn) mtd(mn))) mo) mrow(mo mtable(mtr(mtd(msub(mi mn))) mtr(mtd(msub(mi mn)))) mo))"},
	{"gathered", `\begin{gathered} x \in \mathbb{R}^{T \times d} \\ \log \sigma(z) \end{gathered}`, true,
		"math(mtable(mtr(mtd(mi mo msup(mi mrow(mi mo mi)))) mtr(mtd(mi mo mi mo mi mo))))"},
	{"nested roots", `\sqrt[n]{\frac{1}{1 + \sqrt{x}}}`, false,
		"math(mroot(mfrac(mn mrow(mn mo msqrt(mi))) mi))"},
	{"fences inside fences", `\left[ \left( a \right) \right.`, false,
		"math(mrow(mo mrow(mo mi mo)))"},
	{"spacing and dots", `x_1, \ldots, x_n \quad \text{and} \quad \vec{v} \cdot \tilde{w}`, false,
		"math(msub(mi mn) mo mo mo msub(mi mi) mspace mtext mspace mover(mi mo) mo mover(mi mo))"},
	{"cross entropy", `L = -\frac{1}{N} \sum_{r} \log p_{r, y_r}`, true,
		"math(mi mo mo mfrac(mn mi) munder(mo mi) mi mo msub(mi mrow(mi mo msub(mi mi))))"},
}

func TestRenderStructure(t *testing.T) {
	for _, c := range structureCases {
		out, err := Render(c.tex, c.display)
		if err != nil {
			t.Errorf("%s: Render(%q) error: %v", c.name, c.tex, err)
			continue
		}
		got, err := skeleton(out)
		if err != nil {
			t.Errorf("%s: Render(%q) is not well-formed MathML: %v\n%s", c.name, c.tex, err, out)
			continue
		}
		if got != c.want {
			t.Errorf("%s: Render(%q) structure =\n%s\nwant\n%s", c.name, c.tex, got, c.want)
		}
	}
}

// The formulas that the engine's ops describe themselves with (OpInfo), so
// that the web layer can show any of them.
var opFormulas = []string{
	`Y = A + B`,
	`Y = A B^{T}`,
	`L = \frac{1}{N}\sum_{r} \left( \log \sum_{c} e^{z_{rc}} - z_{r y_r} \right)`,
	`Y_{o,i,j} = b_o + \sum_{c,u,v} W_{o,c,u,v}\, X_{c,\, s i + u - p,\, s j + v - p}`,
	`y_{p} = E_{\mathrm{id}_p}`,
	`Y_{b,\,k} = X_{b,\,c,i,j} \text{ with } k = (c H + i) W + j`,
	`Y = X_{:,\,1 d_h : 2 d_h}`,
	`Y = [X_0 \mid X_1 \mid \cdots \mid X_{n-1}]`,
	`y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \odot g + b`,
	`y_{ik} = \begin{cases} x_{ik} & k \le i \\ -\infty & k > i \end{cases}`,
	`Y = A \odot B`,
	`Y_{c,i,j} = \max_{0 \le u,v < k} X_{c,\, s i + u,\, s j + v}`,
	`Y_{c,i,j} = \frac{1}{k^2} \sum_{0 \le u,v < k} X_{c,\, s i + u,\, s j + v}`,
	`Y = \operatorname{reshape}(X, [2 3])`,
	`Y = X^{T}`,
	`Y = 0.5\,X`,
	`y_j = \frac{e^{x_j}}{\sum_k e^{x_k}}`,
}

func TestRenderOpFormulas(t *testing.T) {
	for _, tex := range opFormulas {
		for _, display := range []bool{false, true} {
			out, err := Render(tex, display)
			if err != nil {
				t.Errorf("Render(%q, %v) error: %v", tex, display, err)
				continue
			}
			if _, err := skeleton(out); err != nil {
				t.Errorf("Render(%q, %v) is not well-formed: %v", tex, display, err)
			}
		}
	}
}
