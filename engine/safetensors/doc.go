// Package safetensors reads and writes model weights in the .safetensors
// format of Hugging Face, so that a model trained in Stepgraph can be saved,
// loaded again, and opened by other tools.
//
// A file has three parts:
//
//	8 bytes    N, the length of the header, an unsigned little-endian integer
//	N bytes    the header: a JSON object mapping each tensor's name to
//	           {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}
//	           and, optionally, "__metadata__" to an object of strings;
//	           spaces may pad it to a multiple of 8 bytes
//	the rest   the data: each tensor's elements, row-major, little-endian,
//	           at bytes [begin, end) counted from the start of the data
//
// Write writes F32 (or, with WriteAs, F64); Read reads F32 and F64 into
// engine tensors (float64). Read treats its input as untrusted: a file
// whose header is longer than MaxHeaderBytes, or which is longer than the
// caller's limit, is refused before it is read in full; and a truncated
// file, a header that is not the JSON above, offsets that overlap, leave a
// gap, or point past the data, a shape that does not match its byte count,
// and an unknown or unsupported dtype each return an error that wraps one
// of the Err values below, so callers can tell them apart.
//
// docs/weights.md lists the tensor names of each Stepgraph model.
package safetensors
