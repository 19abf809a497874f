// Package widget adapts the exhibits of package exhibit to the websocket
// protocol: one generic adapter turns protocol requests into calls on an
// exhibit (options through the kind's table, stepping, the training
// loop, exports, weights) and the exhibit's views into protocol messages
// (graph, node, attention, maps, metrics, plot, export).
//
// Widgets are built by kind from a Registry; Default registers every kind
// of exhibit.Kinds, so a new kind of exhibit is a widget without a line
// here. The session package owns the connection and calls a widget from
// one request at a time, on the shared worker pool; a widget that trains
// starts its goroutine with Env.Go, so the session can wait for it when
// the page goes away.
package widget
