// Package widget holds the live widgets a page embeds: each one owns a
// model, its graph and a stepper, answers protocol requests, and sends back
// graph, node, attention, metrics and plot messages.
//
// Widgets are built by kind from a Registry ("mlp", "attention"; the lab
// adds its own), so a new kind is one Register call. The session package
// owns the connection and calls a widget from one request at a time, on
// the shared worker pool; a widget that trains starts its goroutine with
// Env.Go, so the session can wait for it when the page goes away.
package widget
