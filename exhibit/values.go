package exhibit

import (
	"maps"
	"strconv"
	"strings"
)

// Values are an exhibit's options as checked text, by name: what its table
// returned from Configure or Set. The accessors read one option as its
// type; they panic ("exhibit: ...") on a name that is missing or does not
// parse, which the table rules out for the options it checked.
type Values map[string]string

// Clone returns a copy of v.
func (v Values) Clone() Values { return maps.Clone(v) }

// Str returns option name as text, "" when it is not set.
func (v Values) Str(name string) string { return v[name] }

// Int returns an Int option.
func (v Values) Int(name string) int {
	x, err := strconv.Atoi(v[name])
	if err != nil {
		panic("exhibit: option " + name + " is not an integer: " + err.Error())
	}
	return x
}

// Float returns a Number option.
func (v Values) Float(name string) float64 {
	x, err := strconv.ParseFloat(v[name], 64)
	if err != nil {
		panic("exhibit: option " + name + " is not a number: " + err.Error())
	}
	return x
}

// Bool returns a Bool option.
func (v Values) Bool(name string) bool {
	x, err := strconv.ParseBool(v[name])
	if err != nil {
		panic("exhibit: option " + name + " is not a boolean: " + err.Error())
	}
	return x
}

// Seed returns a Seed option.
func (v Values) Seed(name string) uint32 {
	x, err := strconv.ParseUint(v[name], 10, 32)
	if err != nil {
		panic("exhibit: option " + name + " is not a seed: " + err.Error())
	}
	return uint32(x)
}

// Ints returns an Ints option; "" is an empty list.
func (v Values) Ints(name string) []int {
	out := []int{}
	if v[name] == "" {
		return out
	}
	for _, f := range strings.Split(v[name], ",") {
		x, err := strconv.Atoi(f)
		if err != nil {
			panic("exhibit: option " + name + " is not a list of integers: " + err.Error())
		}
		out = append(out, x)
	}
	return out
}

// splitComma splits a comma-separated option ("a,b") into its parts.
func splitComma(s string) []string { return strings.Split(s, ",") }
