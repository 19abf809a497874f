package widget

import (
	"fmt"
	"math"
	"runtime/debug"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// The gradient check (docs/protocol.md, "check"): the request is checked
// at once, under the lock, and the work runs in the background on the
// pool's heavy lane, one node a job, each job under the lock, so that the
// connection answers its other requests meanwhile. While it runs, the
// widget refuses a second check, and every request that would move what
// the check perturbs, with busy (checkBusy).

// checkRun is a gradient check that runs. done is closed when it has
// ended, after the adapter forgot it.
type checkRun struct{ done chan struct{} }

// handleCheck answers a check request: a refusal now, or the gradcheck
// messages as the background check finishes each node.
func (a *adapter) handleCheck(req *protocol.Request) *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.check != nil {
		return protocol.Errorf(protocol.CodeBusy, "a gradient check of this widget runs already: wait for its answer")
	}
	if a.training() {
		return protocol.Errorf(protocol.CodeBusy, "the model is training, so its weights move under a check: pause training first, then check the gradient")
	}
	s := a.ex.Stepping()
	names, entries := []string{req.Node}, exhibit.MaxCheckEntries
	if req.All {
		plan, e := s.PlanParamCheck()
		if e != nil {
			return refusal(e)
		}
		names, entries = plan.Params, plan.Entries
	} else if e := s.Checkable(req.Node); e != nil {
		return refusal(e)
	}
	run := &checkRun{done: make(chan struct{})}
	a.check = run
	if !a.env.Go(func() { a.runCheck(run, req, names, entries) }) {
		a.check = nil // the session is closing: nobody waits for an answer
	}
	return nil
}

// runCheck checks each of names at up to entries entries, one job on the
// heavy lane each, and sends a gradcheck message as each finishes; for a
// check of every parameter (req.All), with the progress, then the final
// message. The last message goes out after the check is forgotten, under
// the same lock, so a request the page sends once it has the answer is
// never refused as busy. It ends early when the widget closes. A panic (a
// bug) ends the check with an internal error.
func (a *adapter) runCheck(run *checkRun, req *protocol.Request, names []string, entries int) {
	defer close(run.done)
	ended := false // the check is forgotten; the caller holds mu to read it
	defer func() {
		a.mu.Lock()
		if !ended {
			a.check = nil
		}
		a.mu.Unlock()
	}()
	final := &protocol.GradCheck{
		Header: protocol.Header{Type: protocol.TypeGradCheck}, Shape: []int{}, Entries: []protocol.CheckEntry{},
		Tolerance: exhibit.GradCheckTolerance, Match: true, All: true, Final: true, Progress: &protocol.Progress{Total: len(names)},
	}
	for i, name := range names {
		if a.env.Ctx.Err() != nil {
			return
		}
		last := i == len(names)-1
		var failed bool
		err := a.env.Pool.DoIn(a.env.Ctx, pool.Heavy, func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			defer func() {
				if r := recover(); r != nil {
					failed = true
					a.env.Log.Error("gradient check panic", "node", name, "panic", r, "stack", string(debug.Stack()))
					a.check, ended = nil, true
					a.env.Emit(req.ID, protocol.NewError(req, protocol.Errorf(protocol.CodeInternal,
						"the gradient check of %s failed on the server (a bug): configure the widget again, its values may be off", name)))
				}
			}()
			s := a.ex.Stepping()
			c, e := s.CheckGradient(name, entries)
			if e != nil {
				// Requests that move the cursor are refused while it runs.
				panic(fmt.Sprintf("widget: the check of %s, planned, is refused: %v", name, e))
			}
			m := gradCheckMessage(c, s.Stepper().Pos())
			if req.All {
				m.All, m.Progress = true, &protocol.Progress{Done: i + 1, Total: len(names)}
				final.Step = m.Step
				final.Size += m.Size
				final.Checked += m.Checked
				final.Worst = protocol.Float(math.Max(float64(final.Worst), float64(m.Worst)))
				final.Match = final.Match && m.Match
				final.Progress.Done = i + 1
				final.Params = append(final.Params, protocol.CheckRow{Node: m.Node, Shape: m.Shape, Size: m.Size, Checked: m.Checked, Sampled: m.Sampled, Worst: m.Worst, Match: m.Match})
			}
			if last {
				a.check, ended = nil, true
			}
			a.env.Emit(req.ID, m)
			if last && req.All {
				final.Note = protocol.CheckNote(final.Checked, final.Size, final.Checked < final.Size) + fmt.Sprintf(" of %d parameters", len(names))
				a.env.Emit(req.ID, final)
			}
		})
		if err != nil || failed {
			return // the widget closed before a worker was free, or the check failed
		}
	}
}

// gradCheckMessage returns the message of check c at cursor step.
func gradCheckMessage(c exhibit.GradCheck, step int) *protocol.GradCheck {
	m := &protocol.GradCheck{
		Header: protocol.Header{Type: protocol.TypeGradCheck},
		Node:   c.Node, Kind: c.Kind, Shape: shapeOf(c.Shape), Size: c.Size, Checked: len(c.Entries),
		Sampled: c.Sampled, Seed: c.Seed, Note: protocol.CheckNote(len(c.Entries), c.Size, c.Sampled),
		Entries: make([]protocol.CheckEntry, len(c.Entries)), Worst: protocol.Float(c.Worst),
		Tolerance: c.Tolerance, Match: c.Match(), Step: step,
	}
	for i, e := range c.Entries {
		m.Entries[i] = protocol.CheckEntry{Index: e.Index, Autograd: protocol.Float(e.Autograd), Numeric: protocol.Float(e.Numeric), Error: protocol.Float(e.Err)}
	}
	return m
}

// checkBusy refuses req with busy while a gradient check runs, unless it
// leaves the values the check perturbs alone (select, export, a train
// stop). The caller holds mu.
func (a *adapter) checkBusy(req *protocol.Request) *protocol.Error {
	if a.check == nil || req.Type == protocol.TypeSelect || req.Type == protocol.TypeTrain && req.Action == protocol.TrainStop {
		return nil
	}
	return protocol.Errorf(protocol.CodeBusy, "a gradient check of this widget runs: wait for its answer, then send the %s again", req.Type)
}

// waitCheck waits for the gradient check that runs, if any. The caller
// must not hold mu.
func (a *adapter) waitCheck() {
	a.mu.Lock()
	run := a.check
	a.mu.Unlock()
	if run != nil {
		<-run.done
	}
}

// Close stops the widget's background work, training and a gradient
// check, and waits for it. The session cancels the widget's context
// first, so a check ends after the node it is checking.
func (a *adapter) Close() {
	a.stopTraining()
	a.waitCheck()
}
