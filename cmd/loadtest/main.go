package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"time"
)

// Bounds of every loop: the load test never runs longer or opens more
// than these, whatever its flags say.
const (
	maxSessions = 10000
	maxTrainers = 1000
	maxDuration = 10 * time.Minute
)

// scenario is one load: steppers stepping the default lab, trainers each
// training one default lab, and optionally one heavy connection training
// as many of the largest labs as the server lets one connection train.
type scenario struct {
	steppers int
	rate     float64 // steps a second of each stepper
	trainers int
	heavy    bool
}

// scenarios are the loads of docs/perf.md.
var scenarios = map[string]scenario{
	"class":  {steppers: 2000, rate: 10},
	"mixed":  {steppers: 200, rate: 10, trainers: 50},
	"victim": {steppers: 1, rate: 10, heavy: true},
}

// config is the load test's flags.
type config struct {
	addr     string
	scenario scenario
	name     string
	duration time.Duration
	warmup   time.Duration
	ramp     float64 // connections opened a second
	pid      int
	compress bool
	wantP99  time.Duration
	wantRSS  int64 // bytes a session, 0 to skip

	cpuProfile string
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(2)
		}
		defer f.Close()
	}
	// The load test shares the server's machine: it trades memory for
	// fewer collections, so that the server gets more of the cores.
	debug.SetGCPercent(400)
	res, err := run(context.Background(), cfg, os.Stdout)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if !res.ok {
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	var c config
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "the server, host:port on loopback")
	fs.StringVar(&c.name, "scenario", "class", "class (2000 steppers), mixed (200 steppers, 50 trainers) or victim (1 stepper beside one connection training the largest labs); the flags below change it")
	steppers := fs.Int("steppers", -1, "connections stepping the default lab")
	rate := fs.Float64("rate", -1, "steps a second of each stepper")
	trainers := fs.Int("trainers", -1, "connections training one default lab each at full speed")
	heavy := fs.Bool("heavy", false, "one connection training the largest labs, as many as it may (the victim scenario has it; -heavy=false leaves it out)")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "the measurement window, after the ramp and the warm-up")
	fs.DurationVar(&c.warmup, "warmup", 5*time.Second, "time between the last connection and the window")
	fs.Float64Var(&c.ramp, "ramp", 200, "connections opened a second")
	fs.IntVar(&c.pid, "pid", 0, "the server's process id, to read its memory (RSS) from /proc; 0 skips it")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write the load test's own CPU profile to this file")
	fs.BoolVar(&c.compress, "compress", true, "negotiate permessage-deflate, as browsers do")
	fs.DurationVar(&c.wantP99, "want-p99", 50*time.Millisecond, "the steppers' p99 the run must stay under")
	wantRSS := fs.Int("want-rss-kib", 256, "the RSS a session may take, in KiB, checked when -pid is given and nothing trains; 0 skips it")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	s, ok := scenarios[c.name]
	if !ok {
		return c, fmt.Errorf("unknown scenario %q: class, mixed or victim", c.name)
	}
	if *steppers >= 0 {
		s.steppers = *steppers
	}
	if *rate >= 0 {
		s.rate = *rate
	}
	if *trainers >= 0 {
		s.trainers = *trainers
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "heavy" {
			s.heavy = *heavy
		}
	})
	c.scenario = s
	c.wantRSS = int64(*wantRSS) << 10
	switch {
	case s.steppers > maxSessions:
		return c, fmt.Errorf("-steppers %d: at most %d", s.steppers, maxSessions)
	case s.trainers > maxTrainers:
		return c, fmt.Errorf("-trainers %d: at most %d", s.trainers, maxTrainers)
	case s.steppers > 0 && (s.rate <= 0 || s.rate > 100):
		return c, fmt.Errorf("-rate %v: want more than 0 and at most 100", s.rate)
	case c.duration <= 0 || c.duration > maxDuration:
		return c, fmt.Errorf("-duration %v: want more than 0 and at most %v", c.duration, maxDuration)
	case c.warmup < 0 || c.warmup > time.Minute:
		return c, fmt.Errorf("-warmup %v: want 0 to 1m", c.warmup)
	case c.ramp < 1 || c.ramp > 10000:
		return c, fmt.Errorf("-ramp %v: want 1 to 10000 connections a second", c.ramp)
	}
	return c, checkLoopback(c.addr)
}

// result is what a run saw.
type result struct {
	ok       bool    // every target met, no error, no drop
	steppers summary // the steppers' answers in the window
	trainers summary // the trainers' errors and drops
	trained  int     // training steps done in the window
	rssPer   int64   // the server's RSS a session, bytes (0 without -pid)
}

