package exhibit

// Kind is one kind of exhibit: its option table and how to build one from
// options that the table checked.
type Kind struct {
	Options *Table
	New     func(v Values) (Exhibit, *Error)
	// Cost estimates, from checked options and before anything is built,
	// the most memory, in bytes, an exhibit of them takes (cost.go).
	Cost func(v Values) int64
}

// Name returns the kind's name, "lab".
func (k Kind) Name() string { return k.Options.Kind }

// Build returns an exhibit of this kind configured with opts, the options
// of a lesson's widget block or a configure request.
func (k Kind) Build(opts map[string]string) (Exhibit, *Error) {
	v, e := k.Options.Configure(opts)
	if e != nil {
		return nil, e
	}
	return k.New(v)
}

// Kinds lists every kind, in the order docs/protocol.md describes them.
var Kinds = []Kind{
	{MLPOptions, NewMLP, mlpCost},
	{CNNOptions, NewCNN, cnnCost},
	{AttentionOptions, NewAttention, attentionCost},
	{QuantOptions, NewQuant, quantCost},
	{DistillOptions, NewDistill, distillCost},
	{LabOptions, NewLab, labCost},
}

// KindOf returns the kind called name, and whether there is one.
func KindOf(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name() == name {
			return k, true
		}
	}
	return Kind{}, false
}
