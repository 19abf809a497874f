package content

import "embed"

// FS holds the lesson files (*.md at the root) and the training texts
// (text/*.txt). Pass it to lesson.Load; read a text with
// fs.ReadFile(FS, "text/rhymes.txt").
//
//go:embed *.md text/*.txt
var FS embed.FS
