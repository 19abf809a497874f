package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"stepgraph/content"
	"stepgraph/lesson"
	"stepgraph/static"
)

// browserTimeout bounds one browser test, so that a page that never shows
// what the test waits for fails instead of hanging. Every wait is for an
// element or a message; no test measures time. The bound is generous
// because the race detector and a busy two-core machine can make the
// longest test (the lab driven by keyboard) take over a minute.
const browserTimeout = 180 * time.Second

// chromium returns the path of a Chromium binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// browser is a headless Chromium tab on a real server, recording every
// request the page makes and every console error.
type browser struct {
	t    *testing.T
	ctx  context.Context // the tab, with the test's deadline
	base string          // the server's origin, http://127.0.0.1:port

	mu       sync.Mutex
	requests []string      // URLs of every request and websocket
	errors   []string      // console errors, exceptions and error log entries
	infos    []string      // console.info texts, for synchronisation
	received []string      // text frames the server sent over the page's websockets, in order
	arrived  chan struct{} // signalled (without blocking) after each received frame
	markers  int
}

// newBrowser starts the app and a browser. Without Chromium the test is
// skipped, unless REQUIRE_BROWSER=1 (as in CI), which makes it fail.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumOrSkip(t)
	return openBrowser(t, path, startApp(t, Config{}))
}

// startApp serves the app with cfg (its embedded files filled in) on
// loopback until the test ends, and returns its address.
func startApp(t *testing.T, cfg Config) string {
	t.Helper()
	cfg.Static, cfg.Content = static.FS, content.FS
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Echo)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL
}

// chromiumOrSkip returns Chromium's path. Without Chromium the test is
// skipped, unless REQUIRE_BROWSER=1 (as in CI), which makes it fail.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	path := chromium()
	if path == "" {
		if os.Getenv("REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found, and REQUIRE_BROWSER=1 forbids skipping the browser tests")
		}
		t.Skip("chromium not found; install Debian's chromium to run the browser tests")
	}
	return path
}

// openBrowser starts the Chromium at path on a tab for the app at base.
func openBrowser(t *testing.T, path, base string) *browser {
	t.Helper()
	tmp := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests may run as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Env("TMPDIR="+tmp),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	b := &browser{t: t, base: base, arrived: make(chan struct{}, 1)}
	// Listen starts the browser with the tab's own context (no deadline),
	// then the test's actions run under a deadline.
	if err := chromedp.Listen(tabCtx, b.record); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTest := context.WithTimeout(tabCtx, browserTimeout)
	t.Cleanup(func() {
		cancelTest()
		cancelTab()
		cancelAlloc()
	})
	b.ctx = ctx
	return b
}

// record is the tab's event listener. It runs in the tab's event loop.
func (b *browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	case *network.EventWebSocketCreated:
		b.requests = append(b.requests, ev.URL)
	case *network.EventWebSocketFrameReceived:
		if ev.Response != nil && ev.Response.Opcode == 1 { // a text frame
			b.received = append(b.received, string(ev.Response.PayloadData))
			select {
			case b.arrived <- struct{}{}:
			default:
			}
		}
	case *runtime.EventConsoleAPICalled:
		text := consoleText(ev.Args)
		switch ev.Type {
		case "error", "assert":
			b.errors = append(b.errors, "console."+string(ev.Type)+": "+text)
		case "info":
			b.infos = append(b.infos, text)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		b.errors = append(b.errors, "exception: "+text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			b.errors = append(b.errors, fmt.Sprintf("log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Value != nil:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// do runs actions and fails the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// sync makes sure every event the page produced so far has been recorded:
// the page logs a marker, and the listener sees events before the command
// that follows them returns.
func (b *browser) sync() {
	b.t.Helper()
	b.mu.Lock()
	b.markers++
	marker := fmt.Sprintf("stepgraph-test-marker-%d", b.markers)
	b.mu.Unlock()
	eval[chromedp.Void](b, fmt.Sprintf("console.info(%q)", marker))
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.Contains(b.infos, marker) {
		b.t.Fatalf("the console listener missed marker %q: console checks would prove nothing", marker)
	}
}

// checkClean fails if the page wrote a console error or requested anything
// outside the server's origin. allow lists error texts to accept (a 404
// page's own load error).
func (b *browser) checkClean(allow ...string) {
	b.t.Helper()
	b.sync()
	b.mu.Lock()
	defer b.mu.Unlock()
	wsBase := "ws" + strings.TrimPrefix(b.base, "http")
	if len(b.requests) == 0 {
		b.t.Fatal("no request recorded: the network listener is not working")
	}
	for _, u := range b.requests {
		local := strings.HasPrefix(u, b.base+"/") || strings.HasPrefix(u, wsBase+"/") ||
			strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:"+b.base+"/")
		if !local {
			b.t.Errorf("the page requested %s, outside %s", u, b.base)
		}
	}
outer:
	for _, e := range b.errors {
		for _, a := range allow {
			if strings.Contains(e, a) {
				continue outer
			}
		}
		b.t.Errorf("console error: %s", e)
	}
}

// requested reports whether the page requested url.
func (b *browser) requested(url string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Contains(b.requests, url)
}

// screenshot saves a full-page PNG as a test artifact, in
// $STEPGRAPH_ARTIFACTS or testdata-artifacts/browser (gitignored).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	b.save(name, png)
}

// screenshotOf saves a PNG of one element.
func (b *browser) screenshotOf(name, css string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("screenshot of %s: %v", css, err)
	}
	b.save(name, png)
}

func (b *browser) save(name string, png []byte) {
	b.t.Helper()
	dir := os.Getenv("STEPGRAPH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata-artifacts", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// loadLessons loads the embedded lessons, as the server does.
func loadLessons(t *testing.T) []*lesson.Lesson {
	t.Helper()
	ls, err := lesson.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) == 0 {
		t.Fatal("no lessons in content.FS")
	}
	return ls
}

// firstLessonWith returns the first lesson that has a widget of the kind,
// and that widget.
func firstLessonWith(t *testing.T, ls []*lesson.Lesson, kind string) (*lesson.Lesson, lesson.Widget) {
	t.Helper()
	for _, l := range ls {
		for _, w := range l.Widgets {
			if w.Kind == kind {
				return l, w
			}
		}
	}
	t.Fatalf("no lesson has a %s widget", kind)
	return nil, lesson.Widget{}
}
