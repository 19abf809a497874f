package templates

import "strconv"

// codeText writes an HTTP status code.
func codeText(code int) string { return strconv.Itoa(code) }
