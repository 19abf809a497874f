package exhibit

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// parse reads value as the option's type and bounds, and returns its
// canonical text: "4,4" for the Ints "4, 4", "gelu_tanh" for the alias
// "gelu".
func (o *Option) parse(value string) (string, *Error) {
	s := strings.TrimSpace(value)
	switch o.Type {
	case Int:
		v, e := o.intValue(o.Name, s)
		return strconv.Itoa(v), e
	case Number:
		v, e := o.number(s)
		return strconv.FormatFloat(v, 'g', -1, 64), e
	case Choice:
		if c, ok := o.Aliases[s]; ok {
			s = c
		}
		if !slices.Contains(o.Choices, s) {
			return "", Errorf(BadValue, "%s %q is not one of %s", o.Name, s, strings.Join(o.Choices, ", "))
		}
		return s, nil
	case Bool:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return "", Errorf(BadValue, "%s %q is not true or false", o.Name, value)
		}
		return strconv.FormatBool(v), nil
	case Seed:
		return seedText(o.Name, s)
	case Ints:
		return o.ints(s)
	case Text:
		return value, nil
	}
	panic("exhibit: option " + o.Name + " has no type")
}

// intValue parses an integer in [Min, Max]; what names it in errors.
func (o *Option) intValue(what, s string) (int, *Error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, Errorf(BadValue, "%s %q is not an integer", what, s)
	}
	if float64(v) < o.Min || float64(v) > o.Max {
		return 0, Errorf(OutOfRange, "%s %d outside [%d, %d]", what, v, int(o.Min), int(o.Max))
	}
	return v, nil
}

// number parses a finite number in [Min, Max], or (Min, Max] with OpenMin.
func (o *Option) number(s string) (float64, *Error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, Errorf(BadValue, "%s %q is not a number", o.Name, s)
	}
	if o.OpenMin && !(v > o.Min && v <= o.Max) {
		return 0, Errorf(OutOfRange, "%s %g outside (%g, %g]", o.Name, v, o.Min, o.Max)
	}
	if !o.OpenMin && (v < o.Min || v > o.Max) {
		return 0, Errorf(OutOfRange, "%s %g outside [%g, %g]", o.Name, v, o.Min, o.Max)
	}
	return v, nil
}

// ints parses a list of integers such as "3" or "4, 4" ("" for none):
// MinLen to MaxLen of them, each in [Min, Max].
func (o *Option) ints(s string) (string, *Error) {
	var parts []string
	if s != "" {
		parts = strings.Split(s, ",")
	}
	if len(parts) > o.MaxLen {
		return "", Errorf(OutOfRange, "%s: %d layers, at most %d", o.Name, len(parts), o.MaxLen)
	}
	if len(parts) < o.MinLen {
		return "", Errorf(OutOfRange, "%s: at least %d layer", o.Name, o.MinLen)
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		v, e := o.intValue(o.Name+" width", p)
		if e != nil {
			return "", e
		}
		out[i] = strconv.Itoa(v)
	}
	return strings.Join(out, ","), nil
}

// seedText parses a seed: an integer from 0 to 2^32-1.
func seedText(name, s string) (string, *Error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err == nil {
		return strconv.FormatUint(v, 10), nil
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil && !isDigits(strings.TrimPrefix(s, "-")) {
		return "", Errorf(BadValue, "%s %q is not an integer", name, s)
	}
	return "", Errorf(OutOfRange, "%s %s must be an integer from 0 to %d", name, s, uint32(math.MaxUint32))
}

// isDigits reports whether s is one or more decimal digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
