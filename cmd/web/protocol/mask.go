package protocol

import "bytes"

// The mask editor (docs/protocol.md, "mask"): a request that changes the
// mask of one attention of a transformer widget, by a preset or one cell.

// TypeMask edits an attention's mask: attention, and either preset (with
// length for padding) or row, col and allowed.
const TypeMask = "mask"

// The presets of a mask request.
const (
	MaskCausal  = "causal"  // query i reads keys 0..i
	MaskPadding = "padding" // keys at positions >= length are blocked
	MaskNone    = "none"    // every query reads every key
)

// MaxMaskIndex bounds a mask request's row and col in the decoder (the
// longest sequence a model may have is 128); the widget refuses a cell
// outside its attention's matrix with out_of_range. A padded length is 1
// to MaxMaskIndex+1.
const MaxMaskIndex = 127

// MaskEdit is what a mask request asks: a preset, or one cell.
type MaskEdit struct {
	Attention string // the attention's scope, e.g. "layers.0.attn" (the attention message's layers[].name)
	Preset    string // MaskCausal, MaskPadding or MaskNone; "" for a cell edit
	Length    int    // padding: the padded length, 1..MaxMaskIndex+1
	Row, Col  int    // a cell edit: query row and key column, 0..MaxMaskIndex
	Allowed   bool   // a cell edit: whether the query may read the key
}

// mask reads a mask request. Every field present is checked; with a
// preset, the cell fields are not used.
func (f fields) mask(req *Request) *Error {
	m := &MaskEdit{}
	req.Mask = m
	var e *Error
	if m.Attention, e = f.required("attention"); e != nil {
		return e
	}
	preset, hasPreset, e := f.str("preset", MaxStringBytes)
	if e != nil {
		return e
	}
	if hasPreset && preset != MaskCausal && preset != MaskPadding && preset != MaskNone {
		return Errorf(CodeBadField, `preset %q must be "causal", "padding" or "none"`, preset)
	}
	length, hasLength, e := f.integer("length", 1, MaxMaskIndex+1)
	if e != nil {
		return e
	}
	row, hasRow, e := f.integer("row", 0, MaxMaskIndex)
	if e != nil {
		return e
	}
	col, hasCol, e := f.integer("col", 0, MaxMaskIndex)
	if e != nil {
		return e
	}
	allowed, hasAllowed, e := f.boolean("allowed")
	if e != nil {
		return e
	}
	if hasPreset {
		if preset == MaskPadding && !hasLength {
			return Errorf(CodeMissingField, `missing field "length": the padding preset needs the padded length`)
		}
		m.Preset, m.Length = preset, int(length)
		return nil
	}
	for _, c := range []struct {
		name string
		has  bool
	}{{"row", hasRow}, {"col", hasCol}, {"allowed", hasAllowed}} {
		if !c.has {
			return Errorf(CodeMissingField, `missing field %q: a mask request is a preset or a cell edit (row, col, allowed)`, c.name)
		}
	}
	m.Row, m.Col, m.Allowed = int(row), int(col), allowed
	return nil
}

// boolean returns the boolean field name and whether it was present, or
// an error if it is not a boolean.
func (f fields) boolean(name string) (bool, bool, *Error) {
	raw, ok := f[name]
	if !ok {
		return false, false, nil
	}
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, Errorf(CodeBadField, "field %q must be true or false", name)
}

// wireMask is the JSON form of a MaskEdit (encode.go).
type wireMask struct {
	Attention string `json:"attention"`
	Preset    string `json:"preset,omitempty"`
	Length    int    `json:"length,omitempty"`
	Row       *int   `json:"row,omitempty"`
	Col       *int   `json:"col,omitempty"`
	Allowed   *bool  `json:"allowed,omitempty"`
}

// encodeMask returns the fields of a mask request: the preset (and its
// length), or the cell.
func encodeMask(m *MaskEdit) *wireMask {
	w := &wireMask{Attention: m.Attention, Preset: m.Preset, Length: m.Length}
	if m.Preset == "" {
		w.Row, w.Col, w.Allowed = &m.Row, &m.Col, &m.Allowed
	}
	return w
}
