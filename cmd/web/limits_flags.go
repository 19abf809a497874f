package main

import (
	"flag"

	"stepgraph/cmd/web/protocol"
)

// admissionFlags defines the flags of the admission limits
// (protocol.Admission), with its defaults, and returns the function that
// reads them once the flags are parsed. 0 turns a limit off.
func admissionFlags(flags *flag.FlagSet) func() protocol.Admission {
	d := protocol.DefaultAdmission()
	conns := flags.Int("max-conns", d.MaxConns, "connections the server holds; one more is told the server is full (0: no limit)")
	perIP := flags.Int("max-conns-per-ip", d.MaxConnsPerIP, "connections of one client address; raise it when a school reaches the server through one NAT address")
	widgets := flags.Int("max-widgets", d.MaxServerWidgets, "widgets of all connections together")
	trainConn := flags.Int("max-trainers-per-conn", d.MaxTrainersPerConn, "widgets of one connection that train at once")
	trainIP := flags.Int("max-trainers-per-ip", d.MaxTrainersPerIP, "widgets of one client address that train at once")
	sessionMiB := flags.Int64("max-session-mib", d.MaxSessionBytes>>20, "MiB of models one connection may hold, as estimated before they are built")
	serverMiB := flags.Int64("max-server-mib", d.MaxServerBytes>>20, "MiB of models all connections may hold together")
	return func() protocol.Admission {
		return protocol.Admission{
			MaxConns: *conns, MaxConnsPerIP: *perIP, MaxServerWidgets: *widgets,
			MaxTrainersPerConn: *trainConn, MaxTrainersPerIP: *trainIP,
			MaxSessionBytes: *sessionMiB << 20, MaxServerBytes: *serverMiB << 20,
		}
	}
}
