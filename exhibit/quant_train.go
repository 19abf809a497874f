package exhibit

import (
	"fmt"
	"time"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
	"stepgraph/engine/quant"
	"stepgraph/viz"
)

// quantRun is a live run of the qat pass's fine-tuning, step by step, beside
// a float fine-tuning of another copy of the float model on the same
// batches (the same seed draws them) with the same optimizer: the QAT curve
// against the float curve shows what training through the rounding costs.
// It replays exactly the fine-tuning the report's QAT model comes from
// (fineTune): the same copy, seed, optimizer and quantQATSteps steps.
type quantRun struct {
	qat, plain       *engine.Graph // the QAT graph and the float graph, each of its own copy
	optQAT, optPlain optim.Optimizer
	rngQAT, rngPlain *engine.Mulberry32
	done             int
	qatLoss, float   viz.Series // the training loss of each step
	qatModel         *mlp.Model
}

// newQuantRun readies a run from the float model of f, scheme s.
func newQuantRun(f *quantFloat, s quant.Scheme) (*quantRun, error) {
	r := &quantRun{optQAT: optim.NewAdam(quantQATLR), optPlain: optim.NewAdam(quantQATLR),
		rngQAT: engine.NewMulberry32(f.seed + 3), rngPlain: engine.NewMulberry32(f.seed + 3)}
	r.qatLoss.Name, r.float.Name = "QAT (fake quantization)", "float"
	for i, g := range []**engine.Graph{&r.qat, &r.plain} {
		m, err := mlp.New(quantConfig, f.seed)
		if err != nil {
			return nil, err
		}
		if err := m.SetParams(f.model.Params); err != nil {
			return nil, err
		}
		if *g, err = m.Build(quantTrainBatch); err != nil {
			return nil, err
		}
		if i == 0 {
			if *g, err = quant.QAT(*g, s); err != nil {
				return nil, err
			}
			r.qatModel = m
		}
	}
	return r, nil
}

// step runs one training step of both copies.
func (r *quantRun) step(f *quantFloat) {
	_, lq := data.Train(r.qat, f.train, r.optQAT, 1, r.rngQAT)
	_, lp := data.Train(r.plain, f.train, r.optPlain, 1, r.rngPlain)
	r.done++
	x := float64(r.done)
	r.qatLoss.X, r.qatLoss.Y = append(r.qatLoss.X, x), append(r.qatLoss.Y, lq)
	r.float.X, r.float.Y = append(r.float.X, x), append(r.float.Y, lp)
}

// StartTraining implements Trainer: only the qat pass trains. A run is
// always the pass's quantQATSteps steps (a learner's steps are not
// taken: the run replays the fine-tuning the report measured); a finished
// run starts afresh. It changes no stepped view.
func (q *Quant) StartTraining(int) (bool, *Error) {
	if q.values.Str("pass") != "qat" {
		return false, Errorf(Unsupported, "only the qat pass trains: set pass to qat to fine-tune through fake quantization")
	}
	if q.run != nil && q.run.done < quantQATSteps {
		return false, nil
	}
	r, err := newQuantRun(q.float, q.rep.scheme)
	if err != nil {
		return false, internal(err)
	}
	q.run = r
	return false, nil
}

// TrainChunk implements Trainer.
func (q *Quant) TrainChunk(max int, d time.Duration) Progress {
	if q.run == nil { // no run was started (a pass that does not train)
		return Progress{Finished: true}
	}
	start, n := time.Now(), 0
	for n < max && q.run.done < quantQATSteps {
		q.run.step(q.float)
		n++
		if time.Since(start) >= d {
			break
		}
	}
	return Progress{Steps: n, Finished: q.run.done >= quantQATSteps}
}

// StopTraining implements Trainer: the run is beside the stepped graph,
// which stays as it is.
func (q *Quant) StopTraining() {}

// StepsWhileTraining implements Trainer.
func (q *Quant) StepsWhileTraining() bool { return false }

// lossChart draws the run's two training-loss curves on one chart.
func (r *quantRun) lossChart() ([]byte, error) {
	svg, err := viz.LossChart([]viz.Series{r.float, r.qatLoss}, viz.ChartOptions{Title: "Training loss: float and QAT fine-tuning", YLabel: "cross-entropy"})
	if err != nil {
		return nil, fmt.Errorf("qat chart: %w", err)
	}
	return svg, nil
}
