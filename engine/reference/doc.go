// Package reference holds the reference test: it reads every fixture in a
// folder of reference fixtures (by default shared/reference/fixtures beside
// the repository, or the folder named by the STEPGRAPH_REFERENCE
// environment variable) and checks Stepgraph against each one, dispatching
// on the fixture's "format" field. The package has no code of its own
// beyond its tests; see reference_test.go.
package reference
