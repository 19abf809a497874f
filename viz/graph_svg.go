package viz

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
)

// GraphSVG draws a layout as a self-contained SVG document: scope frames,
// then edges with arrowheads and shape labels, then nodes as rounded boxes
// with their label and op. It has no script, no inline style attribute and
// no reference outside itself; the same layout gives the same bytes.
//
// Elements carry classes for the page's CSS and data attributes for its
// script:
//
//	svg  .sg-graph
//	g    .sg-scope .sg-scope-<kind> [data-scope=name]   rect .sg-scope-frame, text .sg-scope-title
//	g    .sg-edge [data-from=id][data-to=id]             path .sg-edge-line
//	text .sg-edge-label [data-from=id]                   one per tensor leaving a box
//	g    .sg-node .sg-kind-<kind> .sg-op-<op>           rect .sg-node-box, text .sg-node-label, text .sg-node-op
//	     [data-testid="node-<name>"][data-node=id][data-name=name]
//
// A collapsed scope is a node of kind "scope" with an extra class
// .sg-scope-<kind> and data-members (its node IDs, comma-separated).
// Step state (see StepView) is left to the page's script, which adds
// classes such as .sg-current, .sg-forward-done and .sg-grad-known.
func GraphSVG(l Layout) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sg-graph" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="computational graph" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`+"\n",
		num(l.Width), num(l.Height), num(l.Width), num(l.Height))
	b.WriteString(`<defs><marker id="sg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path class="sg-arrowhead" d="M0,0L10,5L0,10z" fill="#7b8494"/></marker></defs>` + "\n")

	b.WriteString(`<g class="sg-scopes">` + "\n")
	for _, s := range l.Scopes {
		if s.Collapsed {
			continue // drawn as a node
		}
		fmt.Fprintf(&b, `<g class="sg-scope sg-scope-%s" data-scope="%s"><rect class="sg-scope-frame" x="%s" y="%s" width="%s" height="%s" rx="8" fill="#f8f9fb" fill-opacity="0.6" stroke="#c8cdd6" stroke-dasharray="4 3"/><text class="sg-scope-title" x="%s" y="%s" font-size="%s" fill="#6b7280">%s</text></g>`+"\n",
			s.Kind, esc(s.Name), num(s.X), num(s.Y), num(s.W), num(s.H),
			num(s.X+6), num(s.Y+scopeTitleH-1), num(smallFont), esc(shortLabel(s.Name)))
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="sg-edges">` + "\n")
	for _, e := range l.Edges {
		fmt.Fprintf(&b, `<g class="sg-edge" data-from="%d" data-to="%d"><path class="sg-edge-line" d="%s" fill="none" stroke="#7b8494" stroke-width="1.2" marker-end="url(#sg-arrow)"/></g>`+"\n",
			e.From, e.To, edgePath(e.Points))
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="sg-edge-labels">` + "\n")
	type key struct {
		from  int
		label string
	}
	drawn := map[key]bool{}
	perSource := map[int]int{}
	for _, e := range l.Edges {
		k := key{e.From, e.Label}
		if drawn[k] || len(e.Points) == 0 {
			continue
		}
		drawn[k] = true
		p := e.Points[0]
		line := perSource[e.From]
		perSource[e.From]++
		fmt.Fprintf(&b, `<text class="sg-edge-label" data-from="%d" x="%s" y="%s" font-size="%s" fill="#4b5563">%s</text>`+"\n",
			e.From, num(p[0]+5), num(p[1]+smallFont+2+float64(line)*(smallFont+1)), num(smallFont), esc(e.Label))
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="sg-nodes">` + "\n")
	for _, n := range l.Nodes {
		writeNode(&b, n)
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

// Default fills per kind, for an SVG seen without the page's CSS.
var kindFill = map[string]string{
	"input":     "#eaf2ff",
	"parameter": "#f1f3f5",
	"op":        "#ffffff",
	"loss":      "#fff0f1",
	"scope":     "#f3efff",
}

func writeNode(b *bytes.Buffer, n Box) {
	class := "sg-node sg-kind-" + n.Kind
	if n.Op != "" {
		class += " sg-op-" + classPart(n.Op)
	}
	extra := ""
	if n.Collapsed {
		class += " sg-scope-" + ScopeKind(n.Name)
		ids := make([]string, len(n.Members))
		for i, m := range n.Members {
			ids[i] = strconv.Itoa(m)
		}
		extra = ` data-members="` + strings.Join(ids, ",") + `"`
	}
	title := n.Name + " · " + subLabel(n) + " · " + shapeLabel(n.Shape)
	fmt.Fprintf(b, `<g class="%s" data-testid="node-%s" data-node="%d" data-name="%s"%s transform="translate(%s %s)">`,
		class, esc(n.Name), n.ID, esc(n.Name), extra, num(n.X), num(n.Y))
	fmt.Fprintf(b, `<title>%s</title><rect class="sg-node-box" width="%s" height="%s" rx="6" fill="%s" stroke="#5b6472"/>`,
		esc(title), num(n.W), num(n.H), kindFill[n.Kind])
	fmt.Fprintf(b, `<text class="sg-node-label" x="%s" y="15" text-anchor="middle" font-size="%s" fill="#111827">%s</text>`,
		num(n.W/2), num(labelFont), esc(n.Label))
	fmt.Fprintf(b, `<text class="sg-node-op" x="%s" y="28" text-anchor="middle" font-size="%s" fill="#6b7280">%s</text></g>`+"\n",
		num(n.W/2), num(smallFont), esc(subLabel(n)))
}

// edgePath returns SVG path data through pts: a cubic curve between two
// points at different x, leaving and arriving vertically, and a straight
// line between two points one above the other.
func edgePath(pts [][2]float64) string {
	if len(pts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("M" + num(pts[0][0]) + "," + num(pts[0][1]))
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		if p[0] == q[0] {
			b.WriteString("L" + num(q[0]) + "," + num(q[1]))
			continue
		}
		my := (p[1] + q[1]) / 2
		fmt.Fprintf(&b, "C%s,%s %s,%s %s,%s", num(p[0]), num(my), num(q[0]), num(my), num(q[0]), num(q[1]))
	}
	return b.String()
}

// num formats a coordinate with at most one decimal.
func num(x float64) string {
	return strconv.FormatFloat(round1(x), 'f', -1, 64)
}

// esc escapes text for XML content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// classPart turns an op name into a CSS class fragment: lowercase letters,
// digits, '-' and '_', anything else becoming '-'.
func classPart(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s)
}
