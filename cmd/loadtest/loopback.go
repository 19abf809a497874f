package main

import (
	"fmt"
	"net"
	"net/netip"
)

// checkLoopback returns an error unless every address host:port resolves
// to is a loopback address (127.0.0.0/8 or ::1). It resolves names
// itself, so that "localhost" passes only where it is loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %v (want host:port)", addr, err)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		names, err := net.LookupHost(host)
		if err != nil {
			return fmt.Errorf("address %q: %v", addr, err)
		}
		for _, n := range names {
			if ip, err := netip.ParseAddr(n); err == nil {
				ips = append(ips, ip)
			}
		}
	}
	if len(ips) == 0 {
		return fmt.Errorf("address %q resolves to nothing", addr)
	}
	for _, ip := range ips {
		if !ip.Unmap().IsLoopback() {
			return fmt.Errorf("address %q is %v, not loopback: the load test only runs against 127.0.0.0/8 and ::1", addr, ip)
		}
	}
	return nil
}
