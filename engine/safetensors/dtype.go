package safetensors

// DType is a tensor's element type, as the header spells it.
type DType string

// The element types this package reads. Write produces F32 by default.
const (
	F32 DType = "F32" // IEEE 754 single precision, 4 bytes
	F64 DType = "F64" // IEEE 754 double precision, 8 bytes
)

// size returns the bytes per element of a supported dtype, or 0.
func (d DType) size() int {
	switch d {
	case F32:
		return 4
	case F64:
		return 8
	}
	return 0
}

// otherDTypes are valid safetensors dtypes that this package does not read.
var otherDTypes = map[DType]bool{
	"BOOL": true, "U8": true, "I8": true, "U16": true, "I16": true, "F16": true, "BF16": true,
	"U32": true, "I32": true, "U64": true, "I64": true, "F8_E4M3": true, "F8_E5M2": true,
}
