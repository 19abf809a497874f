package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"

	"stepgraph/engine"
)

// metadataKey is the reserved header entry for free-form metadata.
const metadataKey = "__metadata__"

// Write writes tensors as float32 in the order given by order (every name
// of tensors exactly once), with optional string metadata (nil for none).
// It returns an error if order and tensors disagree, a name is reserved, a
// finite value overflows float32, or w fails.
func Write(w io.Writer, tensors map[string]*engine.Tensor, order []string, meta map[string]string) error {
	return WriteAs(w, F32, tensors, order, meta)
}

// WriteAs is Write with the element type F32 or F64.
func WriteAs(w io.Writer, dtype DType, tensors map[string]*engine.Tensor, order []string, meta map[string]string) error {
	if dtype.size() == 0 {
		return fmt.Errorf("safetensors: write %w %q (want F32 or F64)", ErrDType, dtype)
	}
	if err := checkOrder(tensors, order); err != nil {
		return err
	}
	header, err := encodeHeader(dtype, tensors, order, meta)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	if _, err := w.Write(header); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	for _, name := range order {
		buf, err := encodeData(dtype, name, tensors[name].Data)
		if err != nil {
			return err
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("safetensors: write %q: %w", name, err)
		}
	}
	return nil
}

// checkOrder reports whether order lists each tensor exactly once.
func checkOrder(tensors map[string]*engine.Tensor, order []string) error {
	seen := map[string]bool{}
	for _, name := range order {
		switch {
		case name == metadataKey:
			return fmt.Errorf("safetensors: write: the name %q is reserved", name)
		case seen[name]:
			return fmt.Errorf("safetensors: write: %q listed twice", name)
		case tensors[name] == nil:
			return fmt.Errorf("safetensors: write: %q has no tensor", name)
		}
		seen[name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		if !seen[name] {
			return fmt.Errorf("safetensors: write: tensor %q missing from the order", name)
		}
	}
	return nil
}

// entry is one tensor's header record.
type entry struct {
	DType   DType    `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// encodeHeader returns the JSON header, in order, padded with spaces to a
// multiple of 8 bytes so that the data starts aligned.
func encodeHeader(dtype DType, tensors map[string]*engine.Tensor, order []string, meta map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		m, err := json.Marshal(meta) // keys sorted
		if err != nil {
			return nil, fmt.Errorf("safetensors: write metadata: %w", err)
		}
		fmt.Fprintf(&b, "%q:%s", metadataKey, m)
	}
	offset := int64(0)
	for i, name := range order {
		t := tensors[name]
		end := offset + int64(len(t.Data)*dtype.size())
		k, _ := json.Marshal(name)
		e, _ := json.Marshal(entry{DType: dtype, Shape: append([]int{}, t.Shape...), Offsets: [2]int64{offset, end}})
		if i > 0 || len(meta) > 0 {
			b.WriteByte(',')
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(e)
		offset = end
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

// encodeData returns the little-endian bytes of data as dtype.
func encodeData(dtype DType, name string, data []float64) ([]byte, error) {
	buf := make([]byte, len(data)*dtype.size())
	for i, v := range data {
		if dtype == F64 {
			binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
			continue
		}
		f := float32(v)
		if math.IsInf(float64(f), 0) && !math.IsInf(v, 0) {
			return nil, fmt.Errorf("safetensors: write %q: element %d = %g overflows float32", name, i, v)
		}
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(f))
	}
	return buf, nil
}
