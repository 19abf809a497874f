package protocol

import (
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"
)

// MarshalMessage returns the JSON of a server message. The node message,
// which every step of every learner sends, is written here by hand, field
// by field in the order of its struct, without reflection; every other
// message by encoding/json. Both give the same JSON value
// (TestMarshalNode), so the page cannot tell which wrote it.
//
// A node message's bytes come from a pool: the caller that has written
// them may hand them back with Recycle, so that a step allocates no
// buffer.
func MarshalMessage(m Message) ([]byte, error) {
	if n, ok := m.(*Node); ok {
		b := buffers.Get().(*[]byte)
		if cap(*b) == 0 {
			*b = make([]byte, 0, 4096)
		}
		out, err := appendNode((*b)[:0], n)
		*b = nil
		buffers.Put(b)
		return out, err
	}
	return json.Marshal(m)
}

// buffers holds spare message buffers (pointers to slices, so that Put
// does not allocate).
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// recycleMax is the largest buffer kept for reuse: a step's message at the
// largest lab's views is under it; a rare larger one is left to the
// collector.
const recycleMax = 64 << 10

// Recycle hands back the bytes of a message that MarshalMessage returned
// once nothing holds them any more (they have been written). Any other
// bytes may be recycled too; bytes in use must not be.
func Recycle(data []byte) {
	if cap(data) == 0 || cap(data) > recycleMax {
		return
	}
	b := buffers.Get().(*[]byte)
	if cap(*b) < cap(data) {
		*b = data[:0]
	}
	buffers.Put(b)
}

// appendNode appends the JSON of n.
func appendNode(b []byte, n *Node) ([]byte, error) {
	b = appendHeader(b, &n.Header)
	b = append(b, `,"step":`...)
	b = appendCursor(b, &n.Step)
	b = append(b, `,"node":`...)
	if n.Node == nil {
		b = append(b, "null"...)
	} else {
		var err error
		if b, err = appendNodeView(b, n.Node); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"forward":`...)
	b = appendInts(b, n.Forward)
	b = append(b, `,"backward":`...)
	b = appendInts(b, n.Backward)
	return append(b, '}'), nil
}

// appendHeader opens the message's object with its header's fields.
func appendHeader(b []byte, h *Header) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, h.Type)
	if h.Widget != "" {
		b = append(b, `,"widget":`...)
		b = appendString(b, h.Widget)
	}
	if h.ID != 0 {
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, h.ID, 10)
	}
	return b
}

func appendCursor(b []byte, c *Cursor) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(c.Index), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(c.Total), 10)
	b = append(b, `,"phase":`...)
	b = appendString(b, c.Phase)
	b = append(b, `,"done":`...)
	b = strconv.AppendBool(b, c.Done)
	b = append(b, `,"node":`...)
	b = strconv.AppendInt(b, int64(c.Node), 10)
	if c.Seed {
		b = append(b, `,"seed":true`...)
	}
	if len(c.Writes) > 0 {
		b = append(b, `,"writes":[`...)
		for i, w := range c.Writes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"node":`...)
			b = strconv.AppendInt(b, int64(w.Node), 10)
			b = append(b, `,"count":`...)
			b = strconv.AppendInt(b, int64(w.Count), 10)
			b = append(b, `,"users":`...)
			b = strconv.AppendInt(b, int64(w.Users), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendNodeView(b []byte, v *NodeView) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(v.ID), 10)
	for _, f := range [...]struct{ key, value string }{
		{`,"name":`, v.Name}, {`,"op":`, v.Op}, {`,"formula":`, v.Formula}, {`,"formulaHtml":`, v.MathML}, {`,"kind":`, v.Kind},
	} {
		b = append(b, f.key...)
		b = appendString(b, f.value)
	}
	b = append(b, `,"shape":`...)
	b = appendInts(b, v.Shape)
	b = append(b, `,"users":`...)
	b = strconv.AppendInt(b, int64(v.Users), 10)
	b = append(b, `,"computed":`...)
	b = strconv.AppendBool(b, v.Computed)
	b = append(b, `,"gradKnown":`...)
	b = strconv.AppendBool(b, v.GradKnown)
	var err error
	b = append(b, `,"value":`...)
	if b, err = appendHeatmap(b, v.Value); err != nil {
		return nil, err
	}
	b = append(b, `,"grad":`...)
	if b, err = appendHeatmap(b, v.Grad); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func appendHeatmap(b []byte, h *Heatmap) ([]byte, error) {
	if h == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"rows":`...)
	b = strconv.AppendInt(b, int64(h.Rows), 10)
	b = append(b, `,"cols":`...)
	b = strconv.AppendInt(b, int64(h.Cols), 10)
	b = append(b, `,"data":`...)
	var err error
	if b, err = appendNumbers(b, h.Data); err != nil {
		return nil, err
	}
	if len(h.Masked) > 0 {
		b = append(b, `,"masked":[`...)
		for i, m := range h.Masked {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendBool(b, m)
		}
		b = append(b, ']')
	}
	for _, f := range [...]struct {
		key   string
		value float64
	}{{`,"min":`, h.Min}, {`,"max":`, h.Max}, {`,"mean":`, h.Mean}, {`,"norm":`, h.Norm}} {
		b = append(b, f.key...)
		if b, err = appendFloat(b, f.value); err != nil {
			return nil, err
		}
	}
	for _, f := range [...]struct{ key, value string }{{`,"rowAxis":`, h.RowAxis}, {`,"colAxis":`, h.ColAxis}} {
		if f.value != "" {
			b = append(b, f.key...)
			b = appendString(b, f.value)
		}
	}
	for _, f := range [...]struct {
		key    string
		labels []string
	}{{`,"rowLabels":`, h.RowLabels}, {`,"colLabels":`, h.ColLabels}} {
		if len(f.labels) > 0 {
			b = append(b, f.key...)
			b = append(b, '[')
			for i, s := range f.labels {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, s)
			}
			b = append(b, ']')
		}
	}
	if h.Caption != "" {
		b = append(b, `,"caption":`...)
		b = appendString(b, h.Caption)
	}
	return append(b, '}'), nil
}

// appendInts appends a JSON array of integers ("null" for nil).
func appendInts(b []byte, xs []int) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}

// appendFloat appends x exactly, as encoding/json writes a float64: the
// shortest decimal that reads back as x, in exponent notation below 1e-6
// and from 1e21 on.
func appendFloat(b []byte, x float64) ([]byte, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(x, 'g', -1, 64)}
	}
	format := byte('f')
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' { // e-07 -> e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendString appends s as a JSON string: quotes, backslashes and
// control characters escaped, U+2028 and U+2029 too (JavaScript once
// ended lines there), invalid UTF-8 replaced by U+FFFD, as encoding/json
// does. Unlike encoding/json, it leaves <, > and & as they are: the page
// never puts a message into HTML as text, and MathML is full of them.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
