package session

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// session is one websocket connection and its widgets.
type session struct {
	m     *Manager
	conn  *websocket.Conn
	log   *slog.Logger
	out   *outbox
	token string     // sent in hello; names the connection in a weights upload
	owner pool.Owner // the connection on the pool's training lane
	holds *holds     // its part of the server's admission counts

	ctx    context.Context // ends when the connection ends
	cancel context.CancelFunc

	closeMu   sync.Mutex // guards the close frame the session ends with
	closeCode int        // 0 for none yet
	closeText string

	// requests holds the valid requests the reader took off the socket
	// until the worker answers them, in order. The reader never waits for
	// work: it refuses a bad frame at once, and a request when the queue
	// is full.
	requests chan *protocol.Request

	// mu serializes the connection's requests, those of the socket and
	// weight uploads over HTTP, so that a widget answers one at a time.
	// It guards widgets.
	mu      sync.Mutex
	widgets map[string]*entry

	links []string // the tokens of its export links, oldest first; the manager's mu guards it

	goMu    sync.Mutex // guards closing against wg.Add after wg.Wait began
	closing bool
	wg      sync.WaitGroup // the writer and the widgets' goroutines
}

// entry is a configured widget, its kind and the cancel func of its
// context.
type entry struct {
	w      widget.Widget
	kind   string
	cancel context.CancelFunc
}

func newSession(m *Manager, conn *websocket.Conn, h *holds, log *slog.Logger) *session {
	ctx, cancel := context.WithCancel(m.ctx)
	token := newToken()
	return &session{
		m: m, conn: conn, log: log, out: newOutbox(protocol.MaxQueuedMessages, protocol.MaxQueuedBytes), token: token,
		owner: pool.Owner{IP: h.ip, Conn: token}, holds: h,
		ctx: ctx, cancel: cancel, widgets: map[string]*entry{}, requests: make(chan *protocol.Request, protocol.MaxPendingRequests),
	}
}

// run serves the connection and returns when every goroutine of the
// session has ended. Its token names it from hello until the socket
// closes.
func (s *session) run() {
	s.spawn(s.writePump)
	s.spawn(s.work)
	s.m.register(s)
	s.send(protocol.NewHello(s.m.reg.Kinds(), s.token, s.m.Limits()))
	s.readPump()

	s.m.forget(s)
	s.cancel()
	s.mu.Lock()
	for id := range s.widgets {
		s.drop(id)
	}
	s.mu.Unlock()
	s.goMu.Lock()
	s.closing = true
	s.goMu.Unlock()
	s.wg.Wait()
	s.conn.Close()
}

