// Package optim holds the optimizers that update a model's parameters from
// their gradients: SGD with momentum, and Adam. Each Step reads the
// gradients of the parameter nodes and writes their values in place.
package optim
