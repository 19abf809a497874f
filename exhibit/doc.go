// Package exhibit holds Stepgraph's exhibits: one plain type per kind of
// live widget (lab, attention, mlp, cnn, quant, distill). An exhibit owns
// its recipe (which model, which data, how it trains), its graphs and the
// stepper over the one the learner steps, and a declarative option table
// (option.go) from which the server's validation, the Lab's form and the
// option tables of docs/protocol.md are all derived. It returns views
// (viz layouts, heatmaps, charts) as plain values.
//
// An exhibit knows nothing of the web or of the protocol: the widget
// package adapts any exhibit to the websocket protocol, and the lessons'
// tests build the very recipes the widgets run. Every method of an
// exhibit is called by one goroutine at a time; the adapter holds a lock
// around each call, including each training chunk.
//
// Conventions:
//
//   - Options travel as text (Values), exactly as a lesson's widget block
//     or a configure request writes them; the table parses and checks
//     them, and a kind reads its typed configuration from the checked
//     Values.
//   - Bad input from outside (an option out of range, an unknown node,
//     weights that do not fit) is an *Error with a Code. Programmer misuse
//     panics with a message that starts with "exhibit: ".
//   - Randomness comes from the seed option through explicit streams, so
//     the same options give the same model, data and training run.
package exhibit