// spawn runs f on a goroutine the session waits for. It returns false once
// the session is closing.
func (s *session) spawn(f func()) bool {
	s.goMu.Lock()
	defer s.goMu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// work answers the queued requests one at a time, in the order they
// came, until the session ends.
func (s *session) work() {
	for {
		select {
		case req := <-s.requests:
			s.answer(req)
		case <-s.ctx.Done():
			return
		}
	}
}

// take decodes one frame the client sent and queues the request for the
// worker. A frame that is not a valid request is refused at once, as is a
// request when MaxPendingRequests wait already. The reader calls it.
func (s *session) take(kind int, data []byte) {
	if kind != websocket.TextMessage {
		s.refuse(nil, protocol.Errorf(protocol.CodeBadJSON, "binary frames are not accepted; send JSON text"))
		return
	}
	req, perr := protocol.Decode(data)
	if perr != nil {
		s.refuse(req, perr)
		return
	}
	select {
	case s.requests <- req:
	default:
		s.refuse(req, protocol.Errorf(protocol.CodeTooManyRequests, "%d requests wait for an answer already; wait for their answers before sending more", protocol.MaxPendingRequests))
	}
}

// answer runs one valid request and sends its refusal, if any.
func (s *session) answer(req *protocol.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perr := s.dispatch(req); perr != nil {
		s.refuse(req, perr)
	}
}

// dispatch runs a valid request.
func (s *session) dispatch(req *protocol.Request) *protocol.Error {
	if req.Type == protocol.TypeConfigure {
		return s.configure(req)
	}
	e := s.widgets[req.Widget]
	if e == nil {
		return protocol.Errorf(protocol.CodeUnknownWidget, "no widget %q on this connection; configure it first", req.Widget)
	}
	if req.Type == protocol.TypeExport {
		return s.offerExport(req, e)
	}
	var perr *protocol.Error
	if _, failed := s.onPool(s.laneOf(req), func() { perr = e.w.Handle(req) }); failed {
		s.drop(req.Widget)
		return protocol.Errorf(protocol.CodeInternal, "widget %q failed and was removed; configure it again", req.Widget)
	}
	return perr
}

// configure builds a widget, replacing one with the same id.
func (s *session) configure(req *protocol.Request) *protocol.Error {
	factory := s.m.reg.Factory(req.Kind)
	if factory == nil {
		return protocol.Errorf(protocol.CodeUnknownKind, "unknown widget kind %q (have %s)", req.Kind, strings.Join(s.m.reg.Kinds(), ", "))
	}
	if _, replacing := s.widgets[req.Widget]; replacing {
		s.drop(req.Widget)
	} else if len(s.widgets) >= protocol.MaxWidgets {
		return protocol.Errorf(protocol.CodeTooManyWidgets, "at most %d widgets per connection", protocol.MaxWidgets)
	}
	if perr := s.m.adm.addWidget(); perr != nil {
		return perr
	}
	ctx, cancel := context.WithCancel(s.ctx)
	id, adm := req.Widget, &s.m.adm
	env := widget.Env{
		Ctx: ctx, Emit: s.emitter(ctx, id), Go: s.spawn, Pool: s.m.pool, Owner: s.owner, Log: s.log.With("widget", id),
		Reserve: func(n int64) *protocol.Error { return adm.reserve(s.holds, id, n) },
		Train:   func() (func(), *protocol.Error) { return adm.train(s.holds) },
	}
	failed := func() { // what the widget held, when it is not kept
		cancel()
		adm.release(s.holds, id)
		adm.removeWidget()
	}
	var w widget.Widget
	var perr *protocol.Error
	ran, panicked := s.onPool(s.configureLane(req), func() {
		if w, perr = factory(env, req.Options); perr == nil {
			w.Start(req.ID)
		}
	})
	if !ran {
		failed() // the session ended before a worker was free
		return nil
	}
	if panicked || perr != nil {
		if w != nil {
			w.Close()
		}
		failed()
		if panicked {
			return protocol.Errorf(protocol.CodeInternal, "widget %q of kind %q failed to start", req.Widget, req.Kind)
		}
		return perr
	}
	s.widgets[req.Widget] = &entry{w: w, kind: req.Kind, cancel: cancel}
	return nil
}

// drop closes a widget and forgets it. The caller holds mu.
func (s *session) drop(id string) {
	e := s.widgets[id]
	delete(s.widgets, id)
	e.cancel()
	e.w.Close()
	s.m.adm.release(s.holds, id)
	s.m.adm.removeWidget()
}

// onPool runs fn on the shared pool in lane and reports whether it ran
// (it does not if the session ends before a worker is free) and whether
// it panicked. A panic is a bug: it is logged with its stack, and the
// caller drops the widget.
func (s *session) onPool(lane pool.Lane, fn func()) (ran, panicked bool) {
	err := s.m.pool.DoIn(s.ctx, lane, func() {
		defer func() {
			if r := recover(); r != nil {
				panicked = true
				s.log.Error("widget panic", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		fn()
	})
	return err == nil, panicked
}

// emitter returns the Emit func of widget id: it stamps the header and
// drops messages once the widget's context has ended.
func (s *session) emitter(ctx context.Context, id string) func(int64, protocol.Message) {
	return func(reqID int64, m protocol.Message) {
		if ctx.Err() != nil {
			return
		}
		h := m.Head()
		h.Widget, h.ID = id, reqID
		s.send(m)
	}
}

// refuse answers req with an error message.
func (s *session) refuse(req *protocol.Request, perr *protocol.Error) {
	s.send(protocol.NewError(req, perr))
}

// send encodes m and queues it.
func (s *session) send(m protocol.Message) {
	data, err := protocol.MarshalMessage(m)
	if err != nil {
		// A bug (a NaN that escaped the views): tell the client, keep going.
		s.log.Error("encode message", "type", m.Head().Type, "err", err)
		h := m.Head()
		data, _ = json.Marshal(protocol.NewError(&protocol.Request{Widget: h.Widget, ID: h.ID},
			protocol.Errorf(protocol.CodeInternal, "could not encode a %s message", h.Type)))
		s.out.push("", data)
		return
	}
	s.out.push(coalesceKey(m), data)
}

// coalesceKey returns the key under which newer messages replace older
// ones: type and widget (and a plot's name, an export's file name, an
// error's request type and code). Hello is never replaced. An export is a file the learner
// asked for, replaced only by a newer copy of the same file, so that a
// page that asks again and again cannot pile up large files in the queue.
func coalesceKey(m protocol.Message) string {
	h := m.Head()
	switch h.Type {
	case protocol.TypeHello:
		return ""
	case protocol.TypeError:
		// Refusals of the same kind coalesce too, so that a burst of bad
		// frames cannot fill the queue of a client that reads.
		e := m.(*protocol.ErrorMsg)
		return fmt.Sprintf("%s\x00%s\x00%s\x00%s", h.Type, h.Widget, e.Request, e.Code)
	case protocol.TypePlot:
		return fmt.Sprintf("%s\x00%s\x00%s", h.Type, h.Widget, m.(*protocol.Plot).Name)
	case protocol.TypeExport:
		return fmt.Sprintf("%s\x00%s\x00%s", h.Type, h.Widget, m.(*protocol.Export).Filename)
	case protocol.TypeGradCheck:
		// A check of every parameter sends one a parameter: each is kept.
		c := m.(*protocol.GradCheck)
		return fmt.Sprintf("%s\x00%s\x00%s\x00%v", h.Type, h.Widget, c.Node, c.Final)
	}
	return h.Type + "\x00" + h.Widget
}
