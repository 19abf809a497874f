package protocol

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocQuantError checks the doc's table of the quantError message
// against the message: the same top-level fields, and the same fields of a
// node.
func TestDocQuantError(t *testing.T) {
	rows := docRows(t, docText(t), "### `"+TypeQuantError+"`")
	var fields []string
	var nodeFields string
	for _, r := range rows {
		name := strings.Trim(r[0], "`")
		fields = append(fields, name)
		if name == "nodes" {
			nodeFields = regexp.MustCompile(`\[\{([^}]*)\}\]`).FindStringSubmatch(r[1])[1]
		}
	}
	sqnr := 12.5
	b, _ := json.Marshal(&QuantError{Header: Header{Type: TypeQuantError}, Nodes: []QuantNodeStat{{SQNR: &sqnr}}})
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	var keys []string
	for k := range m {
		if k != "type" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	slices.Sort(fields)
	if !slices.Equal(keys, fields) {
		t.Errorf("quantError fields %v, doc lists %v", keys, fields)
	}
	var nodes []map[string]any
	json.Unmarshal(m["nodes"], &nodes)
	var nk []string
	for k := range nodes[0] {
		nk = append(nk, k)
	}
	doc := strings.Split(strings.ReplaceAll(nodeFields, " ", ""), ",")
	slices.Sort(nk)
	slices.Sort(doc)
	if !slices.Equal(nk, doc) {
		t.Errorf("quantError node fields %v, doc lists %v", nk, doc)
	}
}
