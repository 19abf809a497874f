package session

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

// Admission: what the connections of one server may hold together, by
// protocol.Admission's limits. A request over a limit is refused at once,
// never queued, with the limit's code and value and a message that says
// what to do. The counts are the manager's, under one lock: they change
// only when a connection opens or closes, a widget is configured or
// dropped, a model is resized, or a training loop starts or ends, never on
// a step.

// admission holds the server's counts.
type admission struct {
	mu      sync.Mutex
	limits  protocol.Admission
	conns   int
	byIP    map[string]*address
	widgets int   // every connection's widgets
	bytes   int64 // every connection's models, as estimated
}

// address holds the counts of one client address.
type address struct {
	conns, trainers int
}

// holds is one session's part of the counts. The admission's lock guards
// it.
type holds struct {
	ip       string
	trainers int
	bytes    int64
	models   map[string]int64 // the estimate reserved by each widget id
}

// over reports whether a count n, about to grow by one, has reached
// limit (0: no limit).
func over(n, limit int) bool { return limit > 0 && n >= limit }

// count formats n of a thing: "1 connection", "3 connections".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// mib formats bytes in MiB for a message.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// connect counts a new connection from ip, or refuses it: server_full
// when the server holds MaxConns, too_many_connections when ip holds
// MaxConnsPerIP. It returns the close code the refusal ends with.
func (a *admission) connect(ip string) (*holds, *protocol.Error, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if over(a.conns, a.limits.MaxConns) {
		return nil, protocol.Limited(protocol.CodeServerFull, int64(a.limits.MaxConns),
			"the server is full: it holds %s, its limit; try again in a minute", count(a.conns, "connection")), websocket.CloseTryAgainLater
	}
	ad := a.byIP[ip]
	if ad == nil {
		ad = &address{}
		a.byIP[ip] = ad
	}
	if over(ad.conns, a.limits.MaxConnsPerIP) {
		return nil, protocol.Limited(protocol.CodeTooManyConnections, int64(a.limits.MaxConnsPerIP),
			"your address holds %s to this server, its limit: close another tab or window of it", count(ad.conns, "connection")), websocket.ClosePolicyViolation
	}
	a.conns++
	ad.conns++
	return &holds{ip: ip, models: map[string]int64{}}, nil, 0
}

// disconnect returns everything h held: its connection, its models'
// estimates. Its widgets and trainers were released as they closed.
func (a *admission) disconnect(h *holds) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.conns--
	for _, n := range h.models {
		a.bytes -= n
	}
	h.models, h.bytes = map[string]int64{}, 0
	if ad := a.byIP[h.ip]; ad != nil {
		ad.conns--
		if ad.conns == 0 && ad.trainers == 0 {
			delete(a.byIP, h.ip)
		}
	}
}

// addWidget counts one more widget, or refuses it with server_full.
func (a *admission) addWidget() *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if over(a.widgets, a.limits.MaxServerWidgets) {
		return protocol.Limited(protocol.CodeServerFull, int64(a.limits.MaxServerWidgets),
			"the server is full: its connections hold %s, its limit; try again in a minute", count(a.widgets, "widget"))
	}
	a.widgets++
	return nil
}

// removeWidget counts one widget less.
func (a *admission) removeWidget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.widgets--
}

// reserve sets the estimate widget id of h holds to n bytes, or refuses:
// over_budget when h's models would pass MaxSessionBytes, server_full when
// the server's would pass MaxServerBytes. A refusal leaves the old
// estimate reserved.
func (a *admission) reserve(h *holds, id string, n int64) *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	grow := n - h.models[id]
	if lim := a.limits.MaxSessionBytes; grow > 0 && lim > 0 && h.bytes+grow > lim {
		return protocol.Limited(protocol.CodeOverBudget, lim,
			"this model needs about %s; the models of one connection may take %s, and this one's take %s already: choose smaller sizes, or remove a widget",
			mib(n), mib(lim), mib(h.bytes-h.models[id]))
	}
	if lim := a.limits.MaxServerBytes; grow > 0 && lim > 0 && a.bytes+grow > lim {
		return protocol.Limited(protocol.CodeServerFull, lim,
			"the server is full: its models take %s of its %s; try again in a minute, or choose a smaller model", mib(a.bytes), mib(lim))
	}
	h.models[id] = n
	h.bytes += grow
	a.bytes += grow
	return nil
}

// reserved returns the estimate widget id of h holds.
func (a *admission) reserved(h *holds, id string) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return h.models[id]
}

// release returns the estimate widget id of h holds.
func (a *admission) release(h *holds, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := h.models[id]
	delete(h.models, id)
	h.bytes -= n
	a.bytes -= n
}

// train counts a training loop of h, or refuses it with
// too_many_trainers. The release it returns may be called more than once.
func (a *admission) train(h *holds) (release func(), perr *protocol.Error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if over(h.trainers, a.limits.MaxTrainersPerConn) {
		return nil, protocol.Limited(protocol.CodeTooManyTrainers, int64(a.limits.MaxTrainersPerConn),
			"this page has %s training already, the most one connection may train at once: stop one first", count(h.trainers, "widget"))
	}
	ad := a.byIP[h.ip]
	if over(ad.trainers, a.limits.MaxTrainersPerIP) {
		return nil, protocol.Limited(protocol.CodeTooManyTrainers, int64(a.limits.MaxTrainersPerIP),
			"your address has %s training already, its limit: stop one first, or wait for one to finish", count(ad.trainers, "widget"))
	}
	h.trainers++
	ad.trainers++
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			h.trainers--
			ad.trainers--
			if ad.conns == 0 && ad.trainers == 0 {
				delete(a.byIP, h.ip)
			}
		})
	}, nil
}

// refuseConn answers a connection that admission refused: an error
// message with the refusal, then a close frame with code, then the socket
// is closed once the client has answered the close or closeWait has
// passed.
func refuseConn(conn *websocket.Conn, perr *protocol.Error, code int) {
	defer conn.Close()
	data, _ := json.Marshal(protocol.NewError(nil, perr))
	deadline := time.Now().Add(closeWait)
	conn.SetWriteDeadline(deadline)
	if conn.WriteMessage(websocket.TextMessage, data) != nil {
		return
	}
	reason := string(perr.Code) // a close reason has room for 123 bytes: the message went before
	if conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline) != nil {
		return
	}
	conn.SetReadLimit(maxMessageSize)
	conn.SetReadDeadline(deadline)
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return // the client's close frame, or the deadline
		}
	}
}
