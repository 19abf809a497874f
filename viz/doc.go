// Package viz turns engine state into views for the browser: a layered
// layout of the computational graph and its SVG drawing, heatmap payloads
// of tensors, and charts (loss curves, histograms) rendered as SVG with
// gonum/plot.
//
// Everything here returns plain, JSON-tagged view structs or SVG bytes; the
// web layer sends them as they are. viz imports engine and gonum/plot, and
// nothing of the web.
//
// Conventions:
//
//   - Coordinates are SVG user units (pixels at scale 1), y grows downward.
//     A Box's X and Y are its top-left corner.
//   - The same input always gives the same output, byte for byte, so SVGs
//     can be kept as golden files and diffed as text.
//   - GraphSVG and HeatmapSVG style their elements with classes (listed in
//     their doc comments) and give them neutral presentation attributes
//     (fill, stroke) so that an exported file reads well on its own; the
//     page's CSS overrides those defaults. They write no inline style
//     attribute and no script.
//   - Programmer misuse panics with a message that starts with "viz: ".
//     Data that cannot be drawn is reported as an error.
package viz
