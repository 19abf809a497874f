package lesson

import (
	"strings"
	"testing"
)

// FuzzRender checks that no body makes Render panic, whatever mix of
// Markdown, math and widget blocks it holds, and that what it returns keeps
// Render's contract: an error comes with no HTML and no widgets, the same
// body renders the same way twice, and no body, however written, puts a
// <script> element in the page (raw HTML is omitted, text is escaped).
func FuzzRender(f *testing.F) {
	for _, c := range renderCases {
		f.Add(c.src)
	}
	for _, c := range widgetCases {
		f.Add(c.src)
	}
	for _, c := range renderErrorCases {
		f.Add(c.src)
	}
	f.Add("-\t$$\n\t\tx\n\t\t$$\n")
	f.Add("> $$\n> a\n> $$")
	f.Add("<script>alert(1)</script>\n\n$\\text{<script>}$")
	f.Fuzz(func(t *testing.T, src string) {
		html, widgets, err := Render([]byte(src))
		if err != nil && (html != "" || widgets != nil) {
			t.Fatalf("Render(%q) = %q, %v with error %v, want no HTML and no widgets", src, html, widgets, err)
		}
		html2, widgets2, err2 := Render([]byte(src))
		if html2 != html || len(widgets2) != len(widgets) || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("Render(%q) twice = (%q, %d widgets, %v) then (%q, %d widgets, %v), want the same", src, html, len(widgets), err, html2, len(widgets2), err2)
		}
		if strings.Contains(strings.ToLower(html), "<script") {
			t.Fatalf("Render(%q) = %q, want no <script> element", src, html)
		}
	})
}
