// Command loadtest is a real websocket client that puts a Stepgraph
// server on loopback under the load of a class: many learners stepping
// the default Lab, trainers beside them, and one visitor training the
// largest models it may. It prints the steppers' latency (p50, p99, max),
// every error and dropped connection, and the server's memory per
// session.
//
//	go run ./cmd/loadtest -scenario class -pid $(pgrep -n web)
//
// Its loops are bounded in count and time (-sessions, -duration), and it
// refuses any address outside 127.0.0.0/8 and ::1: it is a tool to
// measure a server of your own, not to load someone else's. `make
// loadtest` builds the server, starts it with the per-address limits off
// (every session comes from 127.0.0.1) and runs the three scenarios of
// docs/perf.md.
package main
