package lesson

import (
	"maps"
	"strings"
	"testing"
)

var widgetCases = []struct {
	name, src string
	want      string   // the HTML
	widgets   []Widget // what Render returns
}{
	{"one widget", "```widget\nkind: mlp\nlayers: 2\n```",
		`<div class="sg-widget" data-widget="w1" data-kind="mlp" data-options='{"layers":"2"}' data-testid="widget-w1"></div>` + "\n",
		[]Widget{{ID: "w1", Kind: "mlp", Options: map[string]string{"layers": "2"}}}},
	{"kind only", "```widget\nkind: lab\n```",
		`<div class="sg-widget" data-widget="w1" data-kind="lab" data-options='{}' data-testid="widget-w1"></div>` + "\n",
		[]Widget{{ID: "w1", Kind: "lab", Options: map[string]string{}}}},
	{"options sorted, unknown keys kept, quotes, comments and blanks", "```widget\nkind: attention\n\n# a comment\nzeta: \"z 1\"\narch: decoder\nheads: 2\n```",
		`<div class="sg-widget" data-widget="w1" data-kind="attention" data-options='{"arch":"decoder","heads":"2","zeta":"z 1"}' data-testid="widget-w1"></div>` + "\n",
		[]Widget{{ID: "w1", Kind: "attention", Options: map[string]string{"arch": "decoder", "heads": "2", "zeta": "z 1"}}}},
	{"values escaped for the attribute", "```widget\nkind: quant\nlabel: it's <b> & \"so\"\n```",
		`<div class="sg-widget" data-widget="w1" data-kind="quant" data-options='{"label":"it&#39;s \u003cb\u003e \u0026 \"so\""}' data-testid="widget-w1"></div>` + "\n",
		[]Widget{{ID: "w1", Kind: "quant", Options: map[string]string{"label": `it's <b> & "so"`}}}},
	{"numbered in order, also inside lists", "# T\n\n```widget\nkind: mlp\n```\n\n- item\n\n  ```widget\n  kind: cnn\n  ```\n",
		"<h1 id=\"t\">T</h1>\n" +
			`<div class="sg-widget" data-widget="w1" data-kind="mlp" data-options='{}' data-testid="widget-w1"></div>` + "\n" +
			"<ul>\n<li>\n<p>item</p>\n" +
			`<div class="sg-widget" data-widget="w2" data-kind="cnn" data-options='{}' data-testid="widget-w2"></div>` + "\n" +
			"</li>\n</ul>\n",
		[]Widget{{ID: "w1", Kind: "mlp", Options: map[string]string{}}, {ID: "w2", Kind: "cnn", Options: map[string]string{}}}},
	{"other fenced blocks stay code", "```yaml\nkind: mlp\n```",
		"<pre><code class=\"language-yaml\">kind: mlp\n</code></pre>\n", nil},
}

func TestWidgets(t *testing.T) {
	for _, c := range widgetCases {
		got, widgets, err := Render([]byte(c.src))
		if err != nil {
			t.Errorf("%s: Render(%q) error: %v", c.name, c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: Render(%q) =\n%s\nwant\n%s", c.name, c.src, got, c.want)
		}
		if len(widgets) != len(c.widgets) {
			t.Errorf("%s: Render(%q) widgets = %v, want %v", c.name, c.src, widgets, c.widgets)
			continue
		}
		for i, w := range widgets {
			cw := c.widgets[i]
			if w.ID != cw.ID || w.Kind != cw.Kind || !maps.Equal(w.Options, cw.Options) {
				t.Errorf("%s: widget %d = %v, want %v", c.name, i, w, cw)
			}
		}
	}
}

var widgetErrorCases = []struct {
	name, src, want string
}{
	{"missing kind", "Intro.\n\n```widget\n```", "line 3: widget: missing kind"},
	{"kind not first", "```widget\nhidden: 3\nkind: mlp\n```", "line 2: widget: first key must be kind, got hidden"},
	{"malformed line", "```widget\nkind: mlp\nhidden 3\n```", `line 3: widget: want key: value, got "hidden 3"`},
	{"bad key", "```widget\nkind: mlp\nhid den: 3\n```", `line 3: widget: bad key "hid den"`},
	{"duplicate key", "```widget\nkind: mlp\nact: relu\nact: tanh\n```", "line 4: widget: duplicate key act"},
	{"duplicate kind", "```widget\nkind: mlp\nkind: cnn\n```", "line 3: widget: duplicate key kind"},
	{"empty value", "```widget\nkind: mlp\nact:\n```", "line 3: widget: empty value for act"},
	{"bad kind", "```widget\nkind: My Widget\n```", `line 2: widget: bad kind "My Widget"`},
}

func TestWidgetErrors(t *testing.T) {
	for _, c := range widgetErrorCases {
		got, _, err := Render([]byte(c.src))
		if err == nil {
			t.Errorf("%s: Render(%q) = %q, want error %q", c.name, c.src, got, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Render(%q) error = %q, want %q", c.name, c.src, err, c.want)
		}
	}
}
