package protocol

import (
	"encoding/json"
	"math"
	"strconv"

	"stepgraph/exhibit"
)

// The gradient check (docs/protocol.md, "check" and "gradcheck"): the
// client asks for a check of one node's gradient at the cursor, or of every
// parameter's; the server answers with autograd against central
// differences, computed in float64.
const (
	// TypeCheck asks for a gradient check: node, or all.
	TypeCheck = "check"
	// TypeGradCheck is the server's answer: one message for a node; for
	// all, one a parameter as each finishes, then a final one.
	TypeGradCheck = "gradcheck"
)

// Limits of a gradient check, sent in hello.
const (
	// MaxCheckEntries is the most entries of one node a check looks at; a
	// larger node is checked at a seeded sample of that many.
	MaxCheckEntries = exhibit.MaxCheckEntries
	// MaxCheckPasses is the most forward passes one check request runs,
	// two an entry; a check of every parameter shares them out.
	MaxCheckPasses = exhibit.MaxCheckPasses
)

// CodeNoGradient refuses a check of a node that takes no gradient (an
// input), or whose gradient the backward pass has not completed yet.
const CodeNoGradient Code = "no_gradient"

// check reads a check request: a node, or all: true, not both.
func (f fields) check(req *Request) *Error {
	raw, hasAll := f["all"]
	if hasAll {
		if err := json.Unmarshal(raw, &req.All); err != nil || isNull(raw) {
			return Errorf(CodeBadField, `field "all" must be true or false`)
		}
	}
	node, hasNode, e := f.str("node", MaxStringBytes)
	switch {
	case e != nil:
		return e
	case req.All && hasNode:
		return Errorf(CodeBadField, `a check names a node or asks for all: true, not both`)
	case req.All:
		return nil
	case !hasNode || node == "":
		return Errorf(CodeMissingField, `missing field "node" (or "all": true, to check every parameter)`)
	}
	req.Node = node
	return nil
}

// GradCheck is the check of one node's gradient at the cursor: autograd
// next to numeric (central differences) at each checked entry. For a check
// of every parameter, All is set and Progress counts the parameters done;
// the last message is Final, with every parameter's row in Params and the
// totals in Size, Checked, Worst and Match (Node and Entries empty).
type GradCheck struct {
	Header
	Node      string       `json:"node"`
	Kind      string       `json:"kind"`  // the node's kind: "parameter", "op" or "loss"
	Shape     []int        `json:"shape"` // the node's shape
	Size      int          `json:"size"`  // entries of the node
	Checked   int          `json:"checked"`
	Sampled   bool         `json:"sampled"` // a seeded sample of the entries
	Seed      uint32       `json:"seed"`    // the sample's seed
	Note      string       `json:"note"`    // "checked 64 of 1024 entries, seeded sample"
	Entries   []CheckEntry `json:"entries"`
	Worst     Float        `json:"worst"` // the largest relative error
	Tolerance float64      `json:"tolerance"`
	Match     bool         `json:"match"` // every entry within the tolerance
	Step      int          `json:"step"`  // the cursor's index the check is of
	All       bool         `json:"all,omitempty"`
	Progress  *Progress    `json:"progress,omitempty"`
	Final     bool         `json:"final,omitempty"`
	Params    []CheckRow   `json:"params,omitempty"`
}

// CheckEntry is one checked entry: its flat (row-major) index, the
// gradient of the backward pass, the central difference, and their
// relative error |autograd - numeric| / max(|numeric|, 1).
type CheckEntry struct {
	Index    int   `json:"index"`
	Autograd Float `json:"autograd"`
	Numeric  Float `json:"numeric"`
	Error    Float `json:"error"`
}

// Progress is how many of a check's parameters are done.
type Progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// CheckRow is one parameter of a check of every parameter, without its
// entries.
type CheckRow struct {
	Node    string `json:"node"`
	Shape   []int  `json:"shape"`
	Size    int    `json:"size"`
	Checked int    `json:"checked"`
	Sampled bool   `json:"sampled"`
	Worst   Float  `json:"worst"`
	Match   bool   `json:"match"`
}

// CheckNote says how many entries a check looked at, as the page shows it:
// "checked 64 of 1024 entries, seeded sample" or "checked all 16 entries".
func CheckNote(checked, size int, sampled bool) string {
	switch {
	case sampled:
		return "checked " + strconv.Itoa(checked) + " of " + strconv.Itoa(size) + " entries, seeded sample"
	case size == 1:
		return "checked its 1 entry"
	}
	return "checked all " + strconv.Itoa(size) + " entries"
}

// Float is a number of a gradient check, in full float64 precision (a
// learner compares autograd and numeric digit by digit). JSON has no
// infinity or NaN: those are the strings "inf", "-inf" and "nan", as in a
// trace export.
type Float float64

// MarshalJSON writes f.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsInf(x, 1):
		return []byte(`"inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-inf"`), nil
	case math.IsNaN(x):
		return []byte(`"nan"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON writes, for Go clients (the tests).
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*f = Float(math.Inf(1))
	case `"-inf"`:
		*f = Float(math.Inf(-1))
	case `"nan"`:
		*f = Float(math.NaN())
	default:
		var x float64
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		*f = Float(x)
	}
	return nil
}
