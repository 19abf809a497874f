package protocol

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The decoder and docs/protocol.md in one table: the tests below read the
// doc's tables (the limits, and the fields of every client message) and
// check the decoder against each row, so that neither can change without
// the other.

const protocolDoc = "../../../docs/protocol.md"

// docText returns docs/protocol.md.
func docText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docRows returns the rows of the first table after heading (a line of
// the doc), as cells without their pipes.
func docRows(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("docs/protocol.md has no heading %q", heading)
	}
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(doc[i+len(heading)+2:], "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("docs/protocol.md: no table under %q", heading)
	}
	return rows[1:] // without the header
}

// TestDocLimits checks the doc's table of limits against the limits the
// server sends in hello: the same names, the same values, none missing.
func TestDocLimits(t *testing.T) {
	b, err := json.Marshal(CurrentLimits())
	if err != nil {
		t.Fatal(err)
	}
	var hello map[string]json.Number
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&hello); err != nil {
		t.Fatal(err)
	}
	doc := map[string]string{}
	for _, r := range docRows(t, docText(t), "## Limits") {
		doc[strings.Trim(r[0], "`")] = r[1]
	}
	for name, v := range hello {
		if got, ok := doc[name]; !ok || got != v.String() {
			t.Errorf("limit %s: hello sends %s, the doc says %q", name, v, got)
		}
	}
	for name := range doc {
		if _, ok := hello[name]; !ok {
			t.Errorf("the doc lists a limit %s that hello does not send", name)
		}
	}
}

// validFrames are one valid frame of each client message type; the test
// derives its bad frames from them and from the doc's field tables.
var validFrames = map[string]map[string]any{
	TypeConfigure: {"kind": "mlp", "options": map[string]any{"hidden": "3"}},
	TypeStep:      {"dir": DirForward, "count": 2},
	TypeBack:      {"count": 2},
	TypeRun:       {"to": RunToEnd},
	TypeReset:     {},
	TypeSet:       {"name": "lr", "value": "0.1"},
	TypeSelect:    {"node": "layers.0.w"},
	TypeTrain:     {"action": TrainStart},
	TypeSeek:      {"index": 3},
	TypeExport:    {"what": ExportHeatmap, "node": "x", "tensor": TensorValue},
	TypeOptimize:  {"node": "layers.0.w"},
	TypeCheck:     {"node": "layers.0.w"},
	TypeMask:      {"attention": "layers.0.attn", "row": 1, "col": 0, "allowed": false, "length": 3},
}

// frame returns the JSON of a frame of type typ with fields.
func frame(t *testing.T, typ string, fields map[string]any) []byte {
	t.Helper()
	m := map[string]any{"type": typ, "widget": "w", "id": 9}
	maps.Copy(m, fields)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// limitValue reads a bound the doc writes as a number, 2^k or a limit's
// name in backticks.
func limitValue(t *testing.T, s string) int64 {
	t.Helper()
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v
	}
	if exp, ok := strings.CutPrefix(s, "2^"); ok {
		k, err := strconv.Atoi(exp)
		if err != nil {
			t.Fatalf("bound %q", s)
		}
		return 1 << k
	}
	b, _ := json.Marshal(CurrentLimits())
	var lim map[string]int64
	json.Unmarshal(b, &lim)
	v, ok := lim[strings.Trim(s, "`")]
	if !ok {
		t.Fatalf("the doc bounds a field by %q, which is no limit", s)
	}
	return v
}

// TestDocFields checks every field the doc lists for a client message
// against the decoder: the valid frame decodes; without a required field
// it is missing_field; null or the wrong JSON type is bad_field; a word
// outside the listed values is bad_field and each listed value is taken;
// an integer just outside its documented bounds is out_of_range and at
// its bounds is taken.
func TestDocFields(t *testing.T) {
	doc := docText(t)
	quoted := regexp.MustCompile(`"([a-z]+)"`)
	bounds := regexp.MustCompile(`(\d+|` + "`\\w+`" + `) to (2\^\d+|\d+|` + "`\\w+`" + `)`)
	checked := 0
	for _, typ := range ClientTypes {
		valid := validFrames[typ]
		if _, e := Decode(frame(t, typ, valid)); e != nil {
			t.Fatalf("valid %s frame %s: %v", typ, frame(t, typ, valid), e)
		}
		if typ == TypeReset {
			continue // no field of its own, and no table
		}
		for _, row := range docRows(t, doc, "### `"+typ+"`") {
			name, kind, required := strings.Trim(row[0], "`"), row[1], row[2]
			with := func(v any) []byte {
				f := maps.Clone(valid)
				f[name] = v
				return frame(t, typ, f)
			}
			expect := func(what string, data []byte, code Code) {
				t.Helper()
				checked++
				_, e := Decode(data)
				switch {
				case code == "" && e != nil:
					t.Errorf("%s.%s %s: Decode(%s) = %v, want it taken", typ, name, what, data, e)
				case code != "" && (e == nil || e.Code != code):
					t.Errorf("%s.%s %s: Decode(%s) = %v, want %s", typ, name, what, data, e, code)
				}
			}
			if required == "yes" {
				f := maps.Clone(valid)
				delete(f, name)
				expect("missing", frame(t, typ, f), CodeMissingField)
			}
			expect("null", with(nil), CodeBadField)
			switch {
			case strings.Contains(kind, `"`):
				for _, v := range quoted.FindAllStringSubmatch(kind, -1) {
					expect("= "+v[1], with(v[1]), "")
				}
				expect("= a word not listed", with("sideways"), CodeBadField)
				expect("= a number", with(1), CodeBadField)
			case kind == "integer":
				expect("= a string", with("2"), CodeBadField)
				expect("= a fraction", with(1.5), CodeBadField)
				m := bounds.FindStringSubmatch(row[3])
				if m == nil {
					t.Errorf("%s.%s: the doc gives no bounds (\"lo to hi\") in %q", typ, name, row[3])
					continue
				}
				lo, hi := limitValue(t, m[1]), limitValue(t, m[2])
				expect("at its lower bound", with(lo), "")
				expect("at its upper bound", with(hi), "")
				expect("below its bounds", with(lo-1), CodeOutOfRange)
				expect("above its bounds", with(hi+1), CodeOutOfRange)
			case kind == "string":
				expect("= a number", with(7), CodeBadField)
			case kind == "boolean":
				expect("= false", with(false), "")
				expect("= a string", with("true"), CodeBadField)
				expect("= a number", with(1), CodeBadField)
			case kind == "object":
				expect("= a list", with([]any{1}), CodeBadField)
			case kind == "boolean":
				expect("= true", with(true), "")
				expect("= false", with(false), "")
				expect("= a string", with("true"), CodeBadField)
				expect("= a number", with(1), CodeBadField)
			case kind == "string, number or boolean":
				expect("= a number", with(0.5), "")
				expect("= a boolean", with(true), "")
				expect("= a list", with([]any{1}), CodeBadField)
			default:
				t.Errorf("%s.%s: the doc's type %q is not one the test knows", typ, name, kind)
			}
		}
	}
	if checked < 60 {
		t.Errorf("checked %d cases, want every field of every message", checked)
	}
}
