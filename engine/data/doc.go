// Package data generates the small labelled data sets Stepgraph trains on:
// 2-D point clouds for the MLP (circle, xor, spiral, Gaussian clusters) and
// tiny grayscale images for the CNN (bars, crosses, circles, shapes,
// seven-segment digits), all drawn in code from an explicit seed, so the
// same seed always gives the same data and no file or network is needed.
//
// A Set holds the inputs as one tensor whose first axis indexes examples
// ([n, 2] for points, [n, 1, H, W] for images) and the labels as ints.
// Set.Fill and Set.Sample copy examples into a graph's input nodes, and
// Accuracy and Evaluate score a classifier by the argmax of its logits.
//
// Sizes are bounded (MaxExamples, MinImageSize, MaxImageSize, MaxNoise)
// because the generators run on a shared server; out-of-range requests
// return an error.
package data
