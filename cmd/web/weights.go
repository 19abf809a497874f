package main

import (
	"errors"
	"log/slog"
	"maps"
	"math"
	"mime"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/session"
	"stepgraph/engine"
	"stepgraph/engine/safetensors"
)

// Bounds of weight uploads, so that uploads cannot crowd out the rest of
// the server.
const (
	// maxUploads is how many uploads are read and parsed at once. A file
	// may take a few times protocol.MaxUploadBytes of memory while it is
	// parsed; the others wait for a slot. An upload takes a slot only once
	// its session token names an open connection, and one client address
	// holds at most protocol.MaxUploadsPerIP slots: so slow senders, with
	// made-up tokens or not, cannot keep the others' uploads out.
	maxUploads = 4
	// uploadReadWait bounds the time to receive one upload's body, so a
	// client that sends slowly cannot hold a slot for long. A file of the
	// largest lab model (under 2 MiB) arrives in it even at 1 Mbit/s.
	uploadReadWait = 60 * time.Second
)

// weightsHandler answers weight uploads: POST protocol.UploadPath with a
// .safetensors file as the body, loaded into a widget of an open
// connection. docs/protocol.md ("Weights upload") documents it.
type weightsHandler struct {
	sessions   *session.Manager
	log        *slog.Logger
	trustProxy bool          // for the same-origin check
	slots      chan struct{} // one token per upload being read and loaded

	mu   sync.Mutex
	byIP map[string]int // uploads of each client address being read
}

func newWeightsHandler(sessions *session.Manager, log *slog.Logger, trustProxy bool) *weightsHandler {
	return &weightsHandler{sessions: sessions, log: log, trustProxy: trustProxy, slots: make(chan struct{}, maxUploads), byIP: map[string]int{}}
}

// reading returns how many uploads of address ip are being read.
func (h *weightsHandler) reading(ip string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byIP[ip]
}

// uploadStatus is the HTTP status of each refusal.
var uploadStatus = map[protocol.Code]int{
	protocol.CodeMissingField:   http.StatusBadRequest,
	protocol.CodeBadFile:        http.StatusBadRequest,
	protocol.CodeCrossOrigin:    http.StatusForbidden,
	protocol.CodeUnknownSession: http.StatusNotFound,
	protocol.CodeUnknownWidget:  http.StatusNotFound,
	protocol.CodeBusy:           http.StatusConflict,
	protocol.CodeTooManyUploads: http.StatusTooManyRequests,
	protocol.CodeTooLarge:       http.StatusRequestEntityTooLarge,
	protocol.CodeBadMediaType:   http.StatusUnsupportedMediaType,
	protocol.CodeBadWeights:     http.StatusUnprocessableEntity,
	protocol.CodeUnsupported:    http.StatusUnprocessableEntity,
	protocol.CodeInternal:       http.StatusInternalServerError,
}

// upload checks the request (same origin, content type, size), reads the
// file, and hands its tensors to the session manager, which loads them
// into the widget. Every answer is JSON: protocol.UploadAnswer.
func (h *weightsHandler) upload(c echo.Context) error {
	req := c.Request()
	if !session.SameOrigin(req, h.trustProxy) {
		return h.refuse(c, protocol.Errorf(protocol.CodeCrossOrigin, "uploads come from the page's own origin, not from %s", req.Header.Get("Origin")))
	}
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != protocol.UploadMediaType {
		return h.refuse(c, protocol.Errorf(protocol.CodeBadMediaType, "send the file's bytes as %s, not %q", protocol.UploadMediaType, req.Header.Get("Content-Type")))
	}
	token, id := c.QueryParam("session"), c.QueryParam("widget")
	if token == "" || id == "" {
		return h.refuse(c, protocol.Errorf(protocol.CodeMissingField, "the address needs ?session=<hello's session>&widget=<widget id>"))
	}
	if req.ContentLength > protocol.MaxUploadBytes {
		return h.refuse(c, tooLarge())
	}
	if !h.sessions.Open(token) {
		return h.refuse(c, protocol.Errorf(protocol.CodeUnknownSession, "no open connection has this session token; reload the page"))
	}
	ip := session.ClientIP(req, h.trustProxy)
	if !h.enter(ip) {
		return h.refuse(c, protocol.Errorf(protocol.CodeTooManyUploads, "%d uploads from %s are being read already; send one at a time", protocol.MaxUploadsPerIP, ip))
	}
	defer h.leave(ip)
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	case <-req.Context().Done():
		return req.Context().Err()
	}
	// Without a deadline a slow sender could hold its slot for ever; the
	// server has no read timeout of its own because of the websockets. A
	// recorder in tests cannot take one, which is no harm.
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(uploadReadWait))
	// MaxBytesReader also tells the server to close the connection after
	// the answer, rather than read the rest of an oversized body.
	body := http.MaxBytesReader(c.Response().Writer, req.Body, protocol.MaxUploadBytes)
	tensors, _, err := safetensors.Read(body, protocol.MaxUploadBytes)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return h.refuse(c, tooLarge())
		}
		// The body is within bounds, so a header that claims more than an
		// upload may hold is a bad file: its first 8 bytes are not a
		// header length (a file of another format, say).
		if errors.Is(err, safetensors.ErrTooLarge) {
			h.log.Debug("weights upload: implausible header length", "err", err)
			return h.refuse(c, protocol.Errorf(protocol.CodeBadFile, "not a readable .safetensors file: its first 8 bytes, the header's length, claim more than the %d MiB an upload may hold", protocol.MaxUploadBytes>>20))
		}
		// safetensors says what is wrong: truncated, bad header, offsets,
		// shape or dtype.
		return h.refuse(c, protocol.Errorf(protocol.CodeBadFile, "not a readable .safetensors file: %v", err))
	}
	if perr := finite(tensors); perr != nil {
		return h.refuse(c, perr)
	}
	if perr := h.sessions.LoadWeights(token, id, tensors); perr != nil {
		return h.refuse(c, perr)
	}
	params := 0
	for _, t := range tensors {
		params += len(t.Data)
	}
	return c.JSON(http.StatusOK, protocol.UploadAnswer{OK: true, Tensors: len(tensors), Params: params})
}

func tooLarge() *protocol.Error {
	return protocol.Errorf(protocol.CodeTooLarge, "the file is larger than %d MiB", protocol.MaxUploadBytes>>20)
}

// refuse answers with the status of e's code and e as JSON.
func (h *weightsHandler) refuse(c echo.Context, e *protocol.Error) error {
	status, ok := uploadStatus[e.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	h.log.Debug("weights upload refused", "status", status, "code", e.Code, "err", e.Message)
	return c.JSON(status, protocol.UploadAnswer{Code: e.Code, Error: e.Message})
}

// enter counts one more upload from ip, unless it has
// protocol.MaxUploadsPerIP already.
func (h *weightsHandler) enter(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byIP[ip] >= protocol.MaxUploadsPerIP {
		return false
	}
	h.byIP[ip]++
	return true
}

// leave counts an upload from ip as done.
func (h *weightsHandler) leave(ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byIP[ip]--; h.byIP[ip] <= 0 {
		delete(h.byIP, ip)
	}
}

// finite refuses weights with a NaN or an infinity, naming the first
// tensor (in name order) that has one: training from them would only
// spread it.
func finite(tensors map[string]*engine.Tensor) *protocol.Error {
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		for i, v := range tensors[name].Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return protocol.Errorf(protocol.CodeBadWeights, "tensor %q holds %v at index %d: weights must be finite numbers", name, v, i)
			}
		}
	}
	return nil
}
