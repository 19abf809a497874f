package exhibit

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Markdown returns the table's options as the Markdown table of
// docs/protocol.md: every option with what it is, its values (from its
// type and bounds), its default and what a set of it does. The docs hold
// this text between the markers <!-- options:KIND --> and <!-- end
// options -->, and a test keeps the two equal.
func (t *Table) Markdown() string {
	var b strings.Builder
	b.WriteString("| Option | What it is | Values | Default | `set` does |\n| --- | --- | --- | --- | --- |\n")
	for _, o := range t.Options {
		def := "none"
		if o.Default != "" {
			def = "`" + o.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", o.Name, o.Help, o.ValuesText(), def, o.Effect)
	}
	return b.String()
}

// ValuesText describes the values an option takes, in Markdown: its
// Values when set, else what its type and bounds allow ("1 to 4",
// "(0, 1]", "`relu`, `tanh`").
func (o *Option) ValuesText() string {
	if o.Values != "" {
		return o.Values
	}
	switch o.Type {
	case Int:
		return fmt.Sprintf("%s to %s", num(o.Min), num(o.Max))
	case Number:
		open := "["
		if o.OpenMin {
			open = "("
		}
		return fmt.Sprintf("%s%s, %s]", open, num(o.Min), num(o.Max))
	case Choice:
		text := "`" + strings.Join(o.Choices, "`, `") + "`"
		for _, alias := range slices.Sorted(maps.Keys(o.Aliases)) {
			text += fmt.Sprintf(" (`%s` means `%s`)", alias, o.Aliases[alias])
		}
		return text
	case Bool:
		return "`true`, `false`"
	case Seed:
		return fmt.Sprintf("0 to %d", uint32(math.MaxUint32))
	case Ints:
		count := fmt.Sprintf("%d to %d", o.MinLen, o.MaxLen)
		if o.MinLen == 0 {
			count = fmt.Sprintf("up to %d", o.MaxLen)
		}
		text := fmt.Sprintf("%s integers of %s to %s, comma-separated", count, num(o.Min), num(o.Max))
		if o.MinLen == 0 {
			text += " (`\"\"` for none)"
		}
		return text
	}
	panic("exhibit: option " + o.Name + " of type Text has no Values")
}

// num writes a bound without a needless fraction: 4, 0.5.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
