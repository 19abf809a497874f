// Package lesson loads the lessons: Markdown files with front matter,
// rendered to HTML on the server with goldmark.
//
// A lesson file starts with front matter between two "---" lines, one
// "key: value" per line: title, section and order are required, summary and
// section_order are optional. The body is CommonMark with GitHub tables.
// Raw HTML in the body is left out, so a lesson cannot inject script.
// Headings get ids made from their text. Math between $...$ (inline) or
// $$...$$ (display) is turned into MathML by package mathml while the
// Markdown is parsed, so Markdown never touches the TeX; a \$ is a plain
// dollar sign and code spans and code blocks are left alone. Inside a table
// cell, write \| for a | in math, as the table syntax needs. A fenced code
// block whose info string is "widget" places a live widget:
//
//	```widget
//	kind: attention
//	arch: decoder
//	heads: 2
//	```
//
// becomes an empty <div class="sg-widget"> that carries the widget's id,
// kind and options as data attributes, for the page's script to mount.
// Lessons are read in order of section (section_order, then name), then of
// order within the section; Prev and Next link them in that order.
//
// Every error names the file and the line at fault.
package lesson
