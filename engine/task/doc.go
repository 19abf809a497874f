// Package task generates the toy problems that Stepgraph's transformers
// learn: copy, reverse and sort of short symbol sequences, and a
// character-level language model on a small text. Every batch is drawn from
// an explicit engine.Mulberry32 stream, so a seed reproduces it exactly.
//
// # Sequence tasks
//
// A Seq task maps an input x = x_0..x_{n-1} of n symbols drawn from k to an
// output y of the same length: copy (y = x), reverse (y_t = x_{n-1-t}) or
// sort (y = x in ascending order). Token ids:
//
//	0 .. k-1   the symbols, shown as the letters a, b, c, ...
//	k          SEP / BOS, the one reserved id: "the output starts here".
//	           The decoder-only layout uses it as the separator SEP, the
//	           encoder-decoder layout as the decoder's first input BOS.
//
// A Layout lays a task out for one transformer variant:
//
//	encoder  input x, target y at every position.           V = k,           T = n
//	decoder  input [x, SEP, y_0..y_{n-2}], a causal LM       V = k+1,         T = 2n
//	         whose targets are the next token; only the
//	         output half is scored: target [-1 x n, y].
//	encdec   source x; decoder input [BOS, y_0..y_{n-2}],    V = k+1, VSrc = k, T = TSrc = n
//	         target y (teacher forcing).
//
// A target of engine.IgnoreTarget (-1) marks a position that is read but
// not scored: engine.CrossEntropy skips it, so the decoder layout is scored
// on its output half only.
//
// # Character language model
//
// A Corpus turns a text into character ids (the vocabulary is the sorted
// set of its characters), splits it into a training part and a held-out
// tail, and draws windows of T+1 characters: the model reads the first T
// and predicts each next one. Stepgraph ships content/text/rhymes.txt,
// traditional nursery rhymes in the public domain; the engine takes the
// text as a string and never reads files itself.
//
// Fill copies a batch into a graph's input nodes ("input_ids",
// "target_ids", "src_ids"); Accuracy scores the "logits" node after a
// forward pass; Layout.Decode and Corpus.Generate run a trained graph
// greedily for the samples the web UI shows.
package task
