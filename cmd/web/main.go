package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"stepgraph/content"
	"stepgraph/static"
)

// shutdownWait bounds a graceful shutdown: open websockets are told to go
// away and requests in flight may finish within it.
const shutdownWait = 10 * time.Second

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "stepgraph:", err)
		os.Exit(1)
	}
}

// run parses args, serves until ctx ends or a SIGINT or SIGTERM arrives,
// then shuts down gracefully. ready, if not nil, is called with the address
// once the server listens.
func run(ctx context.Context, args []string, getenv func(string) string, logOut io.Writer, ready func(addr string)) error {
	flags := flag.NewFlagSet("web", flag.ContinueOnError)
	flags.SetOutput(logOut)
	addr := flags.String("addr", defaultAddr, "listen address; without it, PORT from the environment gives the port")
	dev := flags.Bool("dev", false, "serve static/ and content/ from disk and reload lessons on every request")
	var allowHosts []string
	flags.Func("allow-host", "a host name the server answers to, besides localhost and the addresses it listens on (repeat, or comma-separate; * for any); for a name in front of a proxy", func(v string) error {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				allowHosts = append(allowHosts, h)
			}
		}
		return nil
	})
	proxy := flags.Bool("proxy", false, "trust X-Forwarded-Proto from a TLS-terminating proxy for the same-origin checks")
	admission := admissionFlags(flags)
	cpuProfile := flags.String("cpuprofile", "", "write a CPU profile of the run to this file, until shutdown (docs/perf.md)")
	memProfile := flags.String("memprofile", "", "write a heap profile to this file when asked to stop, before closing the sessions (docs/perf.md)")
	compress := flags.Bool("compress", true, "compress pages, static files (brotli or gzip) and websocket messages (permessage-deflate); turn off behind a proxy that compresses")
	if err := flags.Parse(args); err != nil {
		return err
	}
	addrSet := false
	flags.Visit(func(f *flag.Flag) { addrSet = addrSet || f.Name == "addr" })
	listen := resolveAddr(*addr, addrSet, getenv("PORT"))

	log := slog.New(slog.NewTextHandler(logOut, nil))
	var staticFS, contentFS fs.FS = static.FS, content.FS
	if *dev {
		staticFS, contentFS = os.DirFS("static"), os.DirFS("content")
	}
	srv, err := NewServer(Config{
		Static: staticFS, Content: contentFS, Dev: *dev, Logger: log, NoCompression: !*compress, TrustProxy: *proxy,
		Admission:  new(admission()),
		AllowHosts: append(allowHosts, listenHosts(listen)...),
	})
	if err != nil {
		return err
	}

	stopProfile, err := startProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	srv.Echo.Listener = ln
	log.Info("stepgraph listening", "url", "http://"+displayHost(ln.Addr().String()), "dev", *dev)
	if ready != nil {
		ready(ln.Addr().String())
	}

	paceGC(getenv)
	go returnMemory(ctx, reclaimPeriod, reclaimBytes, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Echo.Start("") }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := writeHeapProfile(*memProfile); err != nil {
		log.Error("heap profile", "err", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// defaultAddr is the listen address when neither -addr nor PORT is given.
const defaultAddr = ":8080"

// resolveAddr picks the listen address: an explicit -addr wins, then the
// PORT environment variable, then the default.
func resolveAddr(flagAddr string, flagSet bool, port string) string {
	if flagSet || port == "" {
		return flagAddr
	}
	return ":" + port
}

// displayHost turns a listen address like "[::]:8080" into "localhost:8080"
// for the log line a person clicks.
func displayHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
