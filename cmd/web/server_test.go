package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"stepgraph/content"
	"stepgraph/static"
)

// newTestServer is the real app on the embedded assets and lessons.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	// httptest.NewRequest sends Host example.com: the test server answers
	// to it, as a deployment answers to its own name.
	s, err := NewServer(Config{Static: static.FS, Content: content.FS, AllowHosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

// get serves one request and returns the response and its body.
func get(t *testing.T, s *Server, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Echo.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestRoutes(t *testing.T) {
	s := newTestServer(t)
	ls := loadLessons(t)
	first := ls[0]
	cases := []struct {
		method, path string
		status       int
		ctype        string   // exact Content-Type
		contains     []string // in the body
	}{
		{"GET", "/", 200, "text/html; charset=UTF-8", []string{`data-testid="lesson-list"`, first.Title, `href="/lessons/` + first.Slug + `"`, `href="/lab" data-testid="lab-card-link"`}},
		{"GET", "/lessons/" + first.Slug, 200, "text/html; charset=UTF-8", []string{`data-testid="lesson-title"`, first.Title, `<math`}},
		{"GET", "/lab", 200, "text/html; charset=UTF-8", []string{`data-testid="widget-lab"`}},
		{"GET", "/lessons/no-such-lesson", 404, "text/html; charset=UTF-8", []string{`data-testid="not-found"`, "/lessons/no-such-lesson"}},
		{"GET", "/no/such/page", 404, "text/html; charset=UTF-8", []string{`data-testid="not-found"`, "Back to the lessons"}},
		{"GET", "/static/js/app.js", 200, "text/javascript; charset=utf-8", []string{"import"}},
		{"GET", "/static/js/protocol.js", 200, "text/javascript; charset=utf-8", []string{"export const VERSION = 1"}},
		{"GET", "/static/css/app.css", 200, "text/css; charset=utf-8", []string{".sgw"}},
		{"GET", "/static/favicon.svg", 200, "image/svg+xml", []string{"<svg"}},
		{"GET", "/static/js/", 404, "text/html; charset=UTF-8", []string{`data-testid="not-found"`}},
		{"GET", "/static/js", 404, "text/html; charset=UTF-8", nil},
		{"GET", "/static/../go.mod", 404, "text/html; charset=UTF-8", nil},
		{"GET", "/static/nope.js", 404, "text/html; charset=UTF-8", nil},
		{"HEAD", "/", 200, "text/html; charset=UTF-8", nil},
		{"POST", "/", 405, "text/html; charset=UTF-8", nil},
		{"GET", "/ws", 400, "", nil}, // not a websocket upgrade
	}
	for _, c := range cases {
		res, body := get(t, s, c.method, c.path)
		if res.StatusCode != c.status {
			t.Errorf("%s %s status = %d, want %d", c.method, c.path, res.StatusCode, c.status)
		}
		if ct := res.Header.Get("Content-Type"); c.ctype != "" && ct != c.ctype {
			t.Errorf("%s %s Content-Type = %q, want %q", c.method, c.path, ct, c.ctype)
		}
		for _, want := range c.contains {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s body lacks %q", c.method, c.path, want)
			}
		}
	}
	// Over a real connection, HEAD answers without a body.
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	res, err := http.Head(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := io.Copy(io.Discard, res.Body); res.StatusCode != 200 || n != 0 {
		t.Errorf("HEAD / = %d with %d bytes, want 200 and no body", res.StatusCode, n)
	}
	res.Body.Close()
}

func TestHealthz(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, "GET", "/healthz")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /healthz = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var h health
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	if want := (health{Status: "ok", Lessons: len(loadLessons(t)), Sessions: 0}); h != want {
		t.Errorf("healthz = %+v, want %+v", h, want)
	}
}

// TestSecurityHeaders checks the headers of every kind of response, and
// that the policy forbids inline script, inline style and other origins.
func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/lessons/" + loadLessons(t)[0].Slug, "/lab", "/healthz", "/static/css/app.css", "/missing"} {
		res, _ := get(t, s, "GET", path)
		h := res.Header
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s X-Content-Type-Options = %q, want nosniff", path, got)
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s Referrer-Policy = %q, want no-referrer", path, got)
		}
		csp := h.Get("Content-Security-Policy")
		directives := map[string]string{}
		for _, d := range strings.Split(csp, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			directives[name] = value
		}
		for _, name := range []string{"default-src", "script-src", "style-src", "connect-src"} {
			if directives[name] != "'self'" {
				t.Errorf("%s CSP %s = %q, want 'self' only", path, name, directives[name])
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
			t.Errorf("%s CSP %q allows unsafe sources or other origins", path, csp)
		}
	}
}

// TestPagesHaveNoInlineCode checks that every page obeys its own policy:
// scripts come from files, no element has a style attribute or an event
// handler attribute, and nothing loads from another origin.
func TestPagesHaveNoInlineCode(t *testing.T) {
	s := newTestServer(t)
	paths := []string{"/", "/lab", "/missing"}
	for _, l := range loadLessons(t) {
		paths = append(paths, "/lessons/"+l.Slug)
	}
	bad := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),    // a script with a body
		regexp.MustCompile(`<script(?:\s(?:[^s>]|s[^r>])*)?>`), // a script without src
		regexp.MustCompile(`\sstyle\s*=`),
		regexp.MustCompile(`\son[a-z]+\s*=`),
		regexp.MustCompile(`(?:src|href)\s*=\s*["']?(?:https?:)?//`),
	}
	for _, p := range paths {
		_, body := get(t, s, "GET", p)
		for _, re := range bad {
			if m := re.FindString(body); m != "" {
				t.Errorf("%s contains %q, which the content security policy forbids", p, m)
			}
		}
	}
}

