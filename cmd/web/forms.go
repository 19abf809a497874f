package main

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"stepgraph/exhibit"
	"stepgraph/templates"
)

// labWidths places the lab's fields on the form's grid: the option table
// says what an option is, this what room its control takes.
var labWidths = map[string]string{
	"arch": "wide", "causal": "wide",
	"layers": "third", "heads": "third", "d": "third", "dff": "third", "n": "third", "k": "third",
}

// labForm is the lab's model form, made once from the lab's option table.
var labForm = formOf(exhibit.LabOptions, labWidths)

// formOf returns the form of an option table: one field per option that
// has a control, in table order, each "half" wide unless widths says
// otherwise.
func formOf(t *exhibit.Table, widths map[string]string) templates.LabForm {
	var f templates.LabForm
	for _, o := range t.Options {
		if o.NoControl {
			continue
		}
		field := templates.Field{
			Name: o.Name, Label: o.Label, Default: o.Default, Width: "half",
			Title: sentence(strings.ReplaceAll(o.Help+"; "+o.ValuesText(), "`", "")),
		}
		if w, ok := widths[o.Name]; ok {
			field.Width = w
		}
		switch o.Type {
		case exhibit.Choice:
			field.Control = templates.ControlSelect
			for i, c := range o.Choices {
				label := c
				if i < len(o.ChoiceLabels) {
					label = o.ChoiceLabels[i]
				}
				field.Choices = append(field.Choices, templates.Choice{Value: c, Label: label})
			}
		case exhibit.Bool:
			field.Control = templates.ControlSwitch
		case exhibit.Seed:
			field.Control, field.Min, field.Max = templates.ControlSeed, "0", "4294967295"
		case exhibit.Int:
			field.Control, field.Min, field.Max, field.Step = templates.ControlNumber, bound(o.Min), bound(o.Max), "1"
		case exhibit.Number:
			field.Control, field.Min, field.Max, field.Step = templates.ControlNumber, bound(o.Min), bound(o.Max), "any"
		default:
			field.Control = templates.ControlText
		}
		f.Fields = append(f.Fields, field)
	}
	return f
}

// bound writes a bound of a number control.
func bound(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// sentence starts s with a capital letter.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
