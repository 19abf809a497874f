package exhibit

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"stepgraph/engine/cnn"
)

// cnnChannelLists returns every value the channels option allows: one or
// two layers of 1 to cnnMaxChannels channels.
func cnnChannelLists() []string {
	var out []string
	for a := 1; a <= cnnMaxChannels; a++ {
		out = append(out, strconv.Itoa(a))
		for b := 1; b <= cnnMaxChannels; b++ {
			out = append(out, fmt.Sprintf("%d,%d", a, b))
		}
	}
	return out
}

// TestCNNSizesMatchGraph checks the output-size formula against the built
// network for every combination of size, kernel, stride, pad, pool and
// channels the option rows allow. The combinations the table refuses for
// the padding (pad > kernel - 1) are skipped; of the others, the table
// must refuse exactly those whose formula gives a side of 0 or less, the
// engine must refuse to build exactly those too, and for every one built,
// each layer's formula must equal the shapes of its convs.<i>.conv and
// convs.<i>.pool nodes [1, C, Conv, Conv] and [1, C, Out, Out].
func TestCNNSizesMatchGraph(t *testing.T) {
	const classes = 4 // any class count: the logits come after the maps
	checked, refused := 0, 0
	for size := 10; size <= cnnMaxSize; size++ {
		for kernel := 1; kernel <= cnnMaxKernel; kernel++ {
			for pad := 0; pad <= min(cnnMaxPad, kernel-1); pad++ {
				for stride := 1; stride <= cnnMaxStride; stride++ {
					for _, pool := range cnn.Pools {
						for _, channels := range cnnChannelLists() {
							opts := map[string]string{
								"size": strconv.Itoa(size), "kernel": strconv.Itoa(kernel), "pad": strconv.Itoa(pad),
								"stride": strconv.Itoa(stride), "pool": pool, "channels": channels,
							}
							name := fmt.Sprint(opts)
							v := CNNOptions.Defaults()
							for k, x := range opts {
								v[k] = x
							}
							sizes := CNNSizes(v)
							fits := len(sizes) == len(v.Ints("channels")) && sizes[len(sizes)-1].Fits()
							_, e := CNNOptions.Configure(opts)
							if (e == nil) != fits {
								t.Fatalf("%s: Configure error %v, but the formula %+v fits = %v", name, e, sizes, fits)
							}
							model, err := cnn.New(cnnConfig(v, classes), 1)
							if (err == nil) != fits {
								t.Fatalf("%s: cnn.New error %v, but the formula %+v fits = %v", name, err, sizes, fits)
							}
							if !fits {
								if e.Code != OutOfRange || e.Field == "" {
									t.Fatalf("%s: refusal %+v, want out_of_range at a field", name, e)
								}
								refused++
								continue
							}
							g, err := model.Build(1)
							if err != nil {
								t.Fatalf("%s: Build(1): %v", name, err)
							}
							for _, s := range sizes {
								conv := []int{1, s.Channels, s.Conv, s.Conv}
								if got := g.MustNode(fmt.Sprintf("convs.%d.conv", s.Layer)).Shape; !slices.Equal(got, conv) {
									t.Fatalf("%s: convs.%d.conv shape %v, formula %v", name, s.Layer, got, conv)
								}
								out := []int{1, s.Channels, s.Out, s.Out}
								last := fmt.Sprintf("convs.%d.act", s.Layer)
								if s.Pool > 0 {
									last = fmt.Sprintf("convs.%d.pool", s.Layer)
								}
								if got := g.MustNode(last).Shape; !slices.Equal(got, out) {
									t.Fatalf("%s: %s shape %v, formula %v", name, last, got, out)
								}
							}
							checked++
						}
					}
				}
			}
		}
	}
	// Both kinds must occur, or the test checks less than it says.
	if checked == 0 || refused == 0 {
		t.Errorf("built %d combinations and refused %d; want some of each", checked, refused)
	}
	t.Logf("built %d combinations, refused %d", checked, refused)
}

// TestCNNSizesRefusal checks the refusal of sizes that do not fit: it
// names the option set and fills in the formula with its numbers.
func TestCNNSizesRefusal(t *testing.T) {
	// 10 -> floor((10 + 0 - 3) / 1) + 1 = 8 -> pool 4 -> 2 -> pool 1.
	v, e := CNNOptions.Configure(map[string]string{"size": "10", "channels": "4,4", "kernel": "3", "stride": "1", "pad": "0"})
	if e != nil {
		t.Fatalf("Configure: %v", e)
	}
	// 10 -> floor((10 + 0 - 3) / 3) + 1 = 3 -> pool 1 -> floor((1 + 0 - 3) / 3) + 1 = 0.
	_, _, e = CNNOptions.Set(v, "stride", "3")
	want := "stride: conv 1 gives feature maps of side floor((1 + 2·0 − 3) / 3) + 1 = 0, want at least 1 (a smaller kernel or stride, more padding, no pool or fewer layers)"
	if e == nil || e.Code != OutOfRange || e.Field != "stride" || e.Message != want {
		t.Errorf("Set(stride 3) = %+v, want out_of_range at stride, %q", e, want)
	}
	// The pool is what does not fit: 10 -> floor((10 + 2 - 3) / 3) + 1 = 4
	// -> pool 2 -> floor((2 + 2 - 3) / 3) + 1 = 1 -> pool 0.
	v, _, e = CNNOptions.Set(v, "pad", "1")
	if e != nil {
		t.Fatalf("Set(pad 1): %v", e)
	}
	_, _, e = CNNOptions.Set(v, "stride", "3")
	want = "stride: conv 1 gives feature maps of side floor((2 + 2·1 − 3) / 3) + 1 = 1, and the 2×2 pool floor((1 − 2) / 2) + 1 = 0, want at least 1 (a smaller kernel or stride, more padding, no pool or fewer layers)"
	if e == nil || e.Field != "stride" || e.Message != want {
		t.Errorf("Set(stride 3) with pad 1 = %+v, want %q", e, want)
	}
}
