package exhibit

import (
	"slices"
	"strings"
)

// Type is the kind of value an option takes.
type Type int

const (
	Int    Type = iota // an integer in [Min, Max]
	Number             // a finite number in [Min, Max], or (Min, Max] with OpenMin
	Choice             // one of Choices, or an alias of one
	Bool               // true or false
	Seed               // an integer from 0 to 4294967295
	Ints               // comma-separated integers in [Min, Max]: MinLen to MaxLen of them
	Text               // text that the option's Check reads
)

// Effect is what a change of one option needs. The docs call each by its
// String.
type Effect int

const (
	Rebuild      Effect = iota // a new model, data and graphs, from the seed
	Retrain                    // as Rebuild, and the model trained when the exhibit is built is trained again
	NewOptimizer               // a fresh optimizer (Adam's moments too); the weights stay
	NewExample                 // another example in the stepped graph; the weights stay
	Relayout                   // another drawing of the same graph
	Seek                       // the cursor moves; nothing else changes
	Requantize                 // the same weights quantized anew (the lab's quant options); training pauses
)

// String returns the effect as docs/protocol.md names it.
func (e Effect) String() string {
	return [...]string{"rebuild", "retrain", "new optimizer", "new example", "new layout", "seek", "requantize"}[e]
}

// Option is one row of an exhibit kind's option table: its name, its
// type and bounds, its default, what a change of it needs, and the words
// that explain it in the docs and in a form.
type Option struct {
	Name    string
	Label   string // short, for a form: "d_model"
	Help    string // what it is and which values it takes, for docs/protocol.md and a form's tooltip
	Type    Type
	Default string // as text; "" for a Text option with no value
	// Min and Max bound an Int or a Number, and each entry of Ints.
	Min, Max float64
	OpenMin  bool // a Number must be above Min, not equal to it
	// MinLen and MaxLen bound the entries of Ints.
	MinLen, MaxLen int
	Choices        []string          // the values of a Choice
	ChoiceLabels   []string          // how a form shows each choice, in order; nil shows the values
	Aliases        map[string]string // other spellings of a Choice ("gelu" for "gelu_tanh")
	Effect         Effect
	// Values, when set, describes the values in the docs instead of the
	// description the type and bounds give ("0 to the timeline's length").
	Values string
	// Check reads the value of a Text option, given the other options, and
	// returns its canonical text, or an error. For other types it runs
	// after the type's own parsing, on its canonical text; nil accepts
	// what the type accepts.
	Check func(value string, v Values) (string, *Error)
	// Late orders a configure request: options with a larger Late are
	// applied after the others (the lab's tokens after n and k).
	Late int
	// NoControl marks an option that a form does not show (the lab's
	// cursor and folded scopes, which the page sets by other means).
	NoControl bool
}

// Presentational lists options a page may give a widget for its own use,
// such as a caption above it, or "mask: edit", which shows the attention
// widget's mask editor. Every table ignores them.
var Presentational = []string{"caption", "title", "mask"}

// Table is an exhibit kind's options, in the order a form shows them.
type Table struct {
	Kind    string // the exhibit kind, for messages: "lab"
	Options []Option
	// Combine checks a combination of options that the rows cannot check
	// alone (d a multiple of heads), once changed (the names a request
	// set, sorted) are applied. It may drop an option that no longer fits
	// (the lab's tokens after a new length). nil when every combination
	// of valid values is valid.
	Combine func(v Values, changed []string) *Error
}

// Option returns the row of name, or nil.
func (t *Table) Option(name string) *Option {
	for i := range t.Options {
		if t.Options[i].Name == name {
			return &t.Options[i]
		}
	}
	return nil
}

// Names returns the option names in table order.
func (t *Table) Names() []string {
	names := make([]string, len(t.Options))
	for i, o := range t.Options {
		names[i] = o.Name
	}
	return names
}

// Defaults returns every option's default, but those without one (a Text
// option whose default is "", a Seek option).
func (t *Table) Defaults() Values {
	v := Values{}
	for _, o := range t.Options {
		if o.Default != "" && o.Effect != Seek {
			v[o.Name] = o.Default
		}
	}
	return v
}

// Configure returns the defaults changed by opts, the options of a
// lesson's widget block or a configure request. They are applied in name
// order, Late ones last, so that the first bad one is reported the same
// way every time; presentational options are skipped. A Seek option (the
// lab's step) is kept in the result for the exhibit to apply once built.
//
// Every bad option is reported at once: the error is the first one, and
// its More holds the others (each bad option is left at its default while
// the rest are checked).
func (t *Table) Configure(opts map[string]string) (Values, *Error) {
	v := t.Defaults()
	names := make([]string, 0, len(opts))
	for name := range opts {
		if !slices.Contains(Presentational, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	slices.SortStableFunc(names, func(a, b string) int { return t.late(a) - t.late(b) })
	var errs []*Error
	for _, name := range names {
		text, e := t.parse(name, opts[name], v)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		v[name] = text
	}
	if t.Combine != nil && len(errs) == 0 {
		if e := t.Combine(v, slices.Sorted(slices.Values(names))); e != nil {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		first := errs[0]
		first.More = errs[1:]
		return nil, first
	}
	return v, nil
}

// Set returns a copy of v with option name set to value, and what the
// change needs. On error v is unchanged.
func (t *Table) Set(v Values, name, value string) (Values, Effect, *Error) {
	text, e := t.parse(name, value, v)
	if e != nil {
		return nil, 0, e
	}
	next := v.Clone()
	next[name] = text
	if t.Combine != nil {
		if e := t.Combine(next, []string{name}); e != nil {
			return nil, 0, e
		}
	}
	return next, t.Option(name).Effect, nil
}

// Text returns v as a configure request would give it, for a page's
// address: every option but the Seek ones, and no empty ones.
func (t *Table) Text(v Values) map[string]string {
	out := map[string]string{}
	for name, text := range v {
		if o := t.Option(name); o != nil && o.Effect != Seek && text != "" {
			out[name] = text
		}
	}
	return out
}

// late returns the Late of option name, 0 for names the table lacks.
func (t *Table) late(name string) int {
	if o := t.Option(name); o != nil {
		return o.Late
	}
	return 0
}

// parse checks value for option name against its row, given the other
// options v, and returns its canonical text. The error names the option.
func (t *Table) parse(name, value string, v Values) (string, *Error) {
	o := t.Option(name)
	if o == nil {
		return "", at(Errorf(UnknownOption, "%s widget has no option %q (have %s)", t.Kind, name, strings.Join(t.Names(), ", ")), name)
	}
	text, e := o.parse(value)
	if e == nil && o.Check != nil {
		text, e = o.Check(text, v)
	}
	return text, at(e, name)
}
