package viz_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

func TestGraphSVGGolden(t *testing.T) {
	checkGolden(t, "testdata/tiny_graph_golden.svg", viz.GraphSVG(viz.LayoutGraph(tinyGraph(), viz.Options{})))
}

// svgElement is one start tag of an SVG document.
type svgElement struct {
	name  string
	attrs map[string]string
}

// parseSVG checks that doc is well-formed XML with an <svg> root and
// returns its start tags in document order.
func parseSVG(t *testing.T, doc []byte) []svgElement {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var els []svgElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			e := svgElement{name: se.Name.Local, attrs: map[string]string{}}
			for _, a := range se.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			els = append(els, e)
		}
	}
	if len(els) == 0 || els[0].name != "svg" {
		t.Fatalf("SVG root is not <svg>")
	}
	return els
}

func TestGraphSVGElements(t *testing.T) {
	g := buildModel(t, transformer.EncDec, 1, 2)
	for _, opt := range []viz.Options{{}, {Collapsed: []string{"enc.layers.0", "dec.layers.0.cross_attn"}}} {
		l := viz.LayoutGraph(g, opt)
		els := parseSVG(t, viz.GraphSVG(l))
		nodes := map[string]svgElement{}
		frames := 0
		for _, e := range els {
			if _, ok := e.attrs["style"]; ok || e.name == "script" || e.name == "style" {
				t.Errorf("element <%s> has inline style or script", e.name)
			}
			for _, k := range []string{"href", "marker-end"} {
				if v, ok := e.attrs[k]; ok && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "url(#") {
					t.Errorf("<%s %s=%q> refers outside the document", e.name, k, v)
				}
			}
			if id, ok := e.attrs["data-testid"]; ok {
				nodes[id] = e
			}
			if e.attrs["class"] == "sg-scope-frame" {
				frames++
			}
		}
		for _, b := range l.Nodes {
			e, ok := nodes["node-"+b.Name]
			if !ok {
				t.Errorf("no element with data-testid node-%s", b.Name)
				continue
			}
			if e.attrs["data-node"] != strconv.Itoa(b.ID) {
				t.Errorf("node-%s data-node = %q, want %d", b.Name, e.attrs["data-node"], b.ID)
			}
			if !strings.Contains(e.attrs["class"], "sg-kind-"+b.Kind) {
				t.Errorf("node-%s class = %q, want sg-kind-%s", b.Name, e.attrs["class"], b.Kind)
			}
		}
		if len(nodes) != len(l.Nodes) {
			t.Errorf("SVG has %d node elements, want %d", len(nodes), len(l.Nodes))
		}
		want := 0
		for _, s := range l.Scopes {
			if !s.Collapsed {
				want++
			}
		}
		if frames != want {
			t.Errorf("SVG has %d scope frames, want %d", frames, want)
		}
	}
}
