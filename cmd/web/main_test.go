package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

func TestResolveAddr(t *testing.T) {
	cases := []struct {
		flag    string
		flagSet bool
		port    string
		want    string
	}{
		{":8080", false, "", ":8080"},
		{":8080", false, "9000", ":9000"},
		{"127.0.0.1:7000", true, "9000", "127.0.0.1:7000"}, // an explicit -addr wins
		{":8080", true, "", ":8080"},
	}
	for _, c := range cases {
		if got := resolveAddr(c.flag, c.flagSet, c.port); got != c.want {
			t.Errorf("resolveAddr(%q, %v, %q) = %q, want %q", c.flag, c.flagSet, c.port, got, c.want)
		}
	}
}

func TestDisplayHost(t *testing.T) {
	cases := map[string]string{
		"[::]:8080":      "localhost:8080",
		"0.0.0.0:8080":   "localhost:8080",
		"127.0.0.1:9000": "127.0.0.1:9000",
	}
	for in, want := range cases {
		if got := displayHost(in); got != want {
			t.Errorf("displayHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunShutsDownGracefully starts the real binary's run loop, checks it
// serves, then stops it: once by canceling its context and once with
// SIGTERM, as a process manager would.
func TestRunShutsDownGracefully(t *testing.T) {
	stops := []struct {
		name string
		stop func(cancel context.CancelFunc)
	}{
		{"context", func(cancel context.CancelFunc) { cancel() }},
		{"SIGTERM", func(context.CancelFunc) { syscall.Kill(syscall.Getpid(), syscall.SIGTERM) }},
	}
	for _, st := range stops {
		ctx, cancel := context.WithCancel(context.Background())
		var log syncBuffer
		ready := make(chan string, 1)
		done := make(chan error, 1)
		env := func(string) string { return "" }
		go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, env, &log, func(a string) { ready <- a }) }()
		addr := <-ready
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: GET /healthz = %v %v", st.name, res, err)
		}
		res.Body.Close()
		st.stop(cancel)
		if err := <-done; err != nil {
			t.Errorf("%s: run returned %v, want nil after a graceful shutdown", st.name, err)
		}
		if !strings.Contains(log.String(), "shutting down") {
			t.Errorf("%s: log lacks the shutdown line:\n%s", st.name, log.String())
		}
		if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
			t.Errorf("%s: the server still answers after run returned", st.name)
		}
		cancel()
	}
}

// TestRunRejectsBadFlags checks that a bad flag is an error, not a crash.
func TestRunRejectsBadFlags(t *testing.T) {
	var log syncBuffer
	if err := run(context.Background(), []string{"-nope"}, func(string) string { return "" }, &log, nil); err == nil {
		t.Error("run(-nope) = nil, want an error")
	}
}

// TestRunAdmissionFlags starts run with every admission flag and checks
// that the server's hello sends the values they gave.
func TestRunAdmissionFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	args := []string{"-addr", "127.0.0.1:0", "-max-conns", "7", "-max-conns-per-ip", "0", "-max-widgets", "9",
		"-max-trainers-per-conn", "1", "-max-trainers-per-ip", "2", "-max-session-mib", "3", "-max-server-mib", "4"}
	go func() { done <- run(ctx, args, func(string) string { return "" }, &log, func(a string) { ready <- a }) }()
	addr := <-ready
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", http.Header{"Origin": {"http://" + addr}})
	if err != nil {
		t.Fatal(err)
	}
	var hello protocol.Hello
	if err := conn.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	want := protocol.LimitsOf(protocol.Admission{MaxConns: 7, MaxConnsPerIP: 0, MaxServerWidgets: 9,
		MaxTrainersPerConn: 1, MaxTrainersPerIP: 2, MaxSessionBytes: 3 << 20, MaxServerBytes: 4 << 20})
	if hello.Limits != want {
		t.Errorf("hello limits = %+v, want %+v", hello.Limits, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
