package safetensors

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// FuzzRead feeds Read arbitrary bytes. It must never panic or allocate
// beyond its limit, and whatever it accepts must survive a round trip:
// written back as F64 and read again, it gives the same tensors.
func FuzzRead(f *testing.F) {
	ts, order := sample(3)
	for _, dtype := range []DType{F32, F64} {
		var buf bytes.Buffer
		if err := WriteAs(&buf, dtype, ts, order, map[string]string{"k": "v"}); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()-3])
	}
	f.Add(file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(1, 2)))
	f.Add(file(`{"a":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}}`, nil))
	f.Add(file(`{"__metadata__":null}`, nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 1 << 16
		got, meta, err := Read(bytes.NewReader(b), limit)
		if err != nil {
			if got != nil || meta != nil {
				t.Fatal("Read returned data with an error")
			}
			return
		}
		if len(b) > limit {
			t.Fatalf("Read accepted %d bytes, limit %d", len(b), limit)
		}
		var buf bytes.Buffer
		names := slices.Sorted(maps.Keys(got))
		if err := WriteAs(&buf, F64, got, names, meta); err != nil {
			t.Fatalf("write back: %v", err)
		}
		again, meta2, err := Read(&buf, 0)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if !maps.Equal(meta, meta2) {
			t.Fatalf("metadata %v, then %v", meta, meta2)
		}
		for _, name := range names {
			if !sameBits(got[name], again[name]) {
				t.Fatalf("tensor %q changed in the round trip", name)
			}
		}
	})
}
