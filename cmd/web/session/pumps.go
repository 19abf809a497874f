package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

const (
	// compressFrom is the size from which a message is deflated, when
	// the client negotiated permessage-deflate. A step's message (2.5 KB
	// at the default lab) would shrink by about 1.7 KB, but deflate's
	// Huffman tables, built for every message, took about 40% of the
	// server's time under a class's load (docs/perf.md). Graphs, large
	// models' views and the first messages of a page are larger, and are
	// deflated.
	compressFrom = 8192

	// writeWait is the time allowed to write one message to the client.
	writeWait = 10 * time.Second
	// pongWait is the time allowed to read the next pong from the client.
	pongWait = 60 * time.Second
	// pingPeriod is how often the writer pings. It must be less than
	// pongWait, so that a live client always answers in time.
	pingPeriod = pongWait * 9 / 10
	// maxMessageSize is the largest frame read from the client; a larger
	// one closes the connection with status 1009.
	maxMessageSize = protocol.MaxMessageBytes
	// closeWait bounds the time to send the close frame, so that a client
	// that does not read cannot hold the end of its session, or of the
	// server's shutdown.
	closeWait = 250 * time.Millisecond
	// lingerWait and lingerBytes bound how long, and how much, the reader
	// drains after refusing an oversized frame.
	lingerWait  = 2 * time.Second
	lingerBytes = 4 << 20
)

// readPump reads frames until the connection fails or closes, and hands
// them to take: the worker answers the valid requests in order. It runs on the HTTP
// handler's goroutine: at most one reader per connection. It never waits
// for work, so pongs are read, and the read deadline renewed, however busy
// the server is.
func (s *session) readPump() {
	s.conn.SetReadLimit(maxMessageSize)
	s.conn.SetReadDeadline(time.Now().Add(pongWait))
	s.conn.SetPongHandler(func(string) error {
		return s.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		kind, data, err := s.conn.ReadMessage()
		if err == nil {
			// Any frame shows the client is alive, not only a pong.
			s.conn.SetReadDeadline(time.Now().Add(pongWait))
		}
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			s.closeWith(websocket.ClosePolicyViolation, fmt.Sprintf("no answer to pings for %v", pongWait))
			return
		}
		if errors.Is(err, websocket.ErrReadLimit) {
			// gorilla has sent the 1009 close frame. The rest of the big
			// frame is still arriving: read and drop it for a moment, so
			// that closing the socket with unread data does not reset the
			// connection before the client reads the close frame.
			s.conn.NetConn().SetReadDeadline(time.Now().Add(lingerWait))
			io.Copy(io.Discard, io.LimitReader(s.conn.NetConn(), lingerBytes))
			return
		}
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
				s.log.Debug("websocket read ended", "err", err)
			}
			return
		}
		if kind == websocket.TextMessage && !utf8.Valid(data) {
			// RFC 6455: a text frame must be UTF-8; the endpoint closes
			// with 1007 (invalid frame payload data).
			s.closeWith(websocket.CloseInvalidFramePayloadData, "a text frame must be valid UTF-8")
			return
		}
		s.take(kind, data)
	}
}

// writePump sends queued messages and pings. It is the only writer of data
// frames on the connection. It closes the connection when it returns, which
// ends the reader too.
func (s *session) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		s.conn.Close()
	}()
	// Once the session ends, the writer has closeWait to finish a write in
	// progress and send the close frame; then the socket is closed under
	// it, so that a client that stopped reading cannot hold the session
	// (or the server's shutdown) for writeWait.
	stop := context.AfterFunc(s.ctx, func() { time.AfterFunc(2*closeWait, func() { s.conn.NetConn().Close() }) })
	defer stop()
	for {
		select {
		case <-s.out.ready:
			batch, over := s.out.take()
			if over {
				s.closeWith(websocket.ClosePolicyViolation, fmt.Sprintf("the client reads too slowly: more than %d messages or %d MiB wait for it", protocol.MaxQueuedMessages, protocol.MaxQueuedBytes>>20))
			}
			for _, data := range batch {
				if s.ctx.Err() != nil {
					break
				}
				s.writeDeadline(writeWait)
				// Deflate (when negotiated) only what is worth it.
				s.conn.EnableWriteCompression(len(data) >= compressFrom)
				if err := s.conn.WriteMessage(websocket.TextMessage, data); err != nil {
					return
				}
				s.out.sent(len(data))
				protocol.Recycle(data) // written: the next step's message may reuse it
			}
		case <-ticker.C:
			s.writeDeadline(writeWait)
			if err := s.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-s.ctx.Done():
			if code, reason := s.closeReason(); code != 0 {
				s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeWait))
			}
			return
		}
	}
}

// writeDeadline sets the deadline of the next write: wait from now, or
// closeWait once the session has ended, whichever is sooner. Only the
// writer calls it.
func (s *session) writeDeadline(wait time.Duration) {
	if s.ctx.Err() != nil {
		wait = min(wait, closeWait)
	}
	s.conn.SetWriteDeadline(time.Now().Add(wait))
}

// closeWith ends the session and says why: the writer sends code and
// reason in the close frame. The first reason given wins.
func (s *session) closeWith(code int, reason string) {
	s.closeMu.Lock()
	if s.closeCode == 0 {
		s.closeCode, s.closeText = code, reason
	}
	s.closeMu.Unlock()
	s.cancel()
}

// closeReason returns the close frame the session ends with: the reason
// it was given, else 1001 when the server shuts down, else none (the
// client closed, or its connection failed).
func (s *session) closeReason() (int, string) {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	switch {
	case s.closeCode != 0:
		return s.closeCode, s.closeText
	case s.m.ctx.Err() != nil:
		return websocket.CloseGoingAway, "server shutting down"
	}
	return 0, ""
}
