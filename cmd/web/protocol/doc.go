// Package protocol is version 1 of Stepgraph's websocket protocol: the
// messages a page and the server exchange, their limits and error codes, and
// the decoder that turns one client frame into a validated Request.
//
// Every message is one JSON object {"type": ..., "widget": ..., "id": ...}.
// A page opens one connection and multiplexes its widgets on it by widget
// id; "id" is the client's request number, echoed on every answer to that
// request. docs/protocol.md is the reference, and static/js/protocol.js
// mirrors it for the browser: change the three together.
//
// The decoder never panics and never trusts its input. Bad input becomes an
// *Error with a Code from this package, which the session sends back as an
// "error" message; the connection stays usable.
package protocol
