package mathml

import "strings"

// node is one MathML element: a token element (mi, mn, mo, mtext, mspace)
// holds text, a layout element (mrow, mfrac, msub, mtable, ...) holds kids.
type node struct {
	tag   string
	attrs []attr // written in this order
	text  string // character data of a token element
	kids  []*node
}

type attr struct{ name, value string }

// el returns a layout element with the given children.
func el(tag string, kids ...*node) *node { return &node{tag: tag, kids: kids} }

// tok returns a token element holding text.
func tok(tag, text string) *node { return &node{tag: tag, text: text} }

// with returns n after adding the attribute name="value".
func (n *node) with(name, value string) *node {
	n.attrs = append(n.attrs, attr{name, value})
	return n
}

// row wraps several nodes in one mrow; a single node is returned as is, so
// that "{x}" gives the same tree as "x".
func row(ns []*node) *node {
	if len(ns) == 1 {
		return ns[0]
	}
	return el("mrow", ns...)
}

// write appends the element as XML to b, escaping text and attribute values.
func (n *node) write(b *strings.Builder) {
	b.WriteByte('<')
	b.WriteString(n.tag)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		b.WriteString(escape(a.value))
		b.WriteByte('"')
	}
	if n.tag == "mspace" {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	b.WriteString(escape(n.text))
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</")
	b.WriteString(n.tag)
	b.WriteByte('>')
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// escape makes s safe as XML character data and as a quoted attribute value.
func escape(s string) string { return escaper.Replace(s) }
