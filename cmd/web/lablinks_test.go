package main

import (
	"context"
	"html"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// labHref matches a link to the Lab in a lesson's HTML.
var labHref = regexp.MustCompile(`href="(/lab(?:\?[^"]*)?)"`)

// lessonLabLinks returns every link to the Lab in the lessons, with the
// slug of the lesson it is in.
func lessonLabLinks(t *testing.T) (links, slugs []string) {
	t.Helper()
	for _, l := range loadLessons(t) {
		for _, m := range labHref.FindAllStringSubmatch(l.HTML, -1) {
			links = append(links, html.UnescapeString(m[1]))
			slugs = append(slugs, l.Slug)
		}
	}
	return links, slugs
}

// labQuery returns the options a Lab link sets, as the page's options.js
// reads them (empty values dropped).
func labQuery(t *testing.T, link string) map[string]string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("lab link %q: %v", link, err)
	}
	opts := map[string]string{}
	for k, vs := range u.Query() {
		if v := vs[len(vs)-1]; v != "" {
			opts[k] = v
		}
	}
	return opts
}

// configureLab builds a lab widget with opts, as a configure request from
// the Lab page would, and returns the options of its graph message: the
// configuration the server built.
func configureLab(t *testing.T, opts map[string]string) (map[string]string, *protocol.Error) {
	t.Helper()
	p := pool.New(1, 1)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		msgs []protocol.Message
	)
	env := widget.Env{
		Ctx: ctx, Pool: p, Log: slog.New(slog.DiscardHandler),
		Go:   func(f func()) bool { wg.Go(f); return true },
		Emit: func(_ int64, m protocol.Message) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() },
	}
	w, e := widget.Default().Factory("lab")(env, opts)
	if e != nil {
		return nil, e
	}
	w.Start(1)
	w.Close()
	cancel()
	wg.Wait()
	for _, m := range msgs {
		if g, ok := m.(*protocol.Graph); ok {
			return g.Options, nil
		}
	}
	t.Fatalf("a lab with %v sent no graph message among %d", opts, len(msgs))
	return nil, nil
}

// TestLessonLabLinks configures a Lab from every Lab link in the lessons:
// each must be accepted, and the Lab must build what the link asks for.
// The transformer lesson must have links, and its worked numbers are for
// the Lab's default model, so the defaults are checked too.
func TestLessonLabLinks(t *testing.T) {
	links, slugs := lessonLabLinks(t)
	inTransformer := 0
	for i, link := range links {
		if slugs[i] == "transformer" {
			inTransformer++
		}
		want := labQuery(t, link)
		got, e := configureLab(t, want)
		if e != nil {
			t.Errorf("%s: lab link %s refused: %v", slugs[i], link, e)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: lab link %s built %s = %q, want %q", slugs[i], link, k, got[k], v)
			}
		}
	}
	if inTransformer < 5 {
		t.Errorf("the transformer lesson has %d Lab links, want at least 5", inTransformer)
	}

	// content/transformer_test.go counts the parameters of this model.
	defaults, e := configureLab(t, nil)
	if e != nil {
		t.Fatal(e)
	}
	want := map[string]string{"arch": "decoder", "layers": "1", "d": "16", "heads": "2", "dff": "64",
		"n": "3", "k": "7", "act": "relu", "task": "reverse", "opt": "adam", "lr": "0.01", "causal": "true"}
	for k, v := range want {
		if defaults[k] != v {
			t.Errorf("the Lab's default %s = %q, want %q as the transformer lesson says", k, defaults[k], v)
		}
	}
}

// TestIndexLabCard checks the index's card for the Lab: a link to /lab
// with a sentence that says what the Lab is.
func TestIndexLabCard(t *testing.T) {
	s := newTestServer(t)
	res, body := get(t, s, "GET", "/")
	if res.StatusCode != 200 {
		t.Fatalf("GET / status = %d, want 200", res.StatusCode)
	}
	card := regexp.MustCompile(`(?s)<section class="lab-teaser"[^>]*data-testid="lab-card">(.*?)</section>`).FindStringSubmatch(body)
	if card == nil {
		t.Fatal("the index has no lab-card section")
	}
	for _, want := range []string{`href="/lab" data-testid="lab-card-link"`, "Open the Lab", "transformer", "attention"} {
		if !strings.Contains(card[1], want) {
			t.Errorf("the lab card lacks %q:\n%s", want, card[1])
		}
	}
	// The card comes before the lessons, so that it shows without scrolling.
	if strings.Index(body, `data-testid="lab-card"`) > strings.Index(body, `data-testid="section"`) {
		t.Error("the lab card comes after the lesson sections, want it before")
	}
}
