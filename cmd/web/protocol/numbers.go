package protocol

import (
	"fmt"
	"math"
	"strconv"
)

// Numbers are the cells of a heatmap on the wire. They are for the eye:
// the page shows at most four significant digits, and colours. So they are
// sent rounded to NumberDigits significant digits (half a unit of the
// sixth digit: a relative error of at most 5e-6), which halves both the bytes of a step and the time to write
// them, the largest part of a step's cost to the server (docs/perf.md).
// Rounding keeps every zero a zero and every non-zero non-zero, and the
// sign. The exports (trace, heatmap, weights) carry float64 exactly.
type Numbers []float64

// NumberDigits is the significant digits of a heatmap cell on the wire.
const NumberDigits = 6

// Round returns x as the wire carries a heatmap cell: rounded to
// NumberDigits significant digits, as the page reads it back.
func Round(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', NumberDigits, 64), 64)
	return v
}

// MarshalJSON writes the numbers rounded, as a JSON array. A non-finite
// number is an error, as it is for encoding/json: a heatmap marks those
// cells and sends 0.
func (ns Numbers) MarshalJSON() ([]byte, error) {
	return appendNumbers(make([]byte, 0, 2+9*len(ns)), ns)
}

// appendNumbers appends ns as a JSON array of rounded numbers ("null" for
// nil, as encoding/json writes a nil slice).
func appendNumbers(b []byte, ns Numbers) ([]byte, error) {
	if ns == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, x := range ns {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("protocol: heatmap cell %d is %v, which JSON cannot carry", i, x)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNumber(b, x)
	}
	return append(b, ']'), nil
}

// appendNumber appends x rounded to NumberDigits significant digits, in
// the shortest of plain and exponent notation that strconv's 'g' gives:
// "0.123457", "1.5e-07", "0".
func appendNumber(b []byte, x float64) []byte {
	if x == 0 {
		return append(b, '0') // and not "-0"
	}
	return strconv.AppendFloat(b, x, 'g', NumberDigits, 64)
}
