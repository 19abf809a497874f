package session

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// Export links. An export request is answered with a link, not the file:
// the session checks the request and names the file at once, and makes it
// when the page fetches the link over HTTP (GET protocol.ExportPath +
// token), from the widget as it is then. A file of several MiB (the
// largest lab's trace is 27 MB) thus never waits in the socket's queue,
// and takes the server's memory only while it is sent. A link works once,
// within protocol.ExportLinkSeconds, and only while its connection is
// open; a connection holds at most protocol.MaxPendingExports of them.

// exportLinkWait is how long a link waits to be fetched.
const exportLinkWait = protocol.ExportLinkSeconds * time.Second

// exportWriteWait bounds the time to send one file, so that a client that
// stops reading cannot hold its download slot, and the file's memory.
const exportWriteWait = 60 * time.Second

// link is one export link waiting to be fetched.
type link struct {
	s       *session
	entry   *entry // the widget the request named, as it was then
	req     *protocol.Request
	expires time.Time
}

// offerExport answers an export request with a link. The caller holds
// s.mu.
func (s *session) offerExport(req *protocol.Request, e *entry) *protocol.Error {
	ex, ok := e.w.(widget.Exporter)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget exports no files", e.kind)
	}
	var name, mimeType string
	var perr *protocol.Error
	if _, failed := s.onPool(pool.Interactive, func() { name, mimeType, perr = ex.ExportName(req) }); failed {
		return protocol.Errorf(protocol.CodeInternal, "export failed")
	}
	if perr != nil {
		return perr
	}
	token := newToken()
	s.m.addLink(token, &link{s: s, entry: e, req: req, expires: time.Now().Add(exportLinkWait)})
	s.send(&protocol.Export{
		Header:   protocol.Header{Type: protocol.TypeExport, Widget: req.Widget, ID: req.ID},
		Filename: name, MIME: mimeType, URL: protocol.ExportPath + token,
	})
	return nil
}

// addLink keeps l under token, dropping the oldest link of its session
// beyond MaxPendingExports.
func (m *Manager) addLink(token string, l *link) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l.s.links = append(l.s.links, token)
	if len(l.s.links) > protocol.MaxPendingExports {
		delete(m.links, l.s.links[0])
		l.s.links = l.s.links[1:]
	}
	m.links[token] = l
}

// takeLink removes and returns the link of token, or nil if there is none
// or it has expired.
func (m *Manager) takeLink(token string) *link {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.links[token]
	if l == nil {
		return nil
	}
	delete(m.links, token)
	for i, t := range l.s.links {
		if t == token {
			l.s.links = append(l.s.links[:i], l.s.links[i+1:]...)
			break
		}
	}
	if time.Now().After(l.expires) {
		return nil
	}
	return l
}

// forgetLinks drops the links of s, when its connection ends. The caller
// holds m.mu.
func (m *Manager) forgetLinks(s *session) {
	for _, t := range s.links {
		delete(m.links, t)
	}
	s.links = nil
}

// enterDownload takes one of ip's download slots, or reports that it holds
// MaxDownloadsPerIP.
func (m *Manager) enterDownload(ip string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.downloading[ip] >= protocol.MaxDownloadsPerIP {
		return false
	}
	m.downloading[ip]++
	return true
}

func (m *Manager) leaveDownload(ip string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.downloading[ip]--; m.downloading[ip] <= 0 {
		delete(m.downloading, ip)
	}
}

// exportStatus is the HTTP status of each refusal of a download.
var exportStatus = map[protocol.Code]int{
	protocol.CodeUnknownExport:    http.StatusNotFound,
	protocol.CodeUnknownWidget:    http.StatusGone,
	protocol.CodeTooManyDownloads: http.StatusTooManyRequests,
	protocol.CodeUnknownNode:      http.StatusGone,
	protocol.CodeBadField:         http.StatusGone,
	protocol.CodeUnsupported:      http.StatusGone,
	protocol.CodeInternal:         http.StatusInternalServerError,
}

// ServeExport answers GET protocol.ExportPath + token with the file of the
// link, or a JSON error (protocol.UploadAnswer's form).
func (m *Manager) ServeExport(w http.ResponseWriter, r *http.Request) {
	ip := ClientIP(r, m.opts.TrustProxy)
	if !m.enterDownload(ip) {
		refuseDownload(w, protocol.Errorf(protocol.CodeTooManyDownloads, "%d files are on their way to your address already; wait for them", protocol.MaxDownloadsPerIP))
		return
	}
	defer m.leaveDownload(ip)
	l := m.takeLink(strings.TrimPrefix(r.URL.Path, protocol.ExportPath))
	if l == nil {
		refuseDownload(w, protocol.Errorf(protocol.CodeUnknownExport, "this export link has been used, has expired (after %d s) or belonged to a closed page; export the file again", protocol.ExportLinkSeconds))
		return
	}
	f, perr := l.s.makeExport(l)
	if perr != nil {
		refuseDownload(w, perr)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.MIME)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Cache-Control", "no-store")
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(exportWriteWait))
	w.Write(f.Data)
}

// makeExport makes the file of l, in its turn with the connection's
// requests, on the pool's heavy lane.
func (s *session) makeExport(l *link) (*widget.File, *protocol.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.widgets[l.req.Widget] != l.entry {
		return nil, protocol.Errorf(protocol.CodeUnknownWidget, "widget %q was replaced or removed since the export; export the file again", l.req.Widget)
	}
	var f *widget.File
	var perr *protocol.Error
	ran, failed := s.onPool(pool.Heavy, func() { f, perr = l.entry.w.(widget.Exporter).Export(l.req) })
	switch {
	case failed:
		return nil, protocol.Errorf(protocol.CodeInternal, "making the file failed")
	case !ran:
		return nil, protocol.Errorf(protocol.CodeUnknownExport, "the page closed before the file was made")
	}
	return f, perr
}

// refuseDownload writes a refusal as JSON with its HTTP status.
func refuseDownload(w http.ResponseWriter, perr *protocol.Error) {
	status, ok := exportStatus[perr.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(protocol.UploadAnswer{Error: perr.Message, Code: perr.Code})
}
