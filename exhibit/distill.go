package exhibit

import (
	"time"

	"stepgraph/engine/distill"
	"stepgraph/engine/mlp"
)

// Bounds of the distill exhibit's options.
const (
	distillMaxWidth  = 32   // units in each of the student's two hidden layers
	distillMinPoints = 8    // labelled points the students learn from
	distillMaxPoints = 300  // ... at most as many as the teacher had
	distillMinSteps  = 25   // training steps of each student: one chunk
	distillMaxSteps  = 2000 // ... and the budget's ceiling
)

// DistillOptions is the option table of the "distill" kind. A new seed
// trains the teacher again; every other option makes fresh students.
var DistillOptions = &Table{Kind: "distill", Options: []Option{
	{Name: "alpha", Label: "alpha", Help: "weight of the teacher's soft term", Type: Number, Min: 0, Max: 1, Default: "0.7", Effect: Rebuild},
	{Name: "T", Label: "temperature T", Help: "softmax temperature", Type: Number, Min: distill.MinT, Max: distill.MaxT, Default: "3", Effect: Rebuild},
	{Name: "width", Label: "student width", Help: "units in each of the student's two hidden layers", Type: Int, Min: 1, Max: distillMaxWidth, Default: "16", Effect: Rebuild},
	{Name: "points", Label: "labelled points", Help: "labelled points the students learn from", Type: Int, Min: distillMinPoints, Max: distillMaxPoints, Default: "32", Effect: Rebuild},
	{Name: "steps", Label: "steps", Help: "training steps of each student", Type: Int, Min: distillMinSteps, Max: distillMaxSteps, Default: "600", Effect: Rebuild},
	{Name: "seed", Label: "Seed", Help: "teacher, points and the students' start", Type: Seed, Default: "1", Effect: Retrain},
}}

// Distill distils a trained teacher MLP into a smaller student. It trains
// two students from the same start on the same few labelled points, one
// on the labels alone and one with the teacher's softened outputs as
// well, and reports both held-out losses as they train. The stepped graph
// is the combined distillation graph: the frozen teacher.* nodes, the
// student.* nodes, and distill.kl, distill.ce and distill.loss.
type Distill struct {
	values  Values
	teacher *distillTeacher // trained for the seed
	lab     *distillLab     // the two students and their record
	step    *Stepping       // the distillation graph of the taught student
	drawn   *Drawing
}

// NewDistill builds the distill exhibit of v, options checked by
// DistillOptions. It trains the teacher, unless one of the same seed is
// cached (see memo).
func NewDistill(v Values) (Exhibit, *Error) {
	d := &Distill{}
	if e := d.Apply(v, Retrain); e != nil {
		return nil, e
	}
	return d, nil
}

// Apply implements Exhibit: it fetches the teacher of the seed (for
// Retrain) and makes fresh students and the stepped graph.
func (d *Distill) Apply(v Values, effect Effect) *Error {
	t, e := cachedModel(distillTeachers, d.teacher, effect == Retrain, v.Seed("seed"), "teacher")
	if e != nil {
		return e
	}
	lab, err := newDistillLab(t, v)
	if err != nil {
		return internal(err)
	}
	d.values, d.teacher, d.lab = v, t, lab
	d.step = NewStepping(lab.stepped)
	d.drawn = drawingOf(lab.stepped, nil)
	return nil
}

// Teacher returns the trained teacher.
func (d *Distill) Teacher() *mlp.Model { return d.teacher.model }

// Student returns the student taught by the teacher (the stepped graph's).
func (d *Distill) Student() *mlp.Model { return d.lab.taught.model }

// Values implements Exhibit.
func (d *Distill) Values() Values { return d.values }

// Stepping implements Exhibit.
func (d *Distill) Stepping() *Stepping { return d.step }

// Drawing implements Exhibit.
func (d *Distill) Drawing() *Drawing { return d.drawn }

// Views implements Exhibit: nothing beyond the graph.
func (d *Distill) Views() []View { return nil }

// Metrics implements Exhibit: the held-out loss and accuracy of the
// teacher and of both students.
func (d *Distill) Metrics(running bool) Metrics { return d.lab.metrics(running) }

// Charts implements Exhibit: both students' held-out loss, once they have
// trained.
func (d *Distill) Charts() ([]Chart, error) {
	if d.lab.done == 0 {
		return nil, nil
	}
	svg, err := d.lab.chart()
	if err != nil {
		return nil, err
	}
	return []Chart{{Name: "loss", SVG: svg}}, nil
}

// StartTraining implements Trainer. The students train for the steps
// option (a learner's steps are not theirs to change: the comparison is
// of two students after the same steps); students that have used it
// start afresh.
func (d *Distill) StartTraining(int) (bool, *Error) {
	if d.lab.done < d.lab.end {
		return false, nil
	}
	return true, d.Apply(d.values, Rebuild)
}

// StepsWhileTraining implements Trainer.
func (d *Distill) StepsWhileTraining() bool { return false }

// StopTraining implements Trainer.
func (d *Distill) StopTraining() { d.step.Replay() }

// TrainChunk implements Trainer: both students, side by side.
func (d *Distill) TrainChunk(max int, t time.Duration) Progress {
	n := d.lab.chunk(max, t)
	return Progress{Steps: n, Finished: d.lab.finished()}
}
