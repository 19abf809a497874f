package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserQuantWidget opens the first lesson with a quant widget: the
// graph marks the nodes the pass inserted, the report lists every node's
// error, the histogram loads as an image, and one step inspects the
// integer matmul with its error against the float model. Switching to
// 4 bits answers with a new report.
func TestBrowserQuantWidget(t *testing.T) {
	b := newBrowser(t)
	_, _, root := openWidget(b, "quant")
	b.do("wait for the report",
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="quant-error-logits"]`)),
		chromedp.WaitEnabled(chromedp.CSS(root+` [data-testid="step-forward"]`)))

	inserted := eval[[]string](b, `[...document.querySelectorAll('`+root+` .sg-node.sgq-inserted')].map(g => g.dataset.name).sort()`)
	want := []string{"layers.0.linear", "layers.0.w.q", "layers.1.linear", "layers.1.w.q", "layers.2.linear", "layers.2.w.q"}
	if strings.Join(inserted, " ") != strings.Join(want, " ") {
		t.Errorf("nodes marked as inserted = %v, want %v", inserted, want)
	}
	waitChart(b, root, "error")
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="quant-bytes"]').textContent`); !strings.HasPrefix(got, "1484 B → 488 B") {
		t.Errorf("bytes shown = %q, want 1484 B → 488 B for int8 per-tensor", got)
	}

	b.do("step forward",
		chromedp.Click(chromedp.CSS(root+` [data-testid="step-forward"]`)),
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="inspector-quant-error"]`)))
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="inspector"] .insp__name').textContent`); got != "layers.0.linear" {
		t.Errorf("inspector after one step shows %q, want layers.0.linear", got)
	}
	if got := eval[string](b, `document.querySelector('`+root+` [data-testid="quant-errors"] tr.is-selected th').textContent`); got != "layers.0.linear" {
		t.Errorf("selected error row = %q, want layers.0.linear", got)
	}

	setOption(b, root, "bits", "4")
	bytes, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => { const d = document.querySelector('`+root+` [data-testid="quant-bytes"]'); return d && d.textContent.includes("→ 320 B") ? d.textContent : ""; })()`))
	if err != nil || bytes == "" {
		t.Errorf("after bits 4, bytes never showed 320 B: %v", err)
	}
	b.shootWidget("quant-widget.png", root)
	b.checkClean()
}

// TestBrowserDistillWidget opens the distillation lesson's widget: teacher
// nodes are styled apart from the student's, and training both students
// (a short budget, set from the page) ends with the loss chart as an image
// and both held-out losses shown.
func TestBrowserDistillWidget(t *testing.T) {
	b := newBrowser(t)
	_, _, root := openWidget(b, "distill")
	b.do("wait for the losses", chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="distill-plain"]`)))
	roles := eval[map[string]int](b, `(() => { const r = {}; for (const x of ["teacher", "student", "distill"]) r[x] = document.querySelectorAll('`+root+` .sg-node.sgd-role-' + x).length; return r; })()`)
	if roles["teacher"] == 0 || roles["student"] == 0 || roles["distill"] != 3 {
		t.Errorf("nodes by role = %v, want teacher and student nodes and the 3 distill nodes", roles)
	}
	if dash := eval[string](b, `getComputedStyle(document.querySelector('`+root+` .sg-node.sgd-role-teacher .sg-node-box')).strokeDasharray`); dash == "none" || dash == "" {
		t.Errorf("teacher nodes have stroke-dasharray %q, want dashed", dash)
	}

	setOption(b, root, "steps", "100")
	b.do("train with the short budget",
		chromedp.WaitVisible(chromedp.CSS(root+` [data-testid="graph"] .sg-node`)),
		chromedp.Click(chromedp.CSS(root+` [data-testid="train"]`)))
	waitChart(b, root, "loss")
	steps, err := chromedp.Run(b.ctx, chromedp.Poll[string](`(() => { const t = document.querySelector('`+root+` [data-testid="train"]').textContent; const d = document.querySelector('`+root+` [data-testid="distill-steps"]'); return t === "Train both students" && d ? d.textContent : ""; })()`))
	if err != nil || steps != "100" {
		t.Errorf("training ended showing %q steps (%v), want 100", steps, err)
	}
	for _, id := range []string{"distill-plain", "distill-taught"} {
		if got := eval[string](b, `document.querySelector('`+root+` [data-testid="`+id+`"]').textContent`); !strings.Contains(got, "%") {
			t.Errorf("%s shows %q, want a loss and an accuracy", id, got)
		}
	}
	b.shootWidget("distill-widget.png", root)
	b.checkClean()
}
