package session

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// Manager accepts websocket connections and keeps track of their sessions.
type Manager struct {
	reg      *widget.Registry
	pool     *pool.Pool
	log      *slog.Logger
	upgrader websocket.Upgrader
	opts     Options

	ctx    context.Context // canceled by Shutdown: every session ends
	cancel context.CancelFunc

	mu          sync.Mutex // guards closing and wg.Add against Shutdown's Wait, and byToken
	closing     bool
	byToken     map[string]*session // the open sessions by token, for weight uploads
	links       map[string]*link    // export links by token (exports.go)
	downloading map[string]int      // export files being sent, by client address
	wg          sync.WaitGroup      // one count per session, held until all its goroutines end
	active      atomic.Int64
	adm         admission // what the connections hold together, by opts.Admission
}

// NewManager returns a manager whose sessions build widgets from reg and
// run heavy work on p.
func NewManager(reg *widget.Registry, p *pool.Pool, log *slog.Logger) *Manager {
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{
		reg: reg, pool: p, log: log, ctx: ctx, cancel: cancel, byToken: map[string]*session{},
		links: map[string]*link{}, downloading: map[string]int{},
		adm: admission{byIP: map[string]*address{}},
		// EnableCompression negotiates permessage-deflate with clients
		// that offer it (browsers do): the JSON of heatmaps and graphs
		// compresses several times over.
		//
		// Buffers: a connection reads through the HTTP server's own 4 KiB
		// reader (ReadBufferSize 0 reuses it), and borrows its 16 KiB write
		// buffer from a pool for each write, so an idle learner holds
		// neither (20 KiB of every session's memory).
		upgrader: websocket.Upgrader{WriteBufferSize: 16384, WriteBufferPool: &sync.Pool{}, EnableCompression: true},
	}
	// An upgrade whose Origin differs from the page's own, in scheme, host
	// or port, is refused (403). gorilla's own check compares hosts only.
	m.upgrader.CheckOrigin = func(r *http.Request) bool { return SameOrigin(r, m.opts.TrustProxy) }
	m.SetOptions(DefaultOptions())
	return m
}

// Options are the settings of a Manager that a server's flags choose.
type Options struct {
	// Compression offers permessage-deflate on the upgrade.
	Compression bool
	// TrustProxy takes the scheme of a request from X-Forwarded-Proto, as
	// a TLS-terminating proxy in front of the server sets it.
	TrustProxy bool
	// Admission bounds what the connections hold together (admission.go);
	// hello sends it.
	Admission protocol.Admission
}

// DefaultOptions are the options of a new Manager.
func DefaultOptions() Options {
	return Options{Compression: true, Admission: protocol.DefaultAdmission()}
}

// SetOptions changes the manager's options. Call it before serving.
func (m *Manager) SetOptions(o Options) {
	m.opts = o
	m.upgrader.EnableCompression = o.Compression
	m.adm.mu.Lock()
	m.adm.limits = o.Admission
	m.adm.mu.Unlock()
}

// Limits returns the limits the manager's hello sends.
func (m *Manager) Limits() protocol.Limits { return protocol.LimitsOf(m.opts.Admission) }

// ServeHTTP upgrades the request to a websocket and serves it until the
// connection ends and every goroutine of its session is gone.
func (m *Manager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	m.wg.Add(1)
	m.mu.Unlock()
	defer m.wg.Done()

	conn, err := m.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// Upgrade has answered with an HTTP error (403 for another origin).
		m.log.Debug("websocket upgrade refused", "err", err, "origin", r.Header.Get("Origin"))
		return
	}
	ip := ClientIP(r, m.opts.TrustProxy)
	h, perr, code := m.adm.connect(ip)
	if perr != nil {
		m.log.Info("connection refused", "code", perr.Code, "limit", perr.Limit, "ip", ip)
		refuseConn(conn, perr, code)
		return
	}
	defer m.adm.disconnect(h)
	m.active.Add(1)
	defer m.active.Add(-1)
	s := newSession(m, conn, h, m.log.With("remote", r.RemoteAddr))
	s.run()
}

// Active returns the number of open sessions.
func (m *Manager) Active() int { return int(m.active.Load()) }

// Wait blocks until no session is left.
func (m *Manager) Wait() { m.wg.Wait() }

// Shutdown refuses new connections, asks every session to close (with
// status 1001, going away) and waits for them or for ctx to end. The
// server's own Shutdown does not do this, because it does not track
// hijacked connections.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	m.closing = true
	m.mu.Unlock()
	m.cancel()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
