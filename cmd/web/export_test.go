package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// TestExportDownload fetches a lab's trace through the app's route, as a
// browser that accepts gzip does: the file comes gzipped, as an
// attachment with the export message's name, and reads back as the trace
// of every node; the link then stops working.
func TestExportDownload(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	c := dialApp(t, hs)
	c.runLab("lab", nil)
	c.send(protocol.Request{Type: protocol.TypeExport, Widget: "lab", What: protocol.ExportTrace})
	var x protocol.Export
	c.expect("lab", protocol.TypeExport, &x)

	req, _ := http.NewRequest(http.MethodGet, hs.URL+x.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %s, encoding %q, type %q; want 200 gzipped JSON", x.URL, res.Status, res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Format string
		Nodes  []json.RawMessage
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.Format != "stepgraph-trace-1" || len(tr.Nodes) == 0 {
		t.Fatalf("the download is not a trace: %v %.100s", err, body)
	}
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotFound {
		t.Errorf("a second GET of the link: %s, want 404", again.Status)
	}
}
