package lesson

import "testing"

// FuzzRender checks that no body makes Render panic, whatever mix of
// Markdown, math and widget blocks it holds.
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
	f.Fuzz(func(t *testing.T, src string) {
		_, _, _ = Render([]byte(src))
	})
}
