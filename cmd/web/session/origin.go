package session

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// SameOrigin reports whether a request comes from a page of this server:
// it has no Origin header (not a browser), or its Origin has the scheme,
// host and port the request was sent to. The scheme is https when the
// request came over TLS, or, with trustProxy, when a proxy says so in
// X-Forwarded-Proto; the port defaults to the scheme's. A page on https
// on the same host, or on another port, is another origin.
func SameOrigin(r *http.Request, trustProxy bool) bool {
	origin := r.Header["Origin"]
	if len(origin) == 0 {
		return true
	}
	u, err := url.Parse(origin[0])
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false // "null" and the like
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); trustProxy && p != "" {
		scheme = strings.ToLower(strings.TrimSpace(strings.Split(p, ",")[0]))
	}
	return strings.EqualFold(u.Scheme, scheme) && sameHostPort(u.Host, r.Host, scheme)
}

// sameHostPort compares two host[:port] for the scheme, a missing port
// being the scheme's default.
func sameHostPort(a, b, scheme string) bool {
	ah, ap := splitHostPort(a, scheme)
	bh, bp := splitHostPort(b, scheme)
	return strings.EqualFold(ah, bh) && ap == bp
}

// splitHostPort splits host[:port], giving the scheme's default port when
// there is none.
func splitHostPort(hostport, scheme string) (host, port string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), ""
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return host, port
}

// HostName returns the host of a Host header, without its port or the
// brackets of an IPv6 address, in lower case.
func HostName(hostport string) string {
	host, _ := splitHostPort(hostport, "")
	return strings.ToLower(host)
}

// ClientIP returns the address a request came from, without its port:
// with trustProxy, the last address a proxy added to X-Forwarded-For (the
// client as the proxy saw it), else the peer's.
func ClientIP(r *http.Request, trustProxy bool) string {
	if f := r.Header.Get("X-Forwarded-For"); trustProxy && f != "" {
		parts := strings.Split(f, ",")
		return strings.TrimSpace(parts[len(parts)-1])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
