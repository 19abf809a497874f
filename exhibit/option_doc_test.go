package exhibit

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the option tables of docs/protocol.md from the exhibits' tables")

// protocolDoc is the reference of the protocol, whose option tables are
// generated from the exhibits' tables.
const protocolDoc = "../docs/protocol.md"

// optionBlock finds the generated table of one kind in the docs.
func optionBlock(kind string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)(<!-- options:` + regexp.QuoteMeta(kind) + ` -->\n)(.*?)(<!-- end options -->)`)
}

// TestProtocolDocOptions checks that docs/protocol.md has the option table
// of every kind exactly as the kind's table writes it, between its
// markers, so that the doc cannot disagree with what the server accepts.
// go test ./exhibit -run TestProtocolDocOptions -update rewrites them.
func TestProtocolDocOptions(t *testing.T) {
	raw, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, k := range Kinds {
		re, want := optionBlock(k.Name()), k.Options.Markdown()
		m := re.FindStringSubmatch(doc)
		if m == nil {
			t.Errorf("%s has no block <!-- options:%s --> ... <!-- end options -->", protocolDoc, k.Name())
			continue
		}
		if *update {
			doc = re.ReplaceAllLiteralString(doc, m[1]+want+m[3])
			continue
		}
		if m[2] != want {
			t.Errorf("the %s options of %s differ from the table (run go test ./exhibit -run TestProtocolDocOptions -update):\n got:\n%s\nwant:\n%s", k.Name(), protocolDoc, m[2], want)
		}
	}
	if *update {
		if err := os.WriteFile(protocolDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOptionTables checks every kind's table: names unique, a default
// that the row itself accepts, help for the docs and the forms, and
// values the docs can describe.
func TestOptionTables(t *testing.T) {
	for _, k := range Kinds {
		tab := k.Options
		seen := map[string]bool{}
		for _, o := range tab.Options {
			if seen[o.Name] {
				t.Errorf("%s: option %q twice", tab.Kind, o.Name)
			}
			seen[o.Name] = true
			if o.Help == "" || o.Label == "" || strings.HasSuffix(o.Help, ".") {
				t.Errorf("%s option %s: help %q, label %q; want both, help without a final period", tab.Kind, o.Name, o.Help, o.Label)
			}
			if o.Type == Text && o.Values == "" {
				t.Errorf("%s option %s: a Text option must describe its values", tab.Kind, o.Name)
			}
			if o.Default == "" {
				continue
			}
			if got, e := tab.parse(o.Name, o.Default, tab.Defaults()); e != nil || got != o.Default {
				t.Errorf("%s option %s: default %q parses as %q, %v; want itself", tab.Kind, o.Name, o.Default, got, e)
			}
		}
		if _, e := tab.Configure(nil); e != nil {
			t.Errorf("%s: the defaults do not configure: %v", tab.Kind, e)
		}
	}
}
