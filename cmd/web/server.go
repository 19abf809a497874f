package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/session"
	"stepgraph/cmd/web/widget"
)

// Timeouts of the HTTP server.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Config is what NewServer needs.
type Config struct {
	Static  fs.FS // css/, js/ and icons
	Content fs.FS // the lessons, *.md at the root
	Dev     bool  // reload lessons on every request and let browsers cache nothing
	Logger  *slog.Logger
	// Widgets are the widget kinds the websocket can configure; nil means
	// widget.Default().
	Widgets *widget.Registry
	// Workers is the size of the shared worker pool; 0 means one per CPU.
	Workers int
	// NoCompression turns off the compression of pages, static files and
	// websocket messages (for a proxy that compresses, or to measure).
	NoCompression bool
	// TrustProxy takes a request's scheme from X-Forwarded-Proto, for the
	// same-origin checks behind a TLS-terminating proxy.
	TrustProxy bool
	// AllowHosts are the names a request's Host may have, besides the
	// loopback names and the addresses the server listens on (which the
	// caller adds); "*" allows any. Other requests are refused (421), so
	// that a DNS-rebinding page cannot reach the server.
	AllowHosts []string
	// Admission is what the connections may hold together; nil means
	// protocol.DefaultAdmission().
	Admission *protocol.Admission
}

// Server is the Echo app with its websocket sessions.
type Server struct {
	Echo       *echo.Echo
	Sessions   *session.Manager
	pool       *pool.Pool
	lessons    *lessonStore
	static     *staticFiles
	log        *slog.Logger
	compress   bool // gzip the pages
	trustProxy bool
	allowHosts []string        // see Config.AllowHosts
	weights    *weightsHandler // the weights uploads (routes.go)
}

// NewServer loads the lessons (a broken lesson is an error here, not at the
// first request) and wires the routes.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Widgets == nil {
		cfg.Widgets = widget.Default()
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	lessons, err := newLessonStore(cfg.Content, cfg.Dev)
	if err != nil {
		return nil, err
	}
	p := pool.NewReserved(cfg.Workers, 1, 4*cfg.Workers)
	s := &Server{
		Echo:     echo.New(),
		Sessions: session.NewManager(cfg.Widgets, p, cfg.Logger),
		pool:     p,
		lessons:  lessons,
		static:   newStaticFiles(cfg.Static, cfg.Dev || cfg.NoCompression, cfg.Dev),
		log:      cfg.Logger,
		compress: !cfg.NoCompression, trustProxy: cfg.TrustProxy,
		allowHosts: append(slices.Clone(loopbackHosts), cfg.AllowHosts...),
	}
	adm := protocol.DefaultAdmission()
	if cfg.Admission != nil {
		adm = *cfg.Admission
	}
	s.Sessions.SetOptions(session.Options{Compression: !cfg.NoCompression, TrustProxy: cfg.TrustProxy, Admission: adm})
	s.Echo.HideBanner = true
	s.Echo.HidePort = true
	// Slow or idle clients may not hold connections forever. There is no
	// write timeout: a websocket lives as long as its page, and its own
	// pumps set a deadline on every read and write.
	s.Echo.Server.ReadHeaderTimeout = readHeaderTimeout
	s.Echo.Server.IdleTimeout = idleTimeout
	s.Echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// Shutdown closes the websockets (status 1001), then stops the HTTP server
// gracefully, then the worker pool. It returns early when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	if err := s.Sessions.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("close websockets: %w", err))
	}
	if err := s.Echo.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop http server: %w", err))
	}
	s.pool.Close()
	return errors.Join(errs...)
}
