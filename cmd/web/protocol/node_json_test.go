package protocol

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sameJSON checks that MarshalMessage and encoding/json give the same
// JSON value for m.
func sameJSON(t *testing.T, what string, m Message) {
	t.Helper()
	fast, err := MarshalMessage(m)
	if err != nil {
		t.Fatalf("%s: MarshalMessage: %v", what, err)
	}
	slow, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", what, err)
	}
	var a, b any
	if err := json.Unmarshal(fast, &a); err != nil {
		t.Fatalf("%s: MarshalMessage wrote invalid JSON %s: %v", what, fast, err)
	}
	json.Unmarshal(slow, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s:\nMarshalMessage %s\nencoding/json  %s", what, fast, slow)
	}
}

// TestMarshalNode checks the hand-written node message against
// encoding/json on messages that use every field and every escape.
func TestMarshalNode(t *testing.T) {
	hm := &Heatmap{
		Rows: 2, Cols: 3, Data: Numbers{0, math.Copysign(0, -1), 1.5e-7, -123456789, 0.1 + 0.2, 1e21},
		Masked: []bool{false, true, false, false, false, false}, Min: -123456789, Max: 1e21, Mean: 2.5e-9, Norm: 1e-300,
		RowAxis: "query", ColAxis: "key", RowLabels: []string{"a", "\"b\""}, ColLabels: []string{"<x>", "y&z", "\u2028"},
		Caption: "[0, :, :] of [2, 2, 3]",
	}
	strs := []string{"", "plain", "quote \" backslash \\ ", "tab\tnewline\nreturn\r bell\x07 nul\x00", "<math><mi>x</mi></math> & co",
		"é → ∑ 😀", "bad \xff utf8 \xe2\x82", "line\u2028para\u2029"}
	for _, s := range strs {
		sameJSON(t, "strings "+s, &Node{
			Header: Header{Type: TypeNode, Widget: s, ID: 1 << 53},
			Step:   Cursor{Index: 3, Total: 9, Phase: s, Done: true, Node: -1, Seed: true, Writes: []GradWrite{{1, 2, 3}, {4, 5, 6}}},
			Node: &NodeView{ID: 7, Name: s, Op: s, Formula: s, MathML: s, Kind: s, Shape: []int{2, 3}, Users: 2,
				Computed: true, GradKnown: false, Value: hm, Grad: &Heatmap{Rows: 1, Cols: 1, Data: Numbers{0}}},
			Forward: []int{1, 2}, Backward: []int{},
		})
	}
	sameJSON(t, "empty", &Node{Header: Header{Type: TypeNode}})
	sameJSON(t, "no node", &Node{Header: Header{Type: TypeNode}, Step: Cursor{Node: -1}, Forward: []int{}, Backward: []int{}})
	sameJSON(t, "no data", &Node{Header: Header{Type: TypeNode}, Node: &NodeView{Value: &Heatmap{}}})
	// Other messages go through encoding/json.
	sameJSON(t, "metrics", &Metrics{Header: Header{Type: TypeMetrics, Widget: "w"}, Values: map[string]float64{"loss": 0.5}})
}

// TestMarshalNodeNotFinite checks that a non-finite number is an error,
// as it is for encoding/json, in a cell and in a statistic.
func TestMarshalNodeNotFinite(t *testing.T) {
	for _, h := range []*Heatmap{{Rows: 1, Cols: 1, Data: Numbers{math.NaN()}}, {Rows: 1, Cols: 1, Data: Numbers{1}, Max: math.Inf(1)}} {
		m := &Node{Header: Header{Type: TypeNode}, Node: &NodeView{Value: h}}
		if _, err := MarshalMessage(m); err == nil {
			t.Errorf("MarshalMessage of %+v = nil error, want one", h)
		}
		if _, err := json.Marshal(m); err == nil {
			t.Errorf("json.Marshal of %+v = nil error, want one", h)
		}
	}
}

// TestNumbersRounded checks the wire's rounding of heatmap cells: six
// significant digits, zero stays zero, tiny and huge values keep their
// magnitude and sign, and Round gives what the JSON reads back as.
func TestNumbersRounded(t *testing.T) {
	xs := Numbers{0, math.Copysign(0, -1), 1, -1, 0.1 + 0.2, 2.0 / 3, -1.0 / 3, 123456789, 1e-300, -5e-324, 1.7976931348623157e308, 0.9999995}
	b, err := json.Marshal(xs)
	if err != nil {
		t.Fatal(err)
	}
	want := "[0,0,1,-1,0.3,0.666667,-0.333333,1.23457e+08,1e-300,-4.94066e-324,1.79769e+308,1]"
	if string(b) != want {
		t.Errorf("Numbers JSON = %s, want %s", b, want)
	}
	var back []float64
	json.Unmarshal(b, &back)
	for i, x := range xs {
		if back[i] != Round(x) {
			t.Errorf("cell %v reads back as %v, Round says %v", x, back[i], Round(x))
		}
		// Half a unit of the sixth significant digit, relative to a
		// leading digit of 1: 5e-6.
		if x != 0 && math.Abs(back[i]-x) > 5e-6*math.Abs(x) {
			t.Errorf("cell %v reads back as %v: relative error over 5e-6", x, back[i])
		}
		if (x == 0) != (back[i] == 0) || math.Signbit(x) != math.Signbit(back[i]) && x != 0 {
			t.Errorf("cell %v reads back as %v: zero or sign changed", x, back[i])
		}
	}
	if !strings.HasPrefix(string(b), "[0,0,") {
		t.Errorf("negative zero is written %s, want 0", b)
	}
}

// TestRecycledBuffersStayCorrect marshals node messages in turn, each
// into the buffer the last one handed back, smaller after larger: each
// one's bytes equal those of a fresh marshal.
func TestRecycledBuffersStayCorrect(t *testing.T) {
	big := &Node{Header: Header{Type: TypeNode, Widget: "w", ID: 1}, Forward: make([]int, 2000), Backward: []int{}}
	small := &Node{Header: Header{Type: TypeNode, Widget: "w", ID: 2}, Forward: []int{1}, Backward: []int{}}
	var want [2][]byte
	for i, m := range []*Node{big, small} {
		b, err := appendNode(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b
	}
	for range 4 {
		for i, m := range []*Node{big, small} {
			got, err := MarshalMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want[i]) {
				t.Fatalf("message %d from a recycled buffer:\n%s\nwant\n%s", i, got, want[i])
			}
			Recycle(got)
		}
	}
}
