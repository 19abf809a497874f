package main

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepgraph/exhibit"
)

// knobSel returns the selector of option name's control in the widget root.
func knobSel(root, name string) string { return root + ` [data-testid="hyper-` + name + `"]` }

// setKnob types value into option name's control and commits it, as a
// learner's edit does (the change event).
func setKnob(b *browser, root, name, value string) {
	b.t.Helper()
	sel := knobSel(root, name)
	b.do("set "+name+" to "+value, chromedp.SetValue(chromedp.CSS(sel), value),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+sel+`').dispatchEvent(new Event("change"))`))
}

// checkKnobs checks that the widget has a hyper-<name> control for every
// option of table that has a control, bounded as the row says.
func checkKnobs(b *browser, root string, table *exhibit.Table) {
	b.t.Helper()
	for _, o := range table.Options {
		if o.NoControl {
			continue
		}
		sel := knobSel(root, o.Name)
		got := eval[[]string](b, `(() => { const el = document.querySelector('`+sel+`'); return el ? [el.tagName, el.getAttribute("min") || "", el.getAttribute("max") || ""] : []; })()`)
		if len(got) == 0 {
			b.t.Errorf("%s widget: no control hyper-%s", table.Kind, o.Name)
			continue
		}
		if o.Type == exhibit.Int || o.Type == exhibit.Number {
			if want := []string{"INPUT", bound(o.Min), bound(o.Max)}; fmt.Sprint(got) != fmt.Sprint(want) {
				b.t.Errorf("%s widget: hyper-%s is %v, want %v (the table's bounds)", table.Kind, o.Name, got, want)
			}
		}
	}
}

