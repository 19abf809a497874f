package lesson

import (
	"strings"
	"sync"
	"testing"
)

// m wraps a hand-written MathML body in the <math> element mathml.Render
// writes.
func m(body string, display bool) string {
	mode := "inline"
	if display {
		mode = "block"
	}
	return `<math xmlns="http://www.w3.org/1998/Math/MathML" display="` + mode + `">` + body + `</math>`
}

// block is a display formula as a block of its own.
func block(body string) string { return `<div class="sg-math">` + m(body, true) + "</div>\n" }

var renderCases = []struct {
	name, src, want string
}{
	{"inline math", `Let $x$ be.`, "<p>Let " + m("<mi>x</mi>", false) + " be.</p>\n"},
	{"underscores and stars stay TeX", `$a_i * b_i$ and $c_j$`,
		"<p>" + m("<msub><mi>a</mi><mi>i</mi></msub><mo>∗</mo><msub><mi>b</mi><mi>i</mi></msub>", false) +
			" and " + m("<msub><mi>c</mi><mi>j</mi></msub>", false) + "</p>\n"},
	{"escaped dollars", `It costs \$5, or \$x\$.`, "<p>It costs $5, or $x$.</p>\n"},
	{"prices are not math", `From $5 to $10.`, "<p>From $5 to $10.</p>\n"},
	{"space after opening $", `a $ x$ b`, "<p>a $ x$ b</p>\n"},
	{"closing $ before a digit", `$x$1`, "<p>$x$1</p>\n"},
	{"escaped $ inside math", `$\$ x$`, "<p>" + m(`<mi mathvariant="normal">$</mi><mi>x</mi>`, false) + "</p>\n"},
	{"unclosed $", `only $x here`, "<p>only $x here</p>\n"},
	{"code span untouched", "`$x_1$` and `a*b*`", "<p><code>$x_1$</code> and <code>a*b*</code></p>\n"},
	{"code block untouched", "```\n$$x$$ $y$\n```", "<pre><code>$$x$$ $y$\n</code></pre>\n"},
	{"indented code untouched", "    $x$", "<pre><code>$x$\n</code></pre>\n"},
	{"display math inline", `so $$x$$ here`, "<p>so " + m("<mi>x</mi>", true) + " here</p>\n"},
	{"display block one line", `$$x^2$$`, block("<msup><mi>x</mi><mn>2</mn></msup>")},
	{"display block lines", "$$\nx\n= 1\n$$", block("<mi>x</mi><mo>=</mo><mn>1</mn>")},
	{"display block after text", "Text:\n$$\nx\n$$\nmore", "<p>Text:</p>\n" + block("<mi>x</mi>") + "<p>more</p>\n"},
	{"display block with content on fence lines", "$$ a\n+ b $$", block("<mi>a</mi><mo>+</mo><mi>b</mi>")},
	{"multi-line inline math", "a $x +\ny$ b", "<p>a " + m("<mi>x</mi><mo>+</mo><mi>y</mi>", false) + " b</p>\n"},
	{"math in a list", "- one $x$\n- two\n\n  $$y$$\n",
		"<ul>\n<li>\n<p>one " + m("<mi>x</mi>", false) + "</p>\n</li>\n<li>\n<p>two</p>\n" + block("<mi>y</mi>") + "</li>\n</ul>\n"},
	{"math in a nested list", "1. a\n   - $$z$$\n",
		"<ol>\n<li>a\n<ul>\n<li>\n" + block("<mi>z</mi>") + "</li>\n</ul>\n</li>\n</ol>\n"},
	{"math in a list indented by tabs", "- a\n\n\t$$\n\tb\n\tc $$\n",
		"<ul>\n<li>\n<p>a</p>\n" + block("<mi>b</mi><mi>c</mi>") + "</li>\n</ul>\n"},
	{"one-line math in a list indented by a tab", "- a\n\n\t$$x+1$$\n",
		"<ul>\n<li>\n<p>a</p>\n" + block("<mi>x</mi><mo>+</mo><mn>1</mn>") + "</li>\n</ul>\n"},
	{"math in a quote", "> $x$", "<blockquote>\n<p>" + m("<mi>x</mi>", false) + "</p>\n</blockquote>\n"},
	{"math in a table", "| a | b |\n|---|--:|\n| $x_1$ | $\\|y\\|$ |",
		"<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>" +
			m("<msub><mi>x</mi><mn>1</mn></msub>", false) + "</td>\n<td align=\"right\">" +
			m(`<mo stretchy="false">|</mo><mi>y</mi><mo stretchy="false">|</mo>`, false) + "</td>\n</tr>\n</tbody>\n</table>\n"},
	{"math in a heading", "## Scores $QK^T$", `<h2 id="scores-qkt">Scores ` + m("<mi>Q</mi><msup><mi>K</mi><mi>T</mi></msup>", false) + "</h2>\n"},
	{"heading ids", "# Hello, World\n## Hello, World", "<h1 id=\"hello-world\">Hello, World</h1>\n<h2 id=\"hello-world-1\">Hello, World</h2>\n"},
	{"raw html block left out", "<script>alert(1)</script>", "<!-- raw HTML omitted -->\n"},
	{"raw inline html left out", "a <b onclick=\"x()\">b</b>", "<p>a <!-- raw HTML omitted -->b<!-- raw HTML omitted --></p>\n"},
	{"javascript links dropped", "[x](javascript:alert(1))", "<p><a href=\"\">x</a></p>\n"},
	{"emphasis still works", "*a* and **b** and ~~c~~", "<p><em>a</em> and <strong>b</strong> and <del>c</del></p>\n"},
}

func TestRender(t *testing.T) {
	for _, c := range renderCases {
		got, widgets, err := Render([]byte(c.src))
		if err != nil {
			t.Errorf("%s: Render(%q) error: %v", c.name, c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: Render(%q) =\n%s\nwant\n%s", c.name, c.src, got, c.want)
		}
		if len(widgets) != 0 {
			t.Errorf("%s: Render(%q) widgets = %v, want none", c.name, c.src, widgets)
		}
	}
}

var renderErrorCases = []struct {
	name, src string
	want      []string // each must appear in the error
}{
	{"unknown command", "Text.\n\nSee $\\softmax(x)$.", []string{`line 3: math: unknown command \softmax`}},
	{"unbalanced brace in a block", "$$\n\\frac{1}{2\n$$", []string{"line 1: math: missing } for this {"}},
	{"unclosed block", "a\n\n$$\nx", []string{"line 3: math: $$ is never closed"}},
	{"error in a list", "- a\n- $x^$", []string{"line 2: math: missing argument for ^"}},
	{"every error reported", "$\\foo$\n\n$\\bar{$", []string{`line 1: math: unknown command \foo`, "line 3: math: missing } for this {"}},
}

func TestRenderErrors(t *testing.T) {
	for _, c := range renderErrorCases {
		got, _, err := Render([]byte(c.src))
		if err == nil {
			t.Errorf("%s: Render(%q) = %q, want an error", c.name, c.src, got)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Render(%q) error = %q, want it to contain %q", c.name, c.src, err, w)
			}
		}
	}
}

// TestRenderConcurrent checks that the shared converter keeps no state
// between documents: bodies rendered at the same time come out as when
// rendered alone. Run it with -race.
func TestRenderConcurrent(t *testing.T) {
	want := make([]string, len(renderCases))
	for i, c := range renderCases {
		want[i], _, _ = Render([]byte(c.src))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, c := range renderCases {
				if got, _, _ := Render([]byte(c.src)); got != want[i] {
					t.Errorf("%s: concurrent Render = %q, want %q", c.name, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
