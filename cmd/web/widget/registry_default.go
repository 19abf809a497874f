package widget

// Default returns a registry with every widget kind of this package.
func Default() *Registry {
	r := NewRegistry()
	r.Register("mlp", NewMLP)
	r.Register("attention", NewAttention)
	r.Register("cnn", NewCNN)
	r.Register("quant", NewQuant)
	r.Register("distill", NewDistill)
	r.Register("lab", NewLab)
	return r
}
