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
	g := &Graph{Header: Header{Type: TypeGraph, Widget: "lab"}, Kind: "lab", Steps: 4, Options: map[string]string{"heads": "2"}}
	m := &LabMetrics{Metrics: Metrics{Header: Header{Type: TypeMetrics}, Step: 5, Running: true, Values: map[string]float64{"loss": 1}},
		Loss: 1, Training: true, Samples: []Sample{{Input: "abc", Target: "cba", Predicted: "cba", Correct: true}}}
	cases := []struct {
		msg  Message
		keys []string
	}{
		{g, []string{"type", "widget", "kind", "steps", "nodes", "svg", "options"}},
		{m, []string{"type", "step", "running", "values", "loss", "accuracy", "stepsPerSec", "training", "samples"}},
		{&Export{Header: Header{Type: TypeExport}, Filename: "f", MIME: "text/plain", URL: ExportPath + "0123"},
			[]string{"type", "filename", "mime", "url"}},
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
	} {
		if got, want := values(jsObject(t, src, c.name)), sorted(c.want); !slices.Equal(got, want) {
			t.Errorf("protocol.js %s = %v, want %v", c.name, got, want)
		}
	}
	if !strings.Contains(src, `export const EXPORT_PATH = "`+ExportPath+`";`) {
		t.Errorf("protocol.js lacks EXPORT_PATH = %q", ExportPath)
	}
	if !strings.Contains(src, "export const MAX_SEEK_INDEX = "+strconv.Itoa(MaxSeekIndex)+";") {
		t.Errorf("protocol.js has no MAX_SEEK_INDEX = %d", MaxSeekIndex)
	}
}
