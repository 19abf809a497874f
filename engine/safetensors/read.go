package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"stepgraph/engine"
)

// Limits on what Read accepts.
const (
	// MaxHeaderBytes caps the JSON header. Stepgraph's largest model has a
	// few hundred tensors, a header of tens of kilobytes.
	MaxHeaderBytes = 16 << 20
	// MaxRank is the most dimensions a tensor may have.
	MaxRank = 8
	// DefaultMaxBytes is the file size limit Read applies when given
	// maxBytes <= 0: 64 MiB, well above the largest model Stepgraph builds
	// (about 1.2 million parameters, under 5 MiB as F32).
	DefaultMaxBytes = 64 << 20
)

// The kinds of bad file Read reports; its errors wrap exactly one of them.
var (
	ErrTruncated   = errors.New("truncated file")
	ErrTooLarge    = errors.New("file too large")
	ErrHeader      = errors.New("bad header")
	ErrOffsets     = errors.New("bad data offsets")
	ErrShape       = errors.New("shape does not match data size")
	ErrDType       = errors.New("unsupported dtype")
	ErrUnknownType = errors.New("unknown dtype")
)

// Read reads a .safetensors file of at most maxBytes bytes (DefaultMaxBytes
// when maxBytes <= 0) and returns its tensors, as float64, and its metadata
// (empty when there is none). Bad or oversized input returns an error that
// wraps one of the Err values; nothing is returned then.
func Read(r io.Reader, maxBytes int64) (map[string]*engine.Tensor, map[string]string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header length: %w (%v)", ErrTruncated, err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderBytes || int64(n) > maxBytes-8 {
		return nil, nil, fmt.Errorf("safetensors: %w: header of %d bytes (limit %d, file limit %d)", ErrTooLarge, n, min(MaxHeaderBytes, maxBytes-8), maxBytes)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header: %w (%v)", ErrTruncated, err)
	}
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, err
	}
	rest := maxBytes - 8 - int64(n)
	data, err := io.ReadAll(io.LimitReader(r, rest+1))
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: data: %w", err)
	}
	if int64(len(data)) > rest {
		return nil, nil, fmt.Errorf("safetensors: %w: more than %d bytes", ErrTooLarge, maxBytes)
	}
	if err := checkLayout(entries, len(data)); err != nil {
		return nil, nil, err
	}
	tensors := make(map[string]*engine.Tensor, len(entries))
	for _, e := range entries {
		tensors[e.name] = decode(e, data[e.begin:e.end])
	}
	return tensors, meta, nil
}

// record is one tensor's header entry, checked.
type record struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int
}

// parseHeader reads the JSON header: an object of tensor entries and an
// optional "__metadata__" object of strings. A name given twice is an
// error (plain JSON decoding would keep the last silently).
func parseHeader(header []byte) ([]record, map[string]string, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("safetensors: %w: %s", ErrHeader, fmt.Sprintf(format, a...))
	}
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, bad("does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, bad("%v", err)
	}
	meta := map[string]string{}
	var out []record
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, bad("%v", err)
		}
		name := tok.(string) // object keys are strings
		if seen[name] {
			return nil, nil, bad("%q appears twice", name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, bad("metadata: %v", err)
			}
			if meta == nil { // "__metadata__": null
				meta = map[string]string{}
			}
			continue
		}
		var raw struct {
			DType   *string  `json:"dtype"`
			Shape   *[]int64 `json:"shape"`
			Offsets *[]int64 `json:"data_offsets"`
		}
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, bad("tensor %q: %v", name, err)
		}
		rec, err := checkEntry(name, raw.DType, raw.Shape, raw.Offsets)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rec)
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, nil, bad("%v", err)
	}
	if rest := bytes.TrimLeft(header[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, nil, bad("%d bytes after the JSON object", len(rest))
	}
	return out, meta, nil
}

// checkEntry validates one tensor's fields and its byte count.
func checkEntry(name string, dtype *string, shape, offsets *[]int64) (record, error) {
	if dtype == nil || shape == nil || offsets == nil {
		return record{}, fmt.Errorf("safetensors: %w: tensor %q needs dtype, shape and data_offsets", ErrHeader, name)
	}
	d := DType(*dtype)
	switch {
	case otherDTypes[d]:
		return record{}, fmt.Errorf("safetensors: tensor %q: %w %s (this package reads F32 and F64)", name, ErrDType, d)
	case d.size() == 0:
		return record{}, fmt.Errorf("safetensors: tensor %q: %w %q", name, ErrUnknownType, d)
	}
	if len(*offsets) != 2 || (*offsets)[0] < 0 || (*offsets)[1] < (*offsets)[0] {
		return record{}, fmt.Errorf("safetensors: tensor %q: %w %v", name, ErrOffsets, *offsets)
	}
	if len(*shape) > MaxRank {
		return record{}, fmt.Errorf("safetensors: tensor %q: %w: rank %d above %d", name, ErrShape, len(*shape), MaxRank)
	}
	rec := record{name: name, dtype: d, begin: int((*offsets)[0]), end: int((*offsets)[1])}
	bytesHeld := rec.end - rec.begin
	empty := slices.Contains(*shape, 0)
	count := 1 // elements; checked before each product so it cannot overflow
	for _, dim := range *shape {
		if dim < 0 || dim > math.MaxInt32 {
			return record{}, fmt.Errorf("safetensors: tensor %q: %w: dimension %d in shape %v", name, ErrShape, dim, *shape)
		}
		rec.shape = append(rec.shape, int(dim))
		if !empty && count > bytesHeld/int(dim) {
			return record{}, fmt.Errorf("safetensors: tensor %q: %w: shape %v for %d bytes of %s", name, ErrShape, *shape, bytesHeld, d)
		}
		count *= int(dim)
	}
	if empty {
		count = 0
	}
	if count*d.size() != bytesHeld {
		return record{}, fmt.Errorf("safetensors: tensor %q: %w: shape %v needs %d bytes of %s, offsets give %d", name, ErrShape, *shape, count*d.size(), d, bytesHeld)
	}
	return rec, nil
}

// checkLayout checks that the tensors tile the data exactly: sorted by
// offset, each starts where the previous ends, from 0 to the last byte,
// with no overlap and no gap (the rule of the reference implementation).
func checkLayout(entries []record, size int) error {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b record) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	end := 0
	for _, e := range sorted {
		end = max(end, e.end)
	}
	if end > size {
		return fmt.Errorf("safetensors: %w: the tensors need %d data bytes, the file has %d", ErrTruncated, end, size)
	}
	pos := 0
	for _, e := range sorted {
		switch {
		case e.begin < pos:
			return fmt.Errorf("safetensors: %w: tensor %q at [%d, %d) overlaps the one before (ends at %d)", ErrOffsets, e.name, e.begin, e.end, pos)
		case e.begin > pos:
			return fmt.Errorf("safetensors: %w: gap of %d bytes before tensor %q", ErrOffsets, e.begin-pos, e.name)
		}
		pos = e.end
	}
	if pos != size {
		return fmt.Errorf("safetensors: %w: %d bytes after the last tensor", ErrOffsets, size-pos)
	}
	return nil
}

// decode converts one tensor's little-endian bytes to float64.
func decode(e record, b []byte) *engine.Tensor {
	t := engine.New(e.shape...)
	for i := range t.Data {
		if e.dtype == F64 {
			t.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		} else {
			t.Data[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
	}
	return t
}
