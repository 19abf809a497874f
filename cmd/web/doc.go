// Command web is the Stepgraph server: one binary that serves the lessons,
// the lab, the static assets and the websocket on which the pages' widgets
// run their models.
//
// Usage:
//
//	web [-addr :8080] [-dev]
//
// -addr is the listen address; without it, the PORT environment variable
// (if set) gives the port, else :8080. -dev serves static/ and content/ from
// disk, relative to the working directory, and reloads the lessons on every
// request. The server stops gracefully on SIGINT and SIGTERM.
package main