// TestStaticRevalidation checks that an embedded file answers a
// conditional request with 304 Not Modified.
func TestStaticRevalidation(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, "GET", "/static/js/protocol.js")
	etag := res.Header.Get("ETag")
	if etag == "" || body == "" {
		t.Fatalf("GET protocol.js: ETag %q, %d bytes", etag, len(body))
	}
	res, body = get(t, s, "GET", "/static/js/protocol.js", "If-None-Match", etag)
	if res.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("conditional GET = %d with %d bytes, want 304 and no body", res.StatusCode, len(body))
	}
	res, _ = get(t, s, "GET", "/static/js/app.js", "If-None-Match", etag)
	if res.StatusCode != http.StatusOK {
		t.Errorf("another file with protocol.js's ETag = %d, want 200", res.StatusCode)
	}
}

// lessonFS is a small set of lessons for the navigation tests.
func lessonFS() fstest.MapFS {
	lessonFile := func(title, section string, order int, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\nsection: " + section + "\norder: " + string(rune('0'+order)) + "\nsummary: About " + title + ".\n---\n" + body)}
	}
	return fstest.MapFS{
		"alpha.md": lessonFile("Alpha", "One", 1, "First $x^2$ lesson.\n"),
		"beta.md":  lessonFile("Beta", "One", 2, "Second.\n\n```widget\nkind: mlp\nhidden: 2\n```\n"),
		"gamma.md": lessonFile("Gamma", "Two", 1, "Third.\n"),
	}
}

// TestLessonHandler calls the handler directly, as echo's tests do, and
// checks the navigation between neighbours and the widget placeholder.
func TestLessonHandler(t *testing.T) {
	s, err := NewServer(Config{Static: static.FS, Content: lessonFS(), AllowHosts: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	cases := []struct {
		slug       string
		prev, next string // "" for none
		contains   string
	}{
		{"alpha", "", "beta", "<math"},
		{"beta", "alpha", "gamma", `data-kind="mlp"`},
		{"gamma", "beta", "", "Third."},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, "/lessons/"+c.slug, nil)
		rec := httptest.NewRecorder()
		ctx := s.Echo.NewContext(req, rec)
		ctx.SetParamNames("slug")
		ctx.SetParamValues(c.slug)
		if err := s.lesson(ctx); err != nil {
			t.Fatalf("lesson(%s) = %v", c.slug, err)
		}
		body := rec.Body.String()
		checkLink := func(testid, slug string) {
			has := strings.Contains(body, `href="/lessons/`+slug+`" rel="`+testid+`" data-testid="`+testid+`"`)
			if slug == "" {
				has = !strings.Contains(body, `data-testid="`+testid+`"`)
			}
			if !has {
				t.Errorf("lesson %s: %s link, want %q", c.slug, testid, slug)
			}
		}
		checkLink("prev", c.prev)
		checkLink("next", c.next)
		if !strings.Contains(body, c.contains) {
			t.Errorf("lesson %s lacks %q", c.slug, c.contains)
		}
	}
	// A missing lesson is echo's 404, which the error handler turns into
	// the friendly page.
	ctx := s.Echo.NewContext(httptest.NewRequest(http.MethodGet, "/lessons/delta", nil), httptest.NewRecorder())
	ctx.SetParamNames("slug")
	ctx.SetParamValues("delta")
	if err := s.lesson(ctx); err != echo.ErrNotFound {
		t.Errorf("lesson(delta) = %v, want echo.ErrNotFound", err)
	}
	// The index groups by section, in reading order.
	_, body := get(t, s, "GET", "/")
	one, two := strings.Index(body, ">One<"), strings.Index(body, ">Two<")
	a, b, g := strings.Index(body, ">Alpha<"), strings.Index(body, ">Beta<"), strings.Index(body, ">Gamma<")
	if !(one >= 0 && one < a && a < b && b < two && two < g) {
		t.Errorf("index order: One %d Alpha %d Beta %d Two %d Gamma %d, want them in this order", one, a, b, two, g)
	}
}

// TestDevReload checks that -dev picks up an edited lesson on the next
// request, while the embedded mode keeps what it loaded.
func TestDevReload(t *testing.T) {
	for _, dev := range []bool{false, true} {
		fsys := lessonFS()
		s, err := NewServer(Config{Static: static.FS, Content: fsys, Dev: dev, AllowHosts: []string{"example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		fsys["alpha.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Alpha edited\nsection: One\norder: 1\nsummary: s\n---\nBody.\n")}
		_, body := get(t, s, "GET", "/lessons/alpha")
		if got := strings.Contains(body, "Alpha edited"); got != dev {
			t.Errorf("dev=%v: edited title shown = %v, want %v", dev, got, dev)
		}
		s.Shutdown(context.Background())
	}
}

// TestBrokenLessonFailsAtStart checks that a lesson with an error stops the
// server from starting, with the file named.
func TestBrokenLessonFailsAtStart(t *testing.T) {
	fsys := lessonFS()
	fsys["broken.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Broken\n---\nno section or order\n")}
	_, err := NewServer(Config{Static: static.FS, Content: fsys})
	if err == nil || !strings.Contains(err.Error(), "broken.md") {
		t.Errorf("NewServer with a broken lesson = %v, want an error naming broken.md", err)
	}
}
