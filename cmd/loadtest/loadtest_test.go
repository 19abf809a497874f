package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/session"
	"stepgraph/cmd/web/widget"
)

// server starts the real session manager on loopback, with change applied
// to its admission limits, and returns its host:port.
func server(t *testing.T, change func(*protocol.Admission)) string {
	t.Helper()
	p := pool.NewReserved(2, 1, 16)
	m := session.NewManager(widget.Default(), p, slog.New(slog.DiscardHandler))
	o := session.DefaultOptions()
	o.Admission.MaxConnsPerIP, o.Admission.MaxTrainersPerIP = 0, 0 // every client is 127.0.0.1
	if change != nil {
		change(&o.Admission)
	}
	m.SetOptions(o)
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Shutdown(ctx)
		srv.Close()
		p.Close()
	})
	return strings.TrimPrefix(srv.URL, "http://")
}

func flags(t *testing.T, args ...string) config {
	t.Helper()
	c, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRunSteppersAndTrainers puts a small load on a real server: every
// stepper's step is answered, with its latency, and nothing is refused.
func TestRunSteppersAndTrainers(t *testing.T) {
	addr := server(t, nil)
	var out strings.Builder
	cfg := flags(t, "-addr", addr, "-steppers", "4", "-rate", "20", "-trainers", "1", "-duration", "1s", "-warmup", "200ms", "-ramp", "50")
	res, err := run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	// 4 steppers at 20 a second for 1 s send at most 21 steps each in the
	// window (a ticker drops the ticks of a late goroutine: no lower bound
	// but the first step of each).
	if n := res.steppers.n; n < 4 || n > 84 {
		t.Errorf("%d answers in the window, want 4 to 84", n)
	}
	if res.steppers.errors+res.steppers.drops+res.steppers.setup+res.trainers.errors+res.trainers.drops+res.trainers.setup != 0 {
		t.Errorf("errors or drops on an idle server:\n%s", out.String())
	}
	if res.trained == 0 {
		t.Errorf("the trainer trained no step in the window")
	}
	if res.steppers.p50 <= 0 || res.steppers.p50 > res.steppers.p99 || res.steppers.p99 > res.steppers.max {
		t.Errorf("latencies p50 %v, p99 %v, max %v: want 0 < p50 <= p99 <= max", res.steppers.p50, res.steppers.p99, res.steppers.max)
	}
}

// TestRunMissesATarget asks for a p99 no server meets: the run is not ok,
// and the report says which target failed.
func TestRunMissesATarget(t *testing.T) {
	addr := server(t, nil)
	var out strings.Builder
	res, err := run(context.Background(), flags(t, "-addr", addr, "-steppers", "1", "-duration", "300ms", "-warmup", "0s", "-want-p99", "1ns"), &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.ok || !strings.Contains(out.String(), "FAIL p99") {
		t.Errorf("ok %v against a p99 of 1 ns:\n%s", res.ok, out.String())
	}
}

// TestRunReportsRefusals runs more steppers than the server admits: the
// refused ones are reported, and the run is not ok.
func TestRunReportsRefusals(t *testing.T) {
	addr := server(t, func(a *protocol.Admission) { a.MaxConns = 2 })
	var out strings.Builder
	res, err := run(context.Background(), flags(t, "-addr", addr, "-steppers", "4", "-duration", "300ms", "-warmup", "0s", "-ramp", "100"), &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.ok || res.steppers.setup != 2 {
		t.Errorf("ok %v, %d steppers not set up, want not ok and 2:\n%s", res.ok, res.steppers.setup, out.String())
	}
	if !strings.Contains(out.String(), "server_full") {
		t.Errorf("the report does not name the refusal's code:\n%s", out.String())
	}
}

// TestHeavyConnectionFillsItsBudget runs the heavy connection against a
// server whose connection budget (4 MiB) holds two default labs (1.8 MiB
// each) and no largest one: each largest lab it asks for is refused as
// over budget, an expected refusal, and a default lab takes its place, so
// that it trains as many labs as it may.
func TestHeavyConnectionFillsItsBudget(t *testing.T) {
	addr := server(t, func(a *protocol.Admission) { a.MaxSessionBytes = 4 << 20; a.MaxTrainersPerConn = 2 })
	var out strings.Builder
	c := flags(t, "-addr", addr, "-scenario", "victim", "-duration", "300ms", "-warmup", "0s", "-ramp", "100")
	res, err := run(context.Background(), c, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if !strings.Contains(out.String(), "refused as expected: over_budget ×2") || !strings.Contains(out.String(), "heavy connection: 2 labs training, 0 of them the largest") || res.trainers.setup != 0 || res.trainers.errors != 0 {
		t.Errorf("the heavy connection's report:\n%s", out.String())
	}
	if res.steppers.n == 0 {
		t.Errorf("the victim's steps were not answered")
	}
}

// TestLoopbackOnly checks that the load test refuses any address outside
// 127.0.0.0/8 and ::1, before it connects.
func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "127.9.9.9:1", "[::1]:8080", "localhost:8080"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("checkLoopback(%q) = %v, want nil", addr, err)
		}
	}
	for _, addr := range []string{"10.0.0.1:80", "192.168.1.20:8080", "[2001:db8::1]:80", "0.0.0.0:8080", "[::ffff:10.0.0.1]:80", "127.0.0.1", ""} {
		if err := checkLoopback(addr); err == nil {
			t.Errorf("checkLoopback(%q) = nil, want an error", addr)
		}
		if _, err := parseFlags([]string{"-addr", addr}, io.Discard); err == nil {
			t.Errorf("-addr %q accepted", addr)
		}
	}
}

// TestFlagBounds checks that every loop's bound holds whatever the flags.
func TestFlagBounds(t *testing.T) {
	for _, args := range [][]string{
		{"-steppers", "10001"}, {"-trainers", "1001"}, {"-duration", "11m"}, {"-duration", "0s"},
		{"-rate", "0", "-steppers", "1"}, {"-rate", "101"}, {"-ramp", "0"}, {"-warmup", "2m"}, {"-scenario", "everyone"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("flags %q accepted", args)
		}
	}
	c := flags(t, "-scenario", "mixed")
	if c.scenario != (scenario{steppers: 200, rate: 10, trainers: 50}) {
		t.Errorf("mixed = %+v", c.scenario)
	}
	if c := flags(t, "-scenario", "victim", "-heavy=false"); c.scenario.heavy {
		t.Errorf("-heavy=false left the victim scenario's heavy connection in")
	}
	if c := flags(t, "-heavy"); !c.scenario.heavy {
		t.Errorf("-heavy did not add the heavy connection to the class")
	}
}

// TestParseHead reads the envelope of messages as the server encodes
// them: the id of an answer, none for an unsolicited message even though
// its node view has an "id" of its own, and an error's code.
func TestParseHead(t *testing.T) {
	view := &protocol.NodeView{ID: 41, Name: "loss"}
	answer := &protocol.Node{Header: protocol.Header{Type: protocol.TypeNode, Widget: "w1", ID: 7}, Step: protocol.Cursor{Index: 3, Total: 83}, Node: view, Forward: []int{}, Backward: []int{}}
	unsolicited := &protocol.Node{Header: protocol.Header{Type: protocol.TypeNode, Widget: "w1"}, Step: protocol.Cursor{Index: 83, Total: 83}, Node: view, Forward: []int{}, Backward: []int{}}
	refusal := &protocol.ErrorMsg{Header: protocol.Header{Type: protocol.TypeError, Widget: "w1", ID: 9}, Code: "busy", Message: "the widget is training"}
	for _, c := range []struct {
		m    protocol.Message
		want head
	}{
		{answer, head{typ: "node", id: 7, index: 3, total: 83}},
		{unsolicited, head{typ: "node", index: 83, total: 83}},
		{refusal, head{typ: "error", id: 9, code: "busy"}},
	} {
		data, err := protocol.MarshalMessage(c.m)
		if err != nil {
			t.Fatal(err)
		}
		if got := parseHead(data); got != c.want {
			t.Errorf("parseHead(%s) = %+v, want %+v", data, got, c.want)
		}
	}
}
