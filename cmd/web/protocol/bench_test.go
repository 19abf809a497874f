package protocol

import "testing"

func BenchmarkDecode(b *testing.B) {
	frames := map[string][]byte{
		"step":      []byte(`{"type":"step","widget":"w1","id":42,"dir":"forward","count":3}`),
		"configure": []byte(`{"type":"configure","widget":"w1","id":1,"kind":"attention","options":{"arch":"decoder","heads":"2","d":"8","task":"reverse"}}`),
		"bad":       []byte(`{"type":"step","widget":"w1","id":42,"dir":"sideways"}`),
	}
	for name, frame := range frames {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				Decode(frame)
			}
		})
	}
}
