package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// frontMatter holds the keys a lesson file starts with.
type frontMatter struct {
	title, section, summary string
	order, sectionOrder     int
}

// parseFrontMatter splits a lesson file into its front matter and its body:
//
//	---
//	title: Backpropagation
//	section: Foundations
//	order: 2
//	summary: How gradients flow backwards through the graph.
//	---
//
// Values may be wrapped in matching quotes. Blank lines and lines starting
// with # are skipped. bodyLine is the line number, in the file, of the
// body's first line.
func parseFrontMatter(data []byte) (fm frontMatter, body []byte, bodyLine int, err error) {
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return fm, nil, 0, errors.New("line 1: front matter must start with ---")
	}
	seen := map[string]bool{}
	for i := 1; i < len(lines); i++ {
		n := i + 1 // line number
		line := strings.TrimSpace(lines[i])
		if line == "---" {
			for _, key := range []string{"title", "section", "order"} {
				if !seen[key] {
					return fm, nil, 0, fmt.Errorf("front matter: missing %s", key)
				}
			}
			rest := strings.Join(lines[i+1:], "")
			return fm, []byte(rest), n + 1, nil
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, err := keyValue(line)
		if err != nil {
			return fm, nil, 0, fmt.Errorf("line %d: front matter: %w", n, err)
		}
		if seen[key] {
			return fm, nil, 0, fmt.Errorf("line %d: front matter: duplicate key %s", n, key)
		}
		seen[key] = true
		if err := fm.set(key, value); err != nil {
			return fm, nil, 0, fmt.Errorf("line %d: front matter: %w", n, err)
		}
	}
	return fm, nil, 0, errors.New("front matter: missing closing ---")
}

// set stores one key of the front matter.
func (fm *frontMatter) set(key, value string) error {
	switch key {
	case "title":
		fm.title = value
	case "section":
		fm.section = value
	case "summary":
		fm.summary = value
	case "order", "section_order":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 {
			return fmt.Errorf("%s must be a whole number from 1 up, got %q", key, value)
		}
		if key == "order" {
			fm.order = n
		} else {
			fm.sectionOrder = n
		}
		return nil
	default:
		return fmt.Errorf("unknown key %s", key)
	}
	if value == "" {
		return fmt.Errorf("empty %s", key)
	}
	return nil
}

// keyValue splits a "key: value" line, the format of both the front matter
// and the widget blocks. The key is letters, digits, _ and -; the value is
// trimmed and loses one pair of matching quotes around it.
func keyValue(line string) (key, value string, err error) {
	key, value, ok := strings.Cut(line, ":")
	if !ok {
		return "", "", fmt.Errorf("want key: value, got %q", line)
	}
	key = strings.TrimSpace(key)
	if !validKey(key) {
		return "", "", fmt.Errorf("bad key %q", key)
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	return key, value, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// lineAt returns the 1-based line number of byte offset off in src.
func lineAt(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return bytes.Count(src[:off], []byte{'\n'}) + 1
}