// knobRefused waits until the reason of a refused option shows beside its
// control, and returns it. It checks that the control is marked invalid
// and described by the message, and that the message is not repeated
// above the graph.
func knobRefused(b *browser, root, name string) string {
	b.t.Helper()
	msgSel := root + ` [data-testid="hyper-` + name + `-error"]`
	text, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => { const m = document.querySelector('`+msgSel+`'); return m && !m.hidden ? m.textContent : ""; })()`))
	if err != nil {
		b.t.Fatalf("no reason beside hyper-%s: %v", name, err)
	}
	ok := eval[bool](b, `(() => {
		const c = document.querySelector('`+knobSel(root, name)+`'), m = document.querySelector('`+msgSel+`');
		return c.getAttribute("aria-invalid") === "true" && c.getAttribute("aria-describedby") === m.id && c.parentElement === m.parentElement;
	})()`)
	if !ok {
		b.t.Errorf("hyper-%s refused: the control is not marked invalid and described by its message beside it", name)
	}
	if shown := eval[bool](b, `!document.querySelector('`+root+` [data-testid="widget-error"]').hidden`); shown {
		b.t.Errorf("hyper-%s refused: the reason shows above the graph too", name)
	}
	return text
}

// TestBrowserKnobsOutOfRange checks that every option of the mlp and cnn
// tables has its hyper-<name> control in the lesson widgets, that an
// out-of-range value gets the server's reason beside its control, and
// that the widget stays usable: a good value then clears the reason and
// is applied, and the stepper steps.
func TestBrowserKnobsOutOfRange(t *testing.T) {
	b := newBrowser(t)
	_, _, root := openWidget(b, "mlp")
	checkKnobs(b, root, exhibit.MLPOptions)

	setKnob(b, root, "lr", "5")
	if text := knobRefused(b, root, "lr"); !strings.Contains(text, "lr") {
		t.Errorf("reason beside lr = %q, want it to name lr", text)
	}
	setKnob(b, root, "hidden", "3,9")
	if text := knobRefused(b, root, "hidden"); text == "" {
		t.Error("no reason beside hidden")
	}
	// A good value takes its reason away, and the model is rebuilt with it.
	setKnob(b, root, "hidden", "5")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('`+root+` [data-testid="hyper-hidden-error"]').hidden && !!document.querySelector('`+root+` [data-testid="graph"] [data-testid="node-layers.0.w"]')`)); err != nil {
		t.Fatalf("after hidden 5 the reason stayed, or the graph did not come back: %v", err)
	}
	b.do("step once", chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('`+root+` [data-testid="cursor"]').textContent.startsWith("Step 1 ")`)); err != nil {
		t.Errorf("the widget did not step after the refusals: %v", err)
	}

	_, _, root = openWidget(b, "cnn")
	checkKnobs(b, root, exhibit.CNNOptions)
	setKnob(b, root, "stride", "4")
	if text := knobRefused(b, root, "stride"); text == "" {
		t.Error("no reason beside stride")
	}
	b.shootWidget("knobs-refused.png", root)
	b.checkClean()
}

// TestBrowserKnobsStride changes the cnn widget's stride through its
// hyper-stride control and checks that the output-size formula the widget
// shows changes to the shapes of the network built in Go with the same
// options: every layer's feature maps before and after the pool.
func TestBrowserKnobsStride(t *testing.T) {
	b := newBrowser(t)
	_, w, root := openWidget(b, "cnn")
	want := func(stride string) [][3]int {
		opts := maps.Clone(w.Options)
		opts["stride"] = stride
		kind, _ := exhibit.KindOf("cnn")
		ex, e := kind.Build(opts)
		if e != nil {
			t.Fatalf("cnn %v: %v", opts, e)
		}
		g, err := ex.(*exhibit.CNN).Model().Build(1)
		if err != nil {
			t.Fatal(err)
		}
		var out [][3]int
		for i := 0; ; i++ {
			conv := g.Node(fmt.Sprintf("convs.%d.conv", i))
			if conv == nil {
				return out
			}
			last := g.Node(fmt.Sprintf("convs.%d.pool", i))
			if last == nil {
				last = g.Node(fmt.Sprintf("convs.%d.act", i))
			}
			out = append(out, [3]int{last.Shape[1], conv.Shape[2], last.Shape[2]}) // channels, conv side, side after the pool
		}
	}
	shown := func(n int) string {
		// Waits for the formula of n layers, and returns it as channels, conv, out per layer.
		v, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => {
			const li = [...document.querySelectorAll('`+root+` [data-testid="cnn-sizes"] li')];
			return li.length === `+strconv.Itoa(n)+` ? JSON.stringify(li.map(l => [+l.dataset.channels, +l.dataset.conv, +l.dataset.out])) : "";
		})()`))
		if err != nil {
			t.Fatalf("the widget never showed the formula of %d layers: %v", n, err)
		}
		return v
	}
	before := want(cmpOr(w.Options["stride"], "1"))
	if got := shown(len(before)); got != jsonOf(before) {
		t.Errorf("formula shown %s, network built in Go %s", got, jsonOf(before))
	}
	after := want("2")
	if jsonOf(after) == jsonOf(before) {
		t.Fatalf("stride 2 gives the same sizes %v as the lesson's: the test would prove nothing", after)
	}
	setKnob(b, root, "stride", "2")
	_, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => {
		const li = [...document.querySelectorAll('`+root+` [data-testid="cnn-sizes"] li')];
		const v = JSON.stringify(li.map(l => [+l.dataset.channels, +l.dataset.conv, +l.dataset.out]));
		return v === `+strconv.Quote(jsonOf(after))+` ? v : "";
	})()`))
	if err != nil {
		t.Errorf("after stride 2 the formula shows %s, want %s: %v", shown(len(after)), jsonOf(after), err)
	}
	// The formula's words carry the numbers too: stride 2 in the divisor.
	if text := eval[string](b, `document.querySelector('`+root+` [data-testid="cnn-size-0"]').textContent`); !containsAll(text, "/ 2⌋", fmt.Sprintf("= %d", after[0][1])) {
		t.Errorf("the first layer's formula reads %q, want stride 2 and side %d", text, after[0][1])
	}
	b.shootWidget("knobs-stride.png", root)
	b.checkClean()
}

// jsonOf writes sizes as the page's JSON.stringify does.
func jsonOf(sizes [][3]int) string {
	s := "["
	for i, x := range sizes {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf("[%d,%d,%d]", x[0], x[1], x[2])
	}
	return s + "]"
}

// containsAll reports whether s holds every one of parts.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
