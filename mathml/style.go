package mathml

// Stylesheet is the CSS a page that shows Render's output should include.
//
// Render writes the MathML attributes columnalign and columnspacing on the
// tables of aligned and cases, but MathML Core, which Chromium implements,
// ignores them. These rules give the same layout through the classes Render
// writes beside them (sg-aligned, sg-cases). Chromium aligns the content of
// a table cell with the -webkit- values of text-align only, so each rule
// gives both. The first rule asks for a font with an OpenType MATH table:
// without one, browsers cannot stretch fences, braces and radicals.
const Stylesheet = `math {
	font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
}
mtable.sg-aligned > mtr > mtd {
	padding-left: 0;
	padding-right: 0;
}
mtable.sg-aligned > mtr > mtd:nth-child(odd) {
	text-align: right;
	text-align: -webkit-right;
}
mtable.sg-aligned > mtr > mtd:nth-child(even) {
	text-align: left;
	text-align: -webkit-left;
	padding-right: 2em;
}
mtable.sg-aligned > mtr > mtd:last-child {
	padding-right: 0;
}
mtable.sg-cases > mtr > mtd {
	text-align: left;
	text-align: -webkit-left;
}
`
