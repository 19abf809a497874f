package session

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"stepgraph/cmd/web/protocol"
)

// askExport sends an export request of w's graph and returns the link.
func (c *client) askExport(w string, id int64, what string) protocol.Export {
	c.t.Helper()
	c.request(protocol.Request{Type: protocol.TypeExport, Widget: w, ID: id, What: what})
	var x protocol.Export
	if m := c.expect(protocol.TypeExport, &x); m.ID != id {
		c.t.Fatalf("export answer to id %d, want %d", m.ID, id)
	}
	return x
}

// refusedDownload fetches a link that must be refused with status and
// code.
func (ts *testServer) refusedDownload(t *testing.T, x protocol.Export, status int, code protocol.Code) {
	t.Helper()
	var a protocol.UploadAnswer
	if err := json.Unmarshal(ts.download(t, x, status), &a); err != nil || a.Code != code || a.Error == "" {
		t.Errorf("GET %s: %+v %v, want code %s with a message", x.URL, a, err, code)
	}
}

// TestExportLinks checks the life of export links: a link is handed out
// at once and works once; a bad token, a link of a replaced widget or of a
// closed connection, and the oldest of too many links are refused with
// their codes; an address downloads at most MaxDownloadsPerIP at once.
func TestExportLinks(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.configure("w", 1, "mlp", nil)
	c.expect(protocol.TypeGraph, &protocol.Graph{})

	x := c.askExport("w", 2, protocol.ExportGraph)
	if len(x.URL) != len(protocol.ExportPath)+32 {
		t.Errorf("link %q, want %s and 32 hex digits", x.URL, protocol.ExportPath)
	}
	ts.download(t, x, http.StatusOK)
	ts.refusedDownload(t, x, http.StatusNotFound, protocol.CodeUnknownExport)
	ts.refusedDownload(t, protocol.Export{URL: protocol.ExportPath + "0123456789abcdef0123456789abcdef"}, http.StatusNotFound, protocol.CodeUnknownExport)

	// An export the widget cannot make is refused on the socket, at once.
	c.request(protocol.Request{Type: protocol.TypeExport, Widget: "w", ID: 3, What: protocol.ExportHeatmap, Node: "nope", Tensor: protocol.TensorValue})
	c.refused(3, protocol.CodeUnknownNode, 0)

	// The widget was replaced since the link was made.
	x = c.askExport("w", 4, protocol.ExportGraph)
	c.configure("w", 5, "mlp", map[string]string{"hidden": "4"})
	c.expect(protocol.TypeGraph, &protocol.Graph{})
	ts.refusedDownload(t, x, http.StatusGone, protocol.CodeUnknownWidget)

	// A newer link drops the oldest beyond MaxPendingExports.
	var links []protocol.Export
	for i := range protocol.MaxPendingExports + 1 {
		links = append(links, c.askExport("w", int64(10+i), protocol.ExportGraph))
	}
	ts.refusedDownload(t, links[0], http.StatusNotFound, protocol.CodeUnknownExport)
	ts.download(t, links[1], http.StatusOK)

	// An address that downloads MaxDownloadsPerIP files already. The
	// server may still be finishing the last download (its client has
	// read the body before the handler gave its slot back): the test
	// takes every slot, waiting for that one (bounded: 10 s).
	for taken, deadline := 0, time.Now().Add(10*time.Second); taken < protocol.MaxDownloadsPerIP; {
		if ts.m.enterDownload("127.0.0.1") {
			taken++
		} else if time.Now().After(deadline) {
			t.Fatalf("took %d of the address's %d download slots: the last download never gave its back", taken, protocol.MaxDownloadsPerIP)
		} else {
			time.Sleep(time.Millisecond)
		}
	}
	ts.refusedDownload(t, links[2], http.StatusTooManyRequests, protocol.CodeTooManyDownloads)
	for range protocol.MaxDownloadsPerIP {
		ts.m.leaveDownload("127.0.0.1")
	}
	ts.download(t, links[2], http.StatusOK) // the refusal came before the link was taken

	// The links of a closed connection.
	last := links[4]
	closeClient(t, ts, c, 0)
	ts.refusedDownload(t, last, http.StatusNotFound, protocol.CodeUnknownExport)
	ts.m.mu.Lock()
	n := len(ts.m.links)
	ts.m.mu.Unlock()
	if n != 0 {
		t.Errorf("%d links outlive their connection", n)
	}
}
