package protocol

import (
	"reflect"
	"strings"
	"testing"
)

func TestDecodeValid(t *testing.T) {
	cases := []struct {
		in   string
		want Request
	}{
		{`{"type":"configure","widget":"w1","id":1,"kind":"mlp","options":{"hidden":"3","act":"tanh"}}`,
			Request{Type: "configure", Widget: "w1", ID: 1, Kind: "mlp", Options: map[string]string{"hidden": "3", "act": "tanh"}}},
		{`{"type":"configure","widget":"lab_main-2","kind":"mlp"}`,
			Request{Type: "configure", Widget: "lab_main-2", Kind: "mlp", Options: map[string]string{}}},
		// Numbers and booleans in options keep the text the client wrote.
		{`{"type":"configure","widget":"w","kind":"mlp","options":{"hidden":3,"lr":0.050,"bias":true}}`,
			Request{Type: "configure", Widget: "w", Kind: "mlp", Options: map[string]string{"hidden": "3", "lr": "0.050", "bias": "true"}}},
		{`{"type":"step","widget":"w1","id":2,"dir":"forward"}`,
			Request{Type: "step", Widget: "w1", ID: 2, Dir: "forward", Count: 1}},
		{`{"type":"step","widget":"w1","dir":"backward","count":1000}`,
			Request{Type: "step", Widget: "w1", Dir: "backward", Count: 1000}},
		// 3.0 is an integer; JSON does not distinguish it from 3.
		{`{"type":"step","widget":"w1","dir":"forward","count":3.0}`,
			Request{Type: "step", Widget: "w1", Dir: "forward", Count: 3}},
		{`{"type":"back","widget":"w1","id":9007199254740992}`,
			Request{Type: "back", Widget: "w1", ID: 1 << 53, Count: 1}},
		{`{"type":"run","widget":"w1"}`, Request{Type: "run", Widget: "w1", To: "end"}},
		{`{"type":"run","widget":"w1","to":"forward"}`, Request{Type: "run", Widget: "w1", To: "forward"}},
		{`{"type":"reset","widget":"w1","id":0}`, Request{Type: "reset", Widget: "w1"}},
		{`{"type":"set","widget":"w1","name":"lr","value":0.01}`,
			Request{Type: "set", Widget: "w1", Name: "lr", Value: "0.01"}},
		{`{"type":"set","widget":"w1","name":"act","value":"relu"}`,
			Request{Type: "set", Widget: "w1", Name: "act", Value: "relu"}},
		{`{"type":"select","widget":"w1","node":"layers.0.attn.head.1.probs"}`,
			Request{Type: "select", Widget: "w1", Node: "layers.0.attn.head.1.probs"}},
		{`{"type":"train","widget":"w1","action":"stop"}`, Request{Type: "train", Widget: "w1", Action: "stop"}},
		// Unknown fields are ignored, for newer clients.
		{`{"type":"reset","widget":"w1","color":"blue"}`, Request{Type: "reset", Widget: "w1"}},
		// The lab's seek and export.
		{`{"type":"seek","widget":"lab","id":3,"index":0}`, Request{Type: "seek", Widget: "lab", ID: 3, Index: 0}},
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
	}
}

func TestDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", MaxStringBytes+1)
	manyOpts := "{"
	for i := 0; i <= MaxOptions; i++ {
		if i > 0 {
			manyOpts += ","
		}
		manyOpts += `"k` + strings.Repeat("a", i) + `":"v"`
	}
	manyOpts += "}"
	cases := []struct {
		name, in string
		code     Code
		echo     Request // the part of the request the error must echo
	}{
		{"not json", `{"type":`, CodeBadJSON, Request{}},
		{"array", `[1,2]`, CodeBadJSON, Request{}},
		{"null", `null`, CodeBadJSON, Request{}},
		{"string", `"step"`, CodeBadJSON, Request{}},
		{"trailing garbage", `{"type":"reset","widget":"w"} x`, CodeBadJSON, Request{}},
		{"missing type", `{"widget":"w1","id":4}`, CodeMissingField, Request{ID: 4}},
		{"type not string", `{"type":7,"widget":"w1"}`, CodeBadField, Request{}},
		{"unknown type", `{"type":"explode","widget":"w1","id":5}`, CodeUnknownType, Request{ID: 5}},
		{"server type", `{"type":"hello","widget":"w1"}`, CodeUnknownType, Request{}},
		{"missing widget", `{"type":"reset","id":6}`, CodeMissingField, Request{Type: "reset", ID: 6}},
		{"empty widget", `{"type":"reset","widget":""}`, CodeBadField, Request{Type: "reset"}},
		{"widget with space", `{"type":"reset","widget":"w 1"}`, CodeBadField, Request{Type: "reset"}},
		{"widget too long", `{"type":"reset","widget":"` + strings.Repeat("w", MaxWidgetIDBytes+1) + `"}`, CodeOutOfRange, Request{Type: "reset"}},
		{"id string", `{"type":"reset","widget":"w","id":"7"}`, CodeBadField, Request{}},
		{"id negative", `{"type":"reset","widget":"w","id":-1}`, CodeOutOfRange, Request{}},
		{"id fraction", `{"type":"reset","widget":"w","id":1.5}`, CodeBadField, Request{}},
		{"id too large", `{"type":"reset","widget":"w","id":9007199254740993000}`, CodeOutOfRange, Request{}},
		{"id overflow", `{"type":"reset","widget":"w","id":1e999}`, CodeOutOfRange, Request{}},
		{"configure no kind", `{"type":"configure","widget":"w","id":8}`, CodeMissingField, Request{Type: "configure", Widget: "w", ID: 8}},
		{"configure options array", `{"type":"configure","widget":"w","kind":"mlp","options":[1]}`, CodeBadField, Request{Type: "configure", Widget: "w"}},
		{"configure option object", `{"type":"configure","widget":"w","kind":"mlp","options":{"a":{}}}`, CodeBadField, Request{Type: "configure", Widget: "w"}},
		{"configure option null", `{"type":"configure","widget":"w","kind":"mlp","options":{"a":null}}`, CodeBadField, Request{Type: "configure", Widget: "w"}},
		{"configure too many options", `{"type":"configure","widget":"w","kind":"mlp","options":` + manyOpts + `}`, CodeOutOfRange, Request{Type: "configure", Widget: "w"}},
		{"configure long option", `{"type":"configure","widget":"w","kind":"mlp","options":{"a":"` + long + `"}}`, CodeOutOfRange, Request{Type: "configure", Widget: "w"}},
		{"step no dir", `{"type":"step","widget":"w","id":3}`, CodeMissingField, Request{Type: "step", Widget: "w", ID: 3}},
		{"step bad dir", `{"type":"step","widget":"w","dir":"sideways"}`, CodeBadField, Request{Type: "step", Widget: "w"}},
		{"step count zero", `{"type":"step","widget":"w","dir":"forward","count":0}`, CodeOutOfRange, Request{Type: "step", Widget: "w"}},
		{"step count too large", `{"type":"step","widget":"w","dir":"forward","count":1001}`, CodeOutOfRange, Request{Type: "step", Widget: "w"}},
		{"step count string", `{"type":"step","widget":"w","dir":"forward","count":"2"}`, CodeBadField, Request{Type: "step", Widget: "w"}},
		{"back count negative", `{"type":"back","widget":"w","count":-3}`, CodeOutOfRange, Request{Type: "back", Widget: "w"}},
		{"run bad to", `{"type":"run","widget":"w","to":"moon"}`, CodeBadField, Request{Type: "run", Widget: "w"}},
		{"set no name", `{"type":"set","widget":"w","value":1}`, CodeMissingField, Request{Type: "set", Widget: "w"}},
		{"set no value", `{"type":"set","widget":"w","name":"lr"}`, CodeMissingField, Request{Type: "set", Widget: "w"}},
		{"set value array", `{"type":"set","widget":"w","name":"lr","value":[1]}`, CodeBadField, Request{Type: "set", Widget: "w"}},
		{"set long name", `{"type":"set","widget":"w","name":"` + long + `","value":1}`, CodeOutOfRange, Request{Type: "set", Widget: "w"}},
		{"select no node", `{"type":"select","widget":"w"}`, CodeMissingField, Request{Type: "select", Widget: "w"}},
		{"train bad action", `{"type":"train","widget":"w","action":"pause"}`, CodeBadField, Request{Type: "train", Widget: "w"}},
		{"seek no index", `{"type":"seek","widget":"w","id":2}`, CodeMissingField, Request{Type: "seek", Widget: "w", ID: 2}},
		{"seek negative", `{"type":"seek","widget":"w","index":-1}`, CodeOutOfRange, Request{Type: "seek", Widget: "w"}},
		{"seek too far", `{"type":"seek","widget":"w","index":1048577}`, CodeOutOfRange, Request{Type: "seek", Widget: "w"}},
		{"seek fraction", `{"type":"seek","widget":"w","index":2.5}`, CodeBadField, Request{Type: "seek", Widget: "w"}},
		{"seek string", `{"type":"seek","widget":"w","index":"4"}`, CodeBadField, Request{Type: "seek", Widget: "w"}},
		{"export no what", `{"type":"export","widget":"w"}`, CodeMissingField, Request{Type: "export", Widget: "w"}},
		{"export bad what", `{"type":"export","widget":"w","what":"model"}`, CodeBadField, Request{Type: "export", Widget: "w"}},
		{"export what number", `{"type":"export","widget":"w","what":1}`, CodeBadField, Request{Type: "export", Widget: "w"}},
		{"heatmap no node", `{"type":"export","widget":"w","what":"heatmap"}`, CodeMissingField, Request{Type: "export", Widget: "w"}},
		{"heatmap empty node", `{"type":"export","widget":"w","what":"heatmap","node":""}`, CodeMissingField, Request{Type: "export", Widget: "w"}},
		{"heatmap bad tensor", `{"type":"export","widget":"w","what":"heatmap","node":"x","tensor":"both"}`, CodeBadField, Request{Type: "export", Widget: "w"}},
		{"heatmap tensor number", `{"type":"export","widget":"w","what":"heatmap","node":"x","tensor":0}`, CodeBadField, Request{Type: "export", Widget: "w"}},
	}
	for _, c := range cases {
		got, err := Decode([]byte(c.in))
		if err == nil {
			t.Errorf("%s: Decode(%s) = %+v, want error %s", c.name, c.in, got, c.code)
			continue
		}
		if err.Code != c.code {
			t.Errorf("%s: Decode(%s) code = %s (%s), want %s", c.name, c.in, err.Code, err.Message, c.code)
		}
		if err.Message == "" {
			t.Errorf("%s: Decode(%s) has an empty message", c.name, c.in)
		}
		var echo Request
		if got != nil {
			echo = Request{Type: got.Type, Widget: got.Widget, ID: got.ID}
		}
		if echo.Type != c.echo.Type || echo.Widget != c.echo.Widget || echo.ID != c.echo.ID {
			t.Errorf("%s: Decode(%s) echoes %+v, want %+v", c.name, c.in, echo, c.echo)
		}
	}
}

