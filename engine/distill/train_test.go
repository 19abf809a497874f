package distill

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
)

var (
	teacherCfg = mlp.Config{Inputs: 2, Hidden: []int{32, 32}, Classes: 3, Act: "relu"}
	studentCfg = mlp.Config{Inputs: 2, Hidden: []int{16, 16}, Classes: 3, Act: "relu"}
)

// trainTeacher trains the teacher (seed 1) on 600 spiral points with the
// MLP package's recipe: Adam, lr 0.01 for 1500 steps then 0.001 for 500,
// batches of 64. It reaches 99.5% on the held-out points.
func trainTeacher(t *testing.T) *mlp.Model {
	t.Helper()
	train, err := data.Points("spiral", 600, 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mlp.New(teacherCfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := m.Build(64)
	rng := engine.NewMulberry32(101)
	opt := optim.NewAdam(0.01)
	data.Train(g, train, opt, 1500, rng)
	opt.LR = 0.001
	data.Train(g, train, opt, 500, rng)
	return m
}

// all returns 0, 1, ..., n-1.
func all(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// heldOut returns the student's mean cross-entropy and accuracy on the set.
func heldOut(t *testing.T, m *mlp.Model, s *data.Set) (loss, acc float64) {
	t.Helper()
	g, err := m.Build(s.Len())
	if err != nil {
		t.Fatal(err)
	}
	s.Fill(g.MustNode("x").Value, g.MustNode("y").Value, all(s.Len()))
	loss = g.Forward()
	return loss, data.Accuracy(g.MustNode("logits").Value, s.Y)
}

// trainStudent trains a fresh student (init seed 7) for steps full-batch
// Adam steps (lr 0.01) on the set, with the teacher when cfg is not nil and
// on the hard labels alone otherwise.
func trainStudent(t *testing.T, teacher *mlp.Model, few *data.Set, cfg *Config, steps int) *mlp.Model {
	t.Helper()
	m, err := mlp.New(studentCfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := m.Build(few.Len())
	if cfg != nil {
		tg, _ := teacher.Build(few.Len())
		if g, err = Build(tg, g, *cfg); err != nil {
			t.Fatal(err)
		}
	}
	few.Fill(g.MustNode("x").Value, g.MustNode("y").Value, all(few.Len()))
	opt := optim.NewAdam(0.01)
	for range steps {
		optim.TrainStep(g, opt)
	}
	return m
}

// TestDistillationHelpsAStarvedStudent: with only 24 labelled points, a
// student (2 -> 16 -> 16 -> 3) trained on the hard labels alone becomes
// confidently wrong between them, while the teacher's soft labels (alpha
// 0.5, T 4) on the same 24 points keep it calibrated. Same student init
// (seed 7), same 800 full-batch steps, two draws of the 24 points (seeds 2
// and 3), held-out loss on 600 points. Measured held-out loss without ->
// with the teacher: 3.88 -> 2.01 (seed 2), 6.51 -> 3.39 (seed 3); in a
// wider sweep (24 or 48 points, seeds 2-5, alpha 0.5-0.9, T 2-4) the
// teacher helped in 23 of 24 runs, every one at 24 points.
func TestDistillationHelpsAStarvedStudent(t *testing.T) {
	teacher := trainTeacher(t)
	test, err := data.Points("spiral", 600, 0.05, data.TestSeed(1)) // held out from the teacher's data too
	if err != nil {
		t.Fatal(err)
	}
	tl, ta := heldOut(t, teacher, test)
	t.Logf("teacher: held-out loss %.3f, accuracy %.3f", tl, ta)
	cfg := Config{Alpha: 0.5, T: 4}
	for _, seed := range []uint32{2, 3} {
		few, err := data.Points("spiral", 24, 0.05, seed)
		if err != nil {
			t.Fatal(err)
		}
		bl, ba := heldOut(t, trainStudent(t, teacher, few, nil, 800), test)
		dl, da := heldOut(t, trainStudent(t, teacher, few, &cfg, 800), test)
		t.Logf("24 points (seed %d): held-out loss %.3f -> %.3f, accuracy %.3f -> %.3f (without -> with teacher)", seed, bl, dl, ba, da)
		// Demand a clear margin (measured about half), not just any gain.
		if !(dl < 0.8*bl) {
			t.Errorf("seed %d: distilled held-out loss %.3f, want below 0.8 x %.3f (no teacher)", seed, dl, bl)
		}
	}
}

// TestAlphaZeroIsPlainTraining: with alpha 0 the teacher's term has weight
// 0, so training through the distillation graph must give bit for bit the
// parameters of training the student's own graph.
func TestAlphaZeroIsPlainTraining(t *testing.T) {
	teacher, err := mlp.New(teacherCfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	few, err := data.Points("spiral", 24, 0.05, 2)
	if err != nil {
		t.Fatal(err)
	}
	plain := trainStudent(t, teacher, few, nil, 50)
	zero := trainStudent(t, teacher, few, &Config{Alpha: 0, T: 3}, 50)
	for _, name := range plain.Order {
		for i, v := range plain.Params[name].Data {
			if w := zero.Params[name].Data[i]; w != v {
				t.Fatalf("alpha 0: %s[%d] = %v, plain training gives %v", name, i, w, v)
			}
		}
	}
}