// run puts the scenario's load on the server and prints what it saw. Its
// result is not ok when the load met an error, a drop, or missed a
// target.
func run(ctx context.Context, cfg config, out io.Writer) (result, error) {
	s := cfg.scenario
	// Every loop below ends by this deadline.
	conns := s.steppers + s.trainers + 1
	limit := time.Duration(float64(conns)/cfg.ramp*float64(time.Second)) + cfg.warmup + cfg.duration + time.Minute
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	var base int64
	if cfg.pid > 0 {
		var err error
		if base, err = rss(cfg.pid); err != nil {
			return result{}, err
		}
	}
	fmt.Fprintf(out, "scenario %s: %d steppers at %g steps/s, %d trainers, heavy %v; window %v after %v of warm-up; server %s\n",
		cfg.name, s.steppers, s.rate, s.trainers, s.heavy, cfg.duration, cfg.warmup, cfg.addr)

	steppers, trainers := newRecorder(), newRecorder()
	var (
		mu    sync.Mutex
		all   []*conn
		train []*trainer
		w     window
	)
	keep := func(c *conn) {
		if c != nil {
			mu.Lock()
			all = append(all, c)
			mu.Unlock()
		}
	}
	every := time.Duration(float64(time.Second) / cfg.ramp)
	pace := time.NewTicker(every)
	defer pace.Stop()
	var wg sync.WaitGroup
	open := func(f func()) {
		select {
		case <-pace.C:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	// The trainers first, so that the steppers are measured beside them.
	heavy := 0
	if s.heavy {
		heavy = 1
	}
	for i := range s.trainers + heavy {
		open(func() {
			c, tr := startTrainer(ctx, cfg.addr, cfg.compress, i == s.trainers, trainers)
			keep(c)
			mu.Lock()
			train = append(train, tr)
			mu.Unlock()
		})
	}
	period := time.Duration(0)
	if s.rate > 0 {
		period = time.Duration(float64(time.Second) / s.rate)
	}
	for range s.steppers {
		open(func() { keep(stepper(ctx, cfg.addr, cfg.compress, period, &w, steppers)) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return result{}, fmt.Errorf("setting up took longer than %v", limit)
	}
	select {
	case <-time.After(cfg.warmup):
	case <-ctx.Done():
	}
	start := time.Now()
	w.open(start, cfg.duration)
	trainedStart := trainedSteps(&mu, train)
	var peak, last int64
	sample := time.NewTicker(time.Second)
	end := time.After(cfg.duration)
window:
	for {
		select {
		case <-sample.C:
			if cfg.pid > 0 {
				r, err := rss(cfg.pid)
				if err != nil {
					return result{}, fmt.Errorf("the server's memory: %v (has it stopped?)", err)
				}
				last, peak = r, max(peak, r)
			}
		case <-end:
			break window
		case <-ctx.Done():
			break window
		}
	}
	sample.Stop()
	trainedEnd := trainedSteps(&mu, train)
	// Answers to the window's last requests may still come.
	time.Sleep(time.Second)
	cancel()
	for _, c := range all {
		c.close()
	}

	ok := true
	st, tt := steppers.summary(), trainers.summary()
	res := result{steppers: st, trainers: tt, trained: trainedEnd - trainedStart}
	if s.steppers > 0 {
		fmt.Fprintf(out, "steppers: %s\n", st)
		want := int(float64(s.steppers) * s.rate * cfg.duration.Seconds())
		fmt.Fprintf(out, "  %d of about %d steps answered in the window\n", st.n, want)
		verdict(out, &ok, st.p99 < cfg.wantP99, fmt.Sprintf("p99 %s < %s", ms(st.p99), ms(cfg.wantP99)))
		verdict(out, &ok, st.errors == 0 && st.drops == 0 && st.setup == 0, "no errors, no drops")
		verdict(out, &ok, st.n >= want*95/100, "at least 95% of the steps answered")
	}
	if s.trainers+heavy > 0 {
		fmt.Fprintf(out, "trainers: %d connections, %d training steps in the window (%.0f a second); %d errors, %d dropped",
			len(train), trainedEnd-trainedStart, float64(trainedEnd-trainedStart)/cfg.duration.Seconds(), tt.errors, tt.drops)
		for _, tr := range train {
			if tr.heavyConn {
				fmt.Fprintf(out, "\n  heavy connection: %d labs training, %d of them the largest", tr.widgets, tr.big)
			}
		}
		for _, t := range tt.text {
			fmt.Fprintf(out, "\n    %s", t)
		}
		fmt.Fprintln(out)
		verdict(out, &ok, tt.errors == 0 && tt.drops == 0 && tt.setup == 0, "trainers: no errors, no drops")
	}
	if cfg.pid > 0 {
		n := int64(s.steppers + s.trainers + heavy)
		per := (last - base) / max(n, 1)
		res.rssPer = per
		fmt.Fprintf(out, "server RSS: %s before, %s at the end of the window (peak %s); %.0f KiB a session\n", mib(base), mib(last), mib(peak), float64(per)/1024)
		if cfg.wantRSS > 0 && s.trainers+heavy == 0 {
			verdict(out, &ok, per <= cfg.wantRSS, fmt.Sprintf("RSS a session %.0f KiB ≤ %d KiB", float64(per)/1024, cfg.wantRSS>>10))
		}
	}
	res.ok = ok
	return res, nil
}

// verdict prints whether a target was met, and clears ok when not.
func verdict(out io.Writer, ok *bool, met bool, what string) {
	mark := "ok  "
	if !met {
		mark, *ok = "FAIL", false
	}
	fmt.Fprintf(out, "  %s %s\n", mark, what)
}

func trainedSteps(mu *sync.Mutex, train []*trainer) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, tr := range train {
		n += tr.done()
	}
	return n
}