func TestNewErrorEchoesRequest(t *testing.T) {
	req := &Request{Type: "step", Widget: "w3", ID: 42}
	m := NewError(req, Errorf(CodeUnknownWidget, "no widget %q", "w3"))
	want := ErrorMsg{Header: Header{Type: "error", Widget: "w3", ID: 42}, Request: "step", Code: CodeUnknownWidget, Message: `no widget "w3"`}
	if !reflect.DeepEqual(*m, want) {
		t.Errorf("NewError = %+v, want %+v", *m, want)
	}
	if m := NewError(nil, Errorf(CodeBadJSON, "x")); m.Widget != "" || m.ID != 0 || m.Request != "" {
		t.Errorf("NewError(nil) = %+v, want no echo", *m)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	reqs := []Request{
		{Type: "configure", Widget: "w1", ID: 3, Kind: "attention", Options: map[string]string{"heads": "2"}},
		{Type: "step", Widget: "w1", ID: 4, Dir: "backward", Count: 7},
		{Type: "set", Widget: "w1", Name: "act", Value: ""},
		{Type: "run", Widget: "x", To: "forward"},
		{Type: "seek", Widget: "lab", ID: 5, Index: 0}, // index 0 is sent, not left out
		{Type: "export", Widget: "lab", What: "heatmap", Node: "head.w", Tensor: "grad"},
	}
	for _, r := range reqs {
		b, err := Encode(&r)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", r, err)
		}
		got, e := Decode(b)
		if e != nil {
			t.Errorf("Decode(Encode(%+v)) error %v", r, e)
			continue
		}
		if !reflect.DeepEqual(*got, r) {
			t.Errorf("Decode(Encode(%+v)) = %+v", r, *got)
		}
	}
}

// TestNewErrorListsEveryFault checks that an error with more faults lists
// them all in errors, the first one also in code, message and field.
func TestNewErrorListsEveryFault(t *testing.T) {
	e := &Error{Code: CodeBadField, Message: "act", Field: "act", More: []*Error{{Code: CodeOutOfRange, Message: "heads", Field: "heads"}}}
	m := NewError(&Request{Type: TypeConfigure, Widget: "lab", ID: 3}, e)
	want := []FieldError{{"act", CodeBadField, "act"}, {"heads", CodeOutOfRange, "heads"}}
	if m.Code != CodeBadField || m.Field != "act" || !reflect.DeepEqual(m.Errors, want) {
		t.Errorf("NewError = %+v, want the first fault and errors %v", *m, want)
	}
	if m := NewError(nil, Errorf(CodeBadJSON, "x")); m.Errors != nil {
		t.Errorf("NewError of one fault lists errors %v, want none", m.Errors)
	}
}
