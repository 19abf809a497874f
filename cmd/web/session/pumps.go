package session

import (
	"errors"
	"io"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

const (
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
	// lingerWait and lingerBytes bound how long, and how much, the reader
	// drains after refusing an oversized frame.
	lingerWait  = 2 * time.Second
	lingerBytes = 4 << 20
)

// readPump reads frames until the connection fails or closes, and handles
// them in order. It runs on the HTTP handler's goroutine: at most one
// reader per connection.
func (s *session) readPump() {
	s.conn.SetReadLimit(maxMessageSize)
	s.conn.SetReadDeadline(time.Now().Add(pongWait))
	s.conn.SetPongHandler(func(string) error {
		return s.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		kind, data, err := s.conn.ReadMessage()
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
		s.handle(kind, data)
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
	for {
		select {
		case <-s.out.ready:
			batch, over := s.out.take()
			for _, data := range batch {
				s.conn.SetWriteDeadline(time.Now().Add(writeWait))
				if err := s.conn.WriteMessage(websocket.TextMessage, data); err != nil {
					return
				}
			}
			if over {
				s.writeClose(websocket.CloseTryAgainLater, "client too slow")
				return
			}
		case <-ticker.C:
			s.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := s.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-s.ctx.Done():
			s.writeClose(websocket.CloseGoingAway, "server closing")
			return
		}
	}
}

// writeClose sends a close frame; errors are ignored because the
// connection is being torn down anyway.
func (s *session) writeClose(code int, reason string) {
	s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeWait))
}
