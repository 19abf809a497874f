package widget

// seek moves the cursor to index (0..Total) by replaying the timeline from
// the start, so every value and gradient up to it is computed anew. The
// inspector shows the node of the last step.
func (s *stepping) seek(index int) {
	s.last = s.st.Seek(index)
	s.highlight = s.last.Node
}

// replay recomputes the run up to the cursor, after the weights or the
// input changed under it, and keeps the inspected node.
func (s *stepping) replay() {
	s.last = s.st.Seek(s.st.Pos())
}

// carryCursor returns where a cursor at pos on a timeline of oldTotal steps
// goes on a new timeline of newTotal steps (after a rebuild). Both
// timelines are a forward pass then a backward pass of equal length, and
// the cursor keeps its place relative to them: at the end it stays at the
// end; in the backward pass it keeps its distance from the start of
// backward; in the forward pass it keeps its index. So a run whose forward
// pass was complete (attention maps shown) has it complete again.
func carryCursor(pos, oldTotal, newTotal int) int {
	oldF, newF := oldTotal/2, newTotal/2
	switch {
	case pos >= oldTotal:
		return newTotal
	case pos >= oldF:
		return min(newF+pos-oldF, newTotal)
	default:
		return min(pos, newF)
	}
}
