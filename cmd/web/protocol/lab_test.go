package protocol

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/static"
)

func TestDecodeLabRequests(t *testing.T) {
	cases := []struct {
		in   string
		want Request
	}{
		{`{"type":"seek","widget":"lab","id":3,"index":0}`, Request{Type: "seek", Widget: "lab", ID: 3, Index: 0}},
		{`{"type":"seek","widget":"lab","index":57}`, Request{Type: "seek", Widget: "lab", Index: 57}},
		{`{"type":"seek","widget":"lab","index":1048576}`, Request{Type: "seek", Widget: "lab", Index: MaxSeekIndex}},
		{`{"type":"export","widget":"lab","what":"weights"}`, Request{Type: "export", Widget: "lab", What: "weights"}},
		{`{"type":"export","widget":"lab","what":"trace"}`, Request{Type: "export", Widget: "lab", What: "trace"}},
		// Node and tensor belong to heatmaps; other kinds ignore them.
		{`{"type":"export","widget":"lab","what":"graph","node":"x","tensor":"grad"}`, Request{Type: "export", Widget: "lab", What: "graph"}},
		{`{"type":"export","widget":"lab","what":"heatmap","node":"layers.0.attn.head.1.probs"}`,
			Request{Type: "export", Widget: "lab", What: "heatmap", Node: "layers.0.attn.head.1.probs", Tensor: "value"}},
		{`{"type":"export","widget":"lab","what":"heatmap","node":"head.w","tensor":"grad"}`,
			Request{Type: "export", Widget: "lab", What: "heatmap", Node: "head.w", Tensor: "grad"}},
	}
	for _, c := range cases {
		got, err := Decode([]byte(c.in))
		if err != nil {
			t.Errorf("Decode(%s) error %v, want none", c.in, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("Decode(%s) = %+v, want %+v", c.in, *got, c.want)
		}
		b, e := Encode(got)
		if e != nil {
			t.Fatalf("Encode(%+v): %v", got, e)
		}
		again, err := Decode(b)
		if err != nil || !reflect.DeepEqual(*again, c.want) {
			t.Errorf("Decode(Encode(%+v)) = %+v, %v, want the request back", c.want, again, err)
		}
	}
}

func TestDecodeLabErrors(t *testing.T) {
	cases := []struct {
		name, in string
		code     Code
	}{
		{"seek no index", `{"type":"seek","widget":"w","id":2}`, CodeMissingField},
		{"seek negative", `{"type":"seek","widget":"w","index":-1}`, CodeOutOfRange},
		{"seek too far", `{"type":"seek","widget":"w","index":1048577}`, CodeOutOfRange},
		{"seek fraction", `{"type":"seek","widget":"w","index":2.5}`, CodeBadField},
		{"seek string", `{"type":"seek","widget":"w","index":"4"}`, CodeBadField},
		{"export no what", `{"type":"export","widget":"w"}`, CodeMissingField},
		{"export bad what", `{"type":"export","widget":"w","what":"model"}`, CodeBadField},
		{"export what number", `{"type":"export","widget":"w","what":1}`, CodeBadField},
		{"heatmap no node", `{"type":"export","widget":"w","what":"heatmap"}`, CodeMissingField},
		{"heatmap empty node", `{"type":"export","widget":"w","what":"heatmap","node":""}`, CodeMissingField},
		{"heatmap bad tensor", `{"type":"export","widget":"w","what":"heatmap","node":"x","tensor":"both"}`, CodeBadField},
		{"heatmap tensor number", `{"type":"export","widget":"w","what":"heatmap","node":"x","tensor":0}`, CodeBadField},
	}
	for _, c := range cases {
		got, err := Decode([]byte(c.in))
		if err == nil {
			t.Errorf("%s: Decode(%s) = %+v, want error %s", c.name, c.in, got, c.code)
			continue
		}
		if err.Code != c.code || err.Message == "" {
			t.Errorf("%s: Decode(%s) error = %s (%q), want %s with a message", c.name, c.in, err.Code, err.Message, c.code)
		}
		if got == nil || got.Widget != "w" {
			t.Errorf("%s: Decode(%s) echoes %+v, want widget w", c.name, c.in, got)
		}
	}
}

// TestErrorField checks that an error naming a field carries it to the
// client, and that other errors leave the member out.
func TestErrorField(t *testing.T) {
	e := Errorf(CodeOutOfRange, "heads 3 does not divide d 16")
	e.Field = "heads"
	b, err := json.Marshal(NewError(&Request{Type: TypeSet, Widget: "lab", ID: 9}, e))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "error", "widget": "lab", "id": 9.0, "request": "set", "code": "out_of_range",
		"message": "heads 3 does not divide d 16", "field": "heads"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("error message = %v, want %v", got, want)
	}
	b, _ = json.Marshal(NewError(nil, Errorf(CodeBadJSON, "x")))
	got = nil
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["field"]; ok {
		t.Errorf("error without a field = %s, want no field member", b)
	}
}

// TestLabMessagesFlatten checks that the lab's messages embed the generic
// ones as JSON members of the same object, as docs/protocol.md shows.
func TestLabMessagesFlatten(t *testing.T) {
	g := &LabGraph{Graph: Graph{Header: Header{Type: TypeGraph, Widget: "lab"}, Kind: "lab", Steps: 4}, Options: map[string]string{"heads": "2"}}
	m := &LabMetrics{Metrics: Metrics{Header: Header{Type: TypeMetrics}, Step: 5, Running: true, Values: map[string]float64{"loss": 1}},
		Loss: 1, Training: true, Samples: []Sample{{Input: "abc", Target: "cba", Predicted: "cba", Correct: true}}}
	cases := []struct {
		msg  Message
		keys []string
	}{
		{g, []string{"type", "widget", "kind", "steps", "nodes", "svg", "options"}},
		{m, []string{"type", "step", "running", "values", "loss", "accuracy", "stepsPerSec", "training", "samples"}},
		{&Export{Header: Header{Type: TypeExport}, Filename: "f", MIME: "text/plain", Encoding: EncodingText, Data: "x"},
			[]string{"type", "filename", "mime", "encoding", "data"}},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.msg)
		if err != nil {
			t.Fatal(err)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		for _, k := range c.keys {
			if _, ok := obj[k]; !ok {
				t.Errorf("%T encodes as %s, want member %q", c.msg, b, k)
			}
		}
	}
}

// TestJSMirrorLab checks the lab's constants in static/js/protocol.js
// against this package.
func TestJSMirrorLab(t *testing.T) {
	b, err := fs.ReadFile(static.FS, "js/protocol.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for _, c := range []struct {
		name string
		want []string
	}{
		{"Export", Exports},
		{"Tensor", []string{TensorValue, TensorGrad}},
		{"Encoding", []string{EncodingBase64, EncodingText}},
	} {
		if got, want := values(jsObject(t, src, c.name)), sorted(c.want); !slices.Equal(got, want) {
			t.Errorf("protocol.js %s = %v, want %v", c.name, got, want)
		}
	}
	if !strings.Contains(src, "export const MAX_SEEK_INDEX = "+strconv.Itoa(MaxSeekIndex)+";") {
		t.Errorf("protocol.js has no MAX_SEEK_INDEX = %d", MaxSeekIndex)
	}
}
