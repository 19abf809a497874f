package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// inspectedValueJS returns the inspector's value table as text, once it
// shows the logits, or null.
const inspectedValueJS = `(() => {
	if (document.querySelector('[data-testid="inspector-name"]')?.textContent !== 'logits') return null;
	const rows = [...document.querySelectorAll('[data-testid="inspector-value"] tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent));
	return rows.length ? rows : null;
})()`

// importStatusJS returns the import status line as [state, text] once it
// reports an outcome (not while loading), or null.
const importStatusJS = `(() => {
	const s = document.querySelector('[data-testid="import-status"]');
	return !s.hidden && s.dataset.state !== 'busy' ? [s.dataset.state, s.textContent] : null;
})()`

// loadFile picks path in "Load weights" and returns the status line's
// state and text when the server has answered.
func loadFile(b *browser, path string) []string {
	b.t.Helper()
	// A stale outcome must not answer for this load.
	eval[chromedp.Void](b, `document.querySelector('[data-testid="import-status"]').hidden = true`)
	b.do("load "+filepath.Base(path), chromedp.SetUploadFiles(chromedp.CSS(sel("import-weights")), []string{path}))
	return pollJS[[]string](b, "the import status", importStatusJS)
}

// jsLiteral returns v's JSON text as a JavaScript string literal, to
// compare with JSON.stringify in the page.
func jsLiteral(t *testing.T, v any) string {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	lit, err := json.Marshal(string(j))
	if err != nil {
		t.Fatal(err)
	}
	return string(lit)
}

// TestBrowserLabImport saves the weights of seed 1, changes the seed (the
// logits change with the weights; the input is fixed by tokens), and
// loads the saved file with "Load weights": the inspector shows seed 1's
// logits again. A file that is not a weights file is refused in the
// status line with the server's reason, and the model stays as it was.
func TestBrowserLabImport(t *testing.T) {
	b := newBrowser(t)
	b.do("laptop screen", chromedp.EmulateViewport(1280, 800))
	files := b.downloads(t.TempDir())
	openLab(b, "?tokens=cab")
	press(b, "run to the end", chromedp.Click(chromedp.CSS(sel("run"))))
	find(b, "logits")
	seed1 := pollJS[[][]string](b, "seed 1's logits", inspectedValueJS)

	dir := t.TempDir()
	weights := filepath.Join(dir, "seed1.safetensors")
	if err := os.WriteFile(weights, exportFile(b, files, "export-weights", true), 0o644); err != nil {
		t.Fatal(err)
	}

	// The file input takes the keyboard focus: it is not hidden from it.
	if !eval[bool](b, `(() => { const i = document.querySelector('[data-testid="import-weights"]'); i.focus(); return document.activeElement === i && i.closest('label').textContent.includes('Load weights'); })()`) {
		t.Errorf("the Load weights file input cannot take the keyboard focus, or is not labelled")
	}
	if box := eval[[]float64](b, `(() => { const l = document.querySelector('[data-testid="import-weights"]').closest('label').getBoundingClientRect(); const bar = document.querySelector('.lab-graphbar').getBoundingClientRect(); return [l.left, l.right, l.width, bar.right]; })()`); box[2] == 0 || box[1] > box[3] {
		t.Errorf("Load weights spans x %v to %v, want it inside the graph bar, which ends at %v", box[0], box[1], box[3])
	}

	setField(b, "seed", "2")
	find(b, "logits")
	// Polling for a difference is the wait for the new model, and checks
	// that seed 2's weights give other logits.
	seed1JSON := jsLiteral(t, seed1)
	seed2JS := `(() => { const v = ` + inspectedValueJS + `; return v && JSON.stringify(v) !== ` + seed1JSON + ` ? v : null; })()`
	pollJS[[][]string](b, "seed 2's logits", seed2JS)

	status := loadFile(b, weights)
	if status[0] != "ok" || !strings.Contains(status[1], "Loaded seed1.safetensors") {
		t.Fatalf("import status = %q, want ok and Loaded seed1.safetensors", status)
	}
	backJS := `(() => { const v = ` + inspectedValueJS + `; return v && JSON.stringify(v) === ` + seed1JSON + `; })()`
	pollJS[bool](b, "seed 1's logits again", backJS)

	junk := filepath.Join(dir, "junk.safetensors")
	if err := os.WriteFile(junk, []byte("these are not weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	status = loadFile(b, junk)
	if status[0] != "error" || !strings.Contains(status[1], "not a readable .safetensors file") {
		t.Errorf("import status for a junk file = %q, want error with the server's reason", status)
	}
	if got := pollJS[[][]string](b, "the logits", inspectedValueJS); !reflect.DeepEqual(got, seed1) {
		t.Errorf("after a refused file the logits are %v, want seed 1's %v", got, seed1)
	}
	b.screenshot("lab-import.png")
	// The refused upload's 400 is logged by the browser as a failed load.
	b.checkClean("status of 400")
}
