// Package cnn builds small convolutional networks that classify the images
// of package data. Each convolution layer computes
//
//	h = pool(act(conv(h, W) + b))     W [C_out, C_in, k, k], b [C_out]
//
// on a batch in NCHW layout [B, C, H, W]; the feature maps of the last one
// are flattened and passed through fully-connected layers (as in package
// mlp) to the logits, scored by cross-entropy.
//
// A Model holds a configuration and its parameters, outside any graph.
// Build makes a graph for a batch of a given size whose parameter nodes
// share the model's tensors, so one model can back a batch-1 graph that a
// learner steps through and a batched graph that trains it.
package cnn
