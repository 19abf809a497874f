// Package distill trains a small student model on the softened outputs of
// a larger teacher (knowledge distillation, Hinton et al. 2015). The
// student's loss mixes two terms, as in SPEC.md section 6:
//
//	L = alpha T^2 KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) CE(z_s, y)
//
// The temperature T > 1 softens both distributions, so the student also
// learns how the teacher ranks the wrong classes ("dark knowledge"); T^2
// keeps the soft term's gradient on the scale of the hard one. alpha
// weighs the teacher's soft labels against the true hard labels.
//
// Build joins a teacher graph and a student graph into one graph: the
// teacher's forward pass with frozen parameters (no gradient reaches them),
// the student's forward pass, and the loss, with named nodes
// ("teacher.logits", "student.logits", "distill.kl", "distill.ce",
// "distill.loss") that the UI can show step by step.
package distill
