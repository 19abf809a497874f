package session

import (
	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// Lanes: which of the pool's lanes a request's work takes. Most requests
// are interactive, and go first. Heavy one-off jobs take the heavy lane,
// which holds at most half the workers, so that steps of other learners
// still find a worker while they run: the making of every export file
// (exports.go), every weights upload, and on a large model (over heavyBytes, as estimated) the requests that
// may run a whole pass or rebuild it. A gradient check is answered at once
// on the interactive lane, and its work then takes the heavy lane, a node
// a job, in the background (widget/gradcheck.go).

// heavyBytes is the estimated size from which a model's rebuilds and long
// runs are heavy jobs: about nine default labs (1.8 MiB each); the largest
// lab is 105 MiB.
const heavyBytes = 16 << 20

// laneOf returns the lane of a request to an existing widget.
func (s *session) laneOf(req *protocol.Request) pool.Lane {
	switch req.Type {
	case protocol.TypeSet, protocol.TypeRun, protocol.TypeSeek, protocol.TypeTrain, protocol.TypeOptimize:
		if s.m.adm.reserved(s.holds, req.Widget) > heavyBytes {
			return pool.Heavy
		}
	case protocol.TypeStep, protocol.TypeBack:
		if req.Count > 1 && s.m.adm.reserved(s.holds, req.Widget) > heavyBytes {
			return pool.Heavy
		}
	}
	return pool.Interactive
}

// configureLane returns the lane of a configure: heavy for a large model.
func (s *session) configureLane(req *protocol.Request) pool.Lane {
	if widget.Cost(req.Kind, req.Options) > heavyBytes {
		return pool.Heavy
	}
	return pool.Interactive
}
