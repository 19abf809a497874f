package mathml

import (
	"strings"
	"testing"
)

// wrap puts body inside the <math> element that Render writes.
func wrap(body string, display bool) string {
	mode := "inline"
	if display {
		mode = "block"
	}
	return `<math xmlns="http://www.w3.org/1998/Math/MathML" display="` + mode + `">` + body + `</math>`
}

// The expected MathML below is written by hand from the TeX conventions in
// doc.go, one small formula at a time.
var renderCases = []struct {
	tex     string
	display bool
	want    string // the body inside <math>
}{
	// Numbers, letters, operators.
	{`42`, false, `<mn>42</mn>`},
	{`3.14`, false, `<mn>3.14</mn>`},
	{`.5`, false, `<mn>.5</mn>`},
	{`x`, false, `<mi>x</mi>`},
	{`ab`, false, `<mi>a</mi><mi>b</mi>`},
	{`2x`, false, `<mn>2</mn><mi>x</mi>`},
	{`a + b - c`, false, `<mi>a</mi><mo>+</mo><mi>b</mi><mo>−</mo><mi>c</mi>`},
	{`a<b>c`, false, `<mi>a</mi><mo>&lt;</mo><mi>b</mi><mo>&gt;</mo><mi>c</mi>`},
	{`x = 1,\ y`, false, `<mi>x</mi><mo>=</mo><mn>1</mn><mo>,</mo><mspace width="0.25em"/><mi>y</mi>`},
	{`a * b`, false, `<mi>a</mi><mo>∗</mo><mi>b</mi>`},
	{`(x)`, false, `<mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>`},
	{`[0, 1]`, false, `<mo stretchy="false">[</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo stretchy="false">]</mo>`},
	{`|x|`, false, `<mo stretchy="false">|</mo><mi>x</mi><mo stretchy="false">|</mo>`},
	{`\{1\}`, false, `<mo stretchy="false">{</mo><mn>1</mn><mo stretchy="false">}</mo>`},
	{`a % a comment
	+ b`, false, `<mi>a</mi><mo>+</mo><mi>b</mi>`},
	{``, false, ``},
	{`{}`, false, `<mrow></mrow>`},
	{`{x}`, false, `<mi>x</mi>`},
	{`{x+1}`, false, `<mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow>`},
	{`x \le y \ge z \ne w`, false, `<mi>x</mi><mo>≤</mo><mi>y</mi><mo>≥</mo><mi>z</mi><mo>≠</mo><mi>w</mi>`},
	{`a \approx b \cdot c \times d \odot e`, false, `<mi>a</mi><mo>≈</mo><mi>b</mi><mo>⋅</mo><mi>c</mi><mo>×</mo><mi>d</mi><mo>⊙</mo><mi>e</mi>`},
	{`x \in X \to y`, false, `<mi>x</mi><mo>∈</mo><mi>X</mi><mo>→</mo><mi>y</mi>`},
	{`\infty \partial \nabla`, false, `<mi mathvariant="normal">∞</mi><mi mathvariant="normal">∂</mi><mi mathvariant="normal">∇</mi>`},
	{`1, \ldots, n \cdots \dots`, false, `<mn>1</mn><mo>,</mo><mo>…</mo><mo>,</mo><mi>n</mi><mo>⋯</mo><mo>…</mo>`},
	{`→`, false, `<mo>→</mo>`},
	{`-x`, false, `<mo>−</mo><mi>x</mi>`},
	{`a = -b`, false, `<mi>a</mi><mo>=</mo><mo form="prefix">−</mo><mi>b</mi>`},
	{`[-1, +2]`, false, `<mo stretchy="false">[</mo><mo form="prefix">−</mo><mn>1</mn><mo>,</mo><mo form="prefix">+</mo><mn>2</mn><mo stretchy="false">]</mo>`},
	{`(a) - b`, false, `<mo stretchy="false">(</mo><mi>a</mi><mo stretchy="false">)</mo><mo>−</mo><mi>b</mi>`},
	{`[1,\ -2]`, false, `<mo stretchy="false">[</mo><mn>1</mn><mo>,</mo><mspace width="0.25em"/><mo form="prefix">−</mo><mn>2</mn><mo stretchy="false">]</mo>`},
	{`a \, - b`, false, `<mi>a</mi><mspace width="0.167em"/><mo>−</mo><mi>b</mi>`},
	{`x \pm -1`, false, `<mi>x</mi><mo>±</mo><mo form="prefix">−</mo><mn>1</mn>`},
	{`\left(-x\right)`, false, `<mrow><mo stretchy="true">(</mo><mo form="prefix">−</mo><mi>x</mi><mo stretchy="true">)</mo></mrow>`},
	{`a \displaystyle = -b`, false, `<mi>a</mi><mstyle displaystyle="true"><mo>=</mo><mo form="prefix">−</mo><mi>b</mi></mstyle>`},

	// Greek.
	{`\alpha\beta`, false, `<mi>α</mi><mi>β</mi>`},
	{`\epsilon \varepsilon \phi \varphi \omega`, false, `<mi>ϵ</mi><mi>ε</mi><mi>ϕ</mi><mi>φ</mi><mi>ω</mi>`},
	{`\Sigma \Omega`, false, `<mi mathvariant="normal">Σ</mi><mi mathvariant="normal">Ω</mi>`},

	// Scripts and primes.
	{`x^2`, false, `<msup><mi>x</mi><mn>2</mn></msup>`},
	{`x^23`, false, `<msup><mi>x</mi><mn>2</mn></msup><mn>3</mn>`},
	{`x^{23}`, false, `<msup><mi>x</mi><mn>23</mn></msup>`},
	{`x_i`, false, `<msub><mi>x</mi><mi>i</mi></msub>`},
	{`x_{ij}`, false, `<msub><mi>x</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub>`},
	{`x_i^2`, false, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
	{`x^2_i`, false, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
	{`W^T`, false, `<msup><mi>W</mi><mi>T</mi></msup>`},
	{`W^{\top}`, false, `<msup><mi>W</mi><mi mathvariant="normal">⊤</mi></msup>`},
	{`W^\top`, false, `<msup><mi>W</mi><mi mathvariant="normal">⊤</mi></msup>`},
	{`f'`, false, `<msup><mi>f</mi><mo>′</mo></msup>`},
	{`f''`, false, `<msup><mi>f</mi><mo>″</mo></msup>`},
	{`f'^2`, false, `<msup><mi>f</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>`},
	{`{}^2`, false, `<msup><mrow></mrow><mn>2</mn></msup>`},
	{`^2`, false, `<msup><mrow></mrow><mn>2</mn></msup>`},
	{`e^{-x}`, false, `<msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup>`},
	{`x^\frac12`, false, `<msup><mi>x</mi><mfrac><mn>1</mn><mn>2</mn></mfrac></msup>`},

	// Large operators: limits below and above only in display style.
	{`\sum_{i} x`, false, `<msub><mo>∑</mo><mi>i</mi></msub><mi>x</mi>`},
	{`\sum_{i} x`, true, `<munder><mo>∑</mo><mi>i</mi></munder><mi>x</mi>`},
	{`\sum_{i=1}^n`, true, `<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>`},
	{`\prod^n`, true, `<mover><mo>∏</mo><mi>n</mi></mover>`},
	{`\int_0^1`, true, `<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>`},
	{`\int_0^1`, false, `<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>`},
	{`\frac{\sum_i x}{2}`, true, `<mfrac><mrow><msub><mo>∑</mo><mi>i</mi></msub><mi>x</mi></mrow><mn>2</mn></mfrac>`},

	// Functions: upright, then an invisible function application.
	{`\log x`, false, `<mi>log</mi><mo rspace="0.167em">` + "\u2061" + `</mo><mi>x</mi>`},
	{`\exp(x)`, false, `<mi>exp</mi><mo>` + "\u2061" + `</mo><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>`},
	{`\max_i`, true, `<munder><mi>max</mi><mi>i</mi></munder><mo>` + "\u2061" + `</mo>`},
	{`\min_i`, false, `<msub><mi>min</mi><mi>i</mi></msub><mo>` + "\u2061" + `</mo>`},
	{`\operatorname{softmax}(z)`, false, `<mi>softmax</mi><mo>` + "\u2061" + `</mo><mo stretchy="false">(</mo><mi>z</mi><mo stretchy="false">)</mo>`},
	{`\operatorname*{argmax}_k`, true, `<munder><mi>argmax</mi><mi>k</mi></munder><mo>` + "\u2061" + `</mo>`},
	{`\operatorname{f}`, false, `<mi mathvariant="normal">f</mi><mo>` + "\u2061" + `</mo>`},

	// Fractions and roots.
	{`\frac{a}{b}`, false, `<mfrac><mi>a</mi><mi>b</mi></mfrac>`},
	{`\frac12`, false, `<mfrac><mn>1</mn><mn>2</mn></mfrac>`},
	{`\frac{}{}`, false, `<mfrac><mrow></mrow><mrow></mrow></mfrac>`},
	{`\dfrac{a}{b}`, false, `<mstyle displaystyle="true"><mfrac><mi>a</mi><mi>b</mi></mfrac></mstyle>`},
	{`\tfrac{a}{b}`, true, `<mstyle displaystyle="false"><mfrac><mi>a</mi><mi>b</mi></mfrac></mstyle>`},
	{`\sqrt{x}`, false, `<msqrt><mi>x</mi></msqrt>`},
	{`\sqrt2`, false, `<msqrt><mn>2</mn></msqrt>`},
	{`\sqrt[3]{x+1}`, false, `<mroot><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mn>3</mn></mroot>`},

	// Text and fonts.
	{`\text{if } x`, false, `<mtext>if` + "\u00a0" + `</mtext><mi>x</mi>`},
	{`\text{a  <b>  \& \{c\}}`, false, `<mtext>a &lt;b&gt; &amp; {c}</mtext>`},
	{`\text{ {x} }`, false, `<mtext>` + "\u00a0x\u00a0" + `</mtext>`},
	{`\mathrm{d}x`, false, `<mi mathvariant="normal">d</mi><mi>x</mi>`},
	{`\mathrm{ReLU}`, false, `<mi>ReLU</mi>`},
	{`\mathbf{W}x`, false, `<mi>𝐖</mi><mi>x</mi>`},
	{`\mathbf xy`, false, `<mi>𝐱</mi><mi>y</mi>`},
	{`\mathbf{x_1}`, false, `<msub><mi>𝐱</mi><mn>𝟏</mn></msub>`},
	{`\mathbb{R}^d`, false, `<msup><mi>ℝ</mi><mi>d</mi></msup>`},
	{`\mathcal{L}`, false, `<mi>ℒ</mi>`},

	// Fences.
	{`\left( x \right)`, false, `<mrow><mo stretchy="true">(</mo><mi>x</mi><mo stretchy="true">)</mo></mrow>`},
	{`\left[ x \right]`, false, `<mrow><mo stretchy="true">[</mo><mi>x</mi><mo stretchy="true">]</mo></mrow>`},
	{`\left\{ x \right\}`, false, `<mrow><mo stretchy="true">{</mo><mi>x</mi><mo stretchy="true">}</mo></mrow>`},
	{`\left| x \right|`, false, `<mrow><mo stretchy="true">|</mo><mi>x</mi><mo stretchy="true">|</mo></mrow>`},
	{`\left. x \right|`, false, `<mrow><mi>x</mi><mo stretchy="true">|</mo></mrow>`},
	{`\left(x\right)^2`, false, `<msup><mrow><mo stretchy="true">(</mo><mi>x</mi><mo stretchy="true">)</mo></mrow><mn>2</mn></msup>`},
	{`\big( x`, false, `<mo minsize="1.2em" maxsize="1.2em">(</mo><mi>x</mi>`},

	// Accents.
	{`\hat{y}`, false, `<mover accent="true"><mi>y</mi><mo stretchy="false">^</mo></mover>`},
	{`\bar x`, false, `<mover accent="true"><mi>x</mi><mo stretchy="false">¯</mo></mover>`},
	{`\tilde{x}`, false, `<mover accent="true"><mi>x</mi><mo stretchy="false">~</mo></mover>`},
	{`\vec{v}`, false, `<mover accent="true"><mi>v</mi><mo stretchy="false">→</mo></mover>`},

	// Spacing.
	{`a\,b\;c\quad d\qquad e\!f`, false, `<mi>a</mi><mspace width="0.167em"/><mi>b</mi><mspace width="0.278em"/><mi>c</mi><mspace width="1em"/><mi>d</mi><mspace width="2em"/><mi>e</mi><mspace width="-0.167em"/><mi>f</mi>`},
	{`a~b`, false, `<mi>a</mi><mtext>` + "\u00a0" + `</mtext><mi>b</mi>`},

	// Operator classes.
	{`a \mathrel{+=} b`, false, `<mi>a</mi><mo>+=</mo><mi>b</mi>`},
	{`\mathbin{\odot}`, false, `<mo>⊙</mo>`},
	{`\mathrel{x}`, false, `<mi>x</mi>`},

	// Style switches.
	{`\displaystyle \sum_i`, false, `<mstyle displaystyle="true"><munder><mo>∑</mo><mi>i</mi></munder></mstyle>`},
	{`a {\textstyle \sum_i} b`, true, `<mi>a</mi><mstyle displaystyle="false"><msub><mo>∑</mo><mi>i</mi></msub></mstyle><mi>b</mi>`},

	// Environments.
	{`\begin{matrix} a & b \\ c & d \end{matrix}`, false,
		`<mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable>`},
	{`\begin{pmatrix} 1 \\ 2 \\ \end{pmatrix}`, false,
		`<mrow><mo stretchy="true">(</mo><mtable><mtr><mtd><mn>1</mn></mtd></mtr><mtr><mtd><mn>2</mn></mtd></mtr></mtable><mo stretchy="true">)</mo></mrow>`},
	{`\begin{bmatrix} x \end{bmatrix}`, false,
		`<mrow><mo stretchy="true">[</mo><mtable><mtr><mtd><mi>x</mi></mtd></mtr></mtable><mo stretchy="true">]</mo></mrow>`},
	{`\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}`, false,
		`<mrow><mo stretchy="true">{</mo><mtable columnalign="left left" class="sg-cases"><mtr><mtd><mn>1</mn></mtd><mtd><mi>x</mi><mo>&gt;</mo><mn>0</mn></mtd></mtr><mtr><mtd><mn>0</mn></mtd><mtd><mtext>else</mtext></mtd></mtr></mtable></mrow>`},
	{`\begin{aligned} a &= b \\[2pt] &= c \end{aligned}`, true,
		`<mtable columnalign="right left" columnspacing="0em" class="sg-aligned" displaystyle="true"><mtr><mtd><mi>a</mi></mtd><mtd><mi></mi><mo>=</mo><mi>b</mi></mtd></mtr><mtr><mtd></mtd><mtd><mi></mi><mo>=</mo><mi>c</mi></mtd></mtr></mtable>`},
	{`\begin{aligned} a &= b & c &= d \end{aligned}`, false,
		`<mtable columnalign="right left right left" columnspacing="0em 2em 0em" class="sg-aligned"><mtr><mtd><mi>a</mi></mtd><mtd><mi></mi><mo>=</mo><mi>b</mi></mtd><mtd><mi>c</mi></mtd><mtd><mi></mi><mo>=</mo><mi>d</mi></mtd></mtr></mtable>`},
	{`\begin{gathered} a \\ b \end{gathered}`, true,
		`<mtable displaystyle="true"><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>`},
	{`\begin{pmatrix} \sum_i \end{pmatrix}`, true,
		`<mrow><mo stretchy="true">(</mo><mtable><mtr><mtd><msub><mo>∑</mo><mi>i</mi></msub></mtd></mtr></mtable><mo stretchy="true">)</mo></mrow>`},
}

func TestRender(t *testing.T) {
	for _, c := range renderCases {
		got, err := Render(c.tex, c.display)
		if err != nil {
			t.Errorf("Render(%q, %v) error: %v", c.tex, c.display, err)
			continue
		}
		if want := wrap(c.want, c.display); got != want {
			t.Errorf("Render(%q, %v) =\n%s\nwant\n%s", c.tex, c.display, got, want)
		}
	}
}

// TestRenderIgnoresSpaces checks that white space between tokens changes
// nothing, as in TeX.
func TestRenderIgnoresSpaces(t *testing.T) {
	for _, c := range renderCases {
		if strings.Contains(c.tex, `\text`) || strings.Contains(c.tex, "%") || strings.Contains(c.tex, `\ `) ||
			strings.ContainsAny(c.tex, "0123456789") {
			continue // spaces count inside \text, end comments, and split numbers
		}
		spaced := strings.Join(strings.Fields(c.tex), "  ")
		if spaced == c.tex {
			continue
		}
		got, err1 := Render(spaced, c.display)
		want, err2 := Render(c.tex, c.display)
		if err1 != nil || err2 != nil || got != want {
			t.Errorf("Render(%q) = %q, %v; want %q, %v as for %q", spaced, got, err1, want, err2, c.tex)
		}
	}
}
