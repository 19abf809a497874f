// Package mlp builds multi-layer perceptrons: fully-connected networks that
// classify small vectors, such as the 2-D points of package data.
//
// A Model holds a configuration and its parameters, outside any graph.
// Build makes a graph for a batch of a given size whose parameter nodes
// share the model's tensors, so one model can back a batch-1 graph that a
// learner steps through and a batched graph that trains it. Layer l
// computes
//
//	h_{l+1} = act(h_l W_l + b_l)      W_l [d_l, d_{l+1}], b_l [d_{l+1}]
//
// and the last layer leaves out the activation: its output is the logits,
// scored by cross-entropy against the integer class targets.
package mlp
