// Package content holds what the app teaches with, embedded in the binary:
// the lessons (Markdown files with front matter at the root, read by package
// lesson) and the small public-domain texts of the training tasks (text/,
// read as strings by the engine's tasks). Nothing here is fetched at run
// time.
package content
