// Package static embeds Stepgraph's stylesheets, ES modules and icons, so
// that the binary serves them with no file system and no network. The
// server's -dev flag serves the same folder from disk instead.
package static

import "embed"

// FS holds css/, js/ and the icon.
//
//go:embed css js favicon.svg
var FS embed.FS
