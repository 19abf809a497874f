package engine

import "strings"

// Kind says what role a node plays in the graph.
type Kind int

const (
	KindInput Kind = iota // data fed in from outside (token ids, pixels, targets)
	KindParam             // a trainable parameter
	KindOp                // the result of an op
	KindLoss              // a scalar loss, the root of the backward pass
)

var kindNames = [...]string{"input", "parameter", "op", "loss"}

// String returns "input", "parameter", "op" or "loss".
func (k Kind) String() string { return kindNames[k] }

// Node is one tensor of the graph: an input, a parameter, or the output of an
// op applied to earlier nodes.
type Node struct {
	ID     int     // position in topological order
	Name   string  // stable hierarchical name, e.g. "layers.0.attn.head.1.probs"
	Kind   Kind    // input, parameter, op or loss
	Op     Op      // nil for inputs and parameters
	Inputs []*Node // in the op's argument order
	Shape  []int   // shape of Value and Grad

	Value *Tensor // forward result (for parameters, shared with the model)
	Grad  *Tensor // d loss / d Value; nil when the node needs no gradient

	// Users lists the nodes that read this node, in topological order. A
	// node with more than one user fans out: its gradient is a sum.
	Users []*Node
}

// NeedsGrad reports whether a gradient flows into this node.
func (n *Node) NeedsGrad() bool { return n.Grad != nil }

// Leaf reports whether the node is an input or a parameter.
func (n *Node) Leaf() bool { return n.Kind == KindInput || n.Kind == KindParam }

// Scope returns the node's name without its last dotted part:
// "layers.0.attn.head.1" for "layers.0.attn.head.1.probs".
func (n *Node) Scope() string {
	if i := strings.LastIndexByte(n.Name, '.'); i >= 0 {
		return n.Name[:i]
	}
	return ""
}

// Info returns the op description, or a description of the leaf.
func (n *Node) Info() OpInfo {
	if n.Op != nil {
		return n.Op.Info()
	}
	return OpInfo{Name: n.Kind.String()}
}
