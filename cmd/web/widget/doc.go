// Package widget holds the live widgets a page embeds: each one owns a
// model, its graph and a stepper, answers protocol requests, and sends back
// graph, node, attention, maps, metrics and plot messages.
//
// Widgets are built by kind from a Registry ("mlp", "cnn", "attention",
// "quant", "distill", "lab"), so a new kind is one Register call. The mlp
// and cnn kinds share a classifier (classifier.go): a model of a labelled
// data set, its stepped graph and its training loop. The session package
// owns the connection and calls a widget from one request at a time, on
// the shared worker pool; a widget that trains starts its goroutine with
// Env.Go, so the session can wait for it when the page goes away.
package widget
