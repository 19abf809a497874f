package main

import (
	"net"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"stepgraph/cmd/web/session"
)

// loopbackHosts are the names a request on this machine may use.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// hostGuard refuses a request whose Host header names none of the hosts
// the server answers to (421, Misdirected Request): a page of another
// site whose name an attacker points at this machine (DNS rebinding)
// then reaches nothing, though its Origin matches its Host.
func hostGuard(allowed []string) echo.MiddlewareFunc {
	any := slices.Contains(allowed, "*")
	set := map[string]bool{}
	for _, h := range allowed {
		set[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if host := session.HostName(c.Request().Host); any || set[host] {
				return next(c)
			}
			return echo.NewHTTPError(http.StatusMisdirectedRequest, "this server does not answer to the host "+c.Request().Host+"; start it with -allow-host to add a name")
		}
	}
}

// listenHosts returns the hosts a server listening on addr answers to
// besides the loopback names: the address itself, or, listening on every
// interface, the machine's addresses and its name.
func listenHosts(addr string) []string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return []string{host}
	}
	var hosts []string
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				hosts = append(hosts, n.IP.String())
			}
		}
	}
	if name, err := os.Hostname(); err == nil {
		hosts = append(hosts, name, name+".local")
	}
	return hosts
}
