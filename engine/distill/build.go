package distill

import (
	"errors"
	"fmt"

	"stepgraph/engine"
)

// Build joins a teacher graph and a student graph into one distillation
// graph:
//
//	teacher.*       the teacher's nodes and frozen parameters, "teacher." + name
//	student.*       the student's nodes and trainable parameters, "student." + name
//	teacher.logits, student.logits    the inputs of each model's loss
//	distill.kl      T^2 KL(p_t || p_s), engine.KLDiv
//	distill.ce      the student's own loss (cross-entropy) on the true targets
//	distill.loss    alpha distill.kl + (1 - alpha) distill.ce, the loss
//
// Each source graph must end in a loss whose two inputs are the logits
// [..., C] and the targets, as the models' Build gives. Input nodes keep
// their names, and an input of the same name in both graphs (the data "x",
// the targets) becomes one node, so one feed drives both models. Parameters
// keep sharing their tensors with the models: training the distillation
// graph trains the student, and the teacher's parameters get no gradient.
//
// The teacher's own loss is dropped. Both graphs must be freshly built and
// must not run afterwards: the new graph takes over their ops. It returns an
// error if cfg is invalid, a graph has no such loss, the two models' logits
// differ in shape, or two inputs of one name differ in shape.
func Build(teacher, student *engine.Graph, cfg Config) (*engine.Graph, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tLoss, err := lossOf("teacher", teacher)
	if err != nil {
		return nil, err
	}
	sLoss, err := lossOf("student", student)
	if err != nil {
		return nil, err
	}
	if a, b := tLoss.Inputs[0].Shape, sLoss.Inputs[0].Shape; !engine.SameShape(a, b) {
		return nil, fmt.Errorf("distill: teacher logits %v and student logits %v differ in shape", a, b)
	}
	g := engine.NewGraph()
	m := map[*engine.Node]*engine.Node{} // source node -> copy
	for _, src := range []*engine.Graph{student, teacher} {
		if err := copyInputs(g, src, m); err != nil {
			return nil, err
		}
	}
	copyModel(g, teacher, "teacher.", true, m)
	copyModel(g, student, "student.", false, m)

	tz, sz := m[tLoss.Inputs[0]], m[sLoss.Inputs[0]]              // [..., C] each
	kl := g.Apply("distill.kl", engine.NewKLDiv(cfg.T), sz, tz)   // []
	ce := g.Apply("distill.ce", sLoss.Op, sz, m[sLoss.Inputs[1]]) // []
	g.Loss("distill.loss", &Mix{Alpha: cfg.Alpha}, kl, ce)        // []
	return g, nil
}

// lossOf returns g's loss node after checking it reads (logits, targets).
func lossOf(role string, g *engine.Graph) (*engine.Node, error) {
	loss := g.LossNode()
	if loss == nil {
		return nil, errors.New("distill: the " + role + " graph has no loss")
	}
	if len(loss.Inputs) != 2 || len(loss.Inputs[0].Shape) < 1 {
		return nil, fmt.Errorf("distill: the %s loss %q does not read (logits, targets)", role, loss.Name)
	}
	return loss, nil
}

// copyInputs adds src's inputs to g, merging inputs of the same name.
func copyInputs(g *engine.Graph, src *engine.Graph, m map[*engine.Node]*engine.Node) error {
	for _, n := range src.Nodes {
		if n.Kind != engine.KindInput {
			continue
		}
		if have := g.Node(n.Name); have != nil {
			if !engine.SameShape(have.Shape, n.Shape) {
				return fmt.Errorf("distill: input %q is %v for the student and %v for the teacher", n.Name, have.Shape, n.Shape)
			}
			m[n] = have
			continue
		}
		m[n] = g.Input(n.Name, n.Shape...)
		m[n].Value.CopyFrom(n.Value) // fixed inputs, such as positions, keep their values
	}
	return nil
}

// copyModel adds src's parameters and op nodes (not its loss) to g under
// prefix; the loss's logits input is named prefix + "logits". With frozen,
// parameters get no gradient.
func copyModel(g *engine.Graph, src *engine.Graph, prefix string, frozen bool, m map[*engine.Node]*engine.Node) {
	loss := src.LossNode()
	for _, n := range src.Nodes {
		name := prefix + n.Name
		if n == loss.Inputs[0] {
			name = prefix + "logits"
		}
		switch {
		case n.Kind == engine.KindInput, n == loss:
		case n.Kind == engine.KindParam && (frozen || !n.NeedsGrad()):
			m[n] = g.Frozen(name, n.Value)
		case n.Kind == engine.KindParam:
			m[n] = g.Param(name, n.Value)
		default:
			ins := make([]*engine.Node, len(n.Inputs))
			for i, in := range n.Inputs {
				ins[i] = m[in]
			}
			m[n] = g.Apply(name, n.Op, ins...)
		}
	}
}
