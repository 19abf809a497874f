// Package mathml turns a subset of TeX math into MathML, on the server, so
// that browsers display lesson formulas natively without any script.
//
// Render parses the TeX with a small recursive-descent parser into a tree of
// MathML elements and writes the tree out. The subset covers what the
// lessons and the op formulas use: numbers, letters, operators, fractions,
// roots, sub- and superscripts, Greek letters, text, fonts, fences
// (\left ... \right), accents, spacing, large operators with limits,
// \mathrel, and the environments cases, aligned, gathered and matrix (with
// pmatrix, bmatrix, vmatrix and Bmatrix). As in TeX, letters are separate
// identifiers ("ab" is a times b), white space between tokens does not
// matter, % starts a comment, and a minus sign after another operator is
// unary ("= -x" is set tight). Pages should include Stylesheet, which lays
// out aligned and cases in browsers that follow MathML Core. An unknown command, an unbalanced brace or any other malformed
// input is an error that names the problem and its byte offset; the input is
// data from outside, so Render never panics on it.
package mathml
