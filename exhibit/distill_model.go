package exhibit

import (
	"fmt"
	"time"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/distill"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// The recipe of the distill exhibit. The teacher, an MLP 2 -> 32 -> 32 -> 3
// (ReLU), learns the spiral from 300 points when the exhibit is built
// (600 Adam steps, about 99% held-out accuracy). The students, 2 -> width
// -> width -> 3, see only a few labelled points, all of them at every step
// (full batch), so that one of them can learn what the teacher knows about
// the space between the points.
const (
	distillTeacherPoints = 300   // the teacher's training points, and as many held-out points
	distillNoise         = 0.05  // jitter of the points
	distillBatch         = 4     // examples in the stepped graph: the first labelled points
	distillTeacherBatch  = 32    // the teacher's examples per training step
	distillTeacherSteps  = 600   // its Adam steps
	distillTeacherLR     = 0.02  // its learning rate for the first three quarters of them
	distillTeacherLRLate = 0.005 // and for the last quarter
	distillStudentLR     = 0.01  // both students' Adam learning rate
	distillChunk         = 25    // training steps of each student between two measures
)

// distillTeacherConfig is the teacher's architecture.
var distillTeacherConfig = mlp.Config{Inputs: 2, Hidden: []int{32, 32}, Classes: 3, Act: "relu"}

// distillTeacher is a trained teacher and the held-out points every model
// is measured on.
type distillTeacher struct {
	model          *mlp.Model
	test           *data.Set
	loss, accuracy float64 // on test
}

// distillTeacherRecipe trains the teacher.
var distillTeacherRecipe = spiralRecipe{
	config: distillTeacherConfig, points: distillTeacherPoints, noise: distillNoise, batch: distillTeacherBatch,
	steps: distillTeacherSteps, lr: distillTeacherLR, lrLate: distillTeacherLRLate, stream: 3,
}

// trainDistillTeacher trains the teacher of a seed.
func trainDistillTeacher(seed uint32) (*distillTeacher, error) {
	m, _, test, err := distillTeacherRecipe.train(seed)
	if err != nil {
		return nil, err
	}
	eval, err := m.Build(test.Len())
	if err != nil {
		return nil, err
	}
	data.FillFirst(eval, test)
	t := &distillTeacher{model: m, test: test}
	t.loss = eval.Forward()
	t.accuracy = data.Accuracy(eval.MustNode("logits").Value, test.Y)
	return t, nil
}

// distillStudent is one student: its model, the graph it trains on, and
// its held-out record.
type distillStudent struct {
	model          *mlp.Model
	train          *engine.Graph // over every labelled point: the student's own, or the distillation graph
	opt            optim.Optimizer
	eval           *engine.Graph // the student alone, over the held-out points
	loss, accuracy float64       // held-out, after the last chunk
	history        viz.Series    // held-out loss per chunk
}

// measure runs the student on the held-out points and records the loss.
func (s *distillStudent) measure(test *data.Set, step int) {
	s.loss = s.eval.Forward()
	s.accuracy = data.Accuracy(s.eval.MustNode("logits").Value, test.Y)
	s.history.X = append(s.history.X, float64(step))
	s.history.Y = append(s.history.Y, s.loss)
}

// distillLab holds the two students, trained side by side from the same
// start on the same labelled points: plain on the labels alone, taught
// with the teacher as well.
type distillLab struct {
	teacher       *distillTeacher
	plain, taught *distillStudent
	stepped       *engine.Graph // the taught student's distillation graph on distillBatch points
	budget                      // training steps of each student, and the run's end
}

// newDistillLab draws the labelled points (seed+1) and builds both
// students (both from seed+2) and their graphs.
func newDistillLab(t *distillTeacher, v Values) (*distillLab, error) {
	seed, points, width := v.Seed("seed"), v.Int("points"), v.Int("width")
	few, err := data.Points("spiral", points, distillNoise, seed+1)
	if err != nil {
		return nil, err
	}
	cfg := mlp.Config{Inputs: 2, Hidden: []int{width, width}, Classes: 3, Act: "relu"}
	dcfg := distill.Config{Alpha: v.Float("alpha"), T: v.Float("T")}
	lab := &distillLab{teacher: t, budget: budget{end: v.Int("steps"), run: v.Int("steps")}}
	for _, taught := range []bool{false, true} {
		m, err := mlp.New(cfg, seed+2)
		if err != nil {
			return nil, err
		}
		s := &distillStudent{model: m, opt: optim.NewAdam(distillStudentLR)}
		if s.eval, err = m.Build(t.test.Len()); err != nil {
			return nil, err
		}
		data.FillFirst(s.eval, t.test)
		if s.train, err = distillGraph(t.model, m, points, dcfg, taught); err != nil {
			return nil, err
		}
		data.FillFirst(s.train, few)
		s.measure(t.test, 0)
		if taught {
			lab.taught = s
		} else {
			lab.plain = s
		}
	}
	if lab.stepped, err = distillGraph(t.model, lab.taught.model, distillBatch, dcfg, true); err != nil {
		return nil, err
	}
	data.FillFirst(lab.stepped, few)
	return lab, nil
}

// distillGraph builds the graph a student trains on, for batch examples:
// with the teacher, the distillation graph; without, its own graph.
func distillGraph(teacher, student *mlp.Model, batch int, cfg distill.Config, taught bool) (*engine.Graph, error) {
	sg, err := student.Build(batch)
	if err != nil || !taught {
		return sg, err
	}
	tg, err := teacher.Build(batch)
	if err != nil {
		return nil, err
	}
	return distill.Build(tg, sg, cfg)
}

// chunk trains both students, one step of each at a time, at most max
// steps or until d has passed or the budget is spent, and measures them
// every distillChunk steps and at the end.
func (l *distillLab) chunk(max int, d time.Duration) int {
	n := l.steps(max, d, distillChunk, func() {
		optim.TrainStep(l.plain.train, l.plain.opt)
		optim.TrainStep(l.taught.train, l.taught.opt)
	}, l.measure)
	if l.finished() && l.done%distillChunk != 0 {
		l.measure()
	}
	return n
}

// measure measures both students on the held-out points.
func (l *distillLab) measure() {
	l.plain.measure(l.teacher.test, l.done)
	l.taught.measure(l.teacher.test, l.done)
}

// metrics reports the held-out loss and accuracy of the teacher and of
// both students.
func (l *distillLab) metrics(running bool) Metrics {
	return Metrics{
		Step: l.done, RunEnd: l.end, Running: running,
		Values: map[string]float64{
			"teacherLoss": l.teacher.loss, "teacherAccuracy": l.teacher.accuracy,
			"plainLoss": l.plain.loss, "plainAccuracy": l.plain.accuracy,
			"distillLoss": l.taught.loss, "distillAccuracy": l.taught.accuracy,
		},
	}
}

// chart draws both students' held-out loss, and the teacher's as a level
// line.
func (l *distillLab) chart() ([]byte, error) {
	p, t := l.plain.history, l.taught.history
	p.Name, t.Name = "without teacher", "with teacher"
	teacher := viz.Series{Name: "teacher", X: []float64{0, float64(l.done)}, Y: []float64{l.teacher.loss, l.teacher.loss}}
	svg, err := viz.LossChart([]viz.Series{p, t, teacher}, viz.ChartOptions{Title: "Held-out loss", YLabel: "cross-entropy"})
	if err != nil {
		return nil, fmt.Errorf("distillation chart: %w", err)
	}
	return svg, nil
}
