package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/safetensors"
)

// wsReadTimeout bounds the wait for one websocket message, so that a bug
// fails the test instead of hanging it; a working server answers long
// before.
const wsReadTimeout = 60 * time.Second

// wsClient is a test's connection to the app's websocket.
type wsClient struct {
	t     *testing.T
	base  string // the app's address, http://host:port
	conn  *websocket.Conn
	hello protocol.Hello
	next  int64 // the next request id
}

// dialApp connects to the app behind hs with the page's own origin and
// reads the hello message.
func dialApp(t *testing.T, hs *httptest.Server) *wsClient {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", http.Header{"Origin": {hs.URL}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, base: hs.URL, conn: conn, next: 1}
	if m := c.read(); m.Type != protocol.TypeHello {
		t.Fatalf("first message type = %q, want hello", m.Type)
	} else {
		c.decode(m.raw, &c.hello)
	}
	return c
}

// wsMsg is one server message: its header and its JSON.
type wsMsg struct {
	protocol.Header
	raw []byte
}

func (c *wsClient) read() wsMsg {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wsReadTimeout))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m wsMsg
	c.decode(data, &m.Header)
	m.raw = data
	return m
}

func (c *wsClient) decode(data []byte, v any) {
	c.t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
}

// send sends req with a new id and returns the id.
func (c *wsClient) send(req protocol.Request) int64 {
	c.t.Helper()
	req.ID = c.next
	c.next++
	b, err := protocol.Encode(&req)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
	return req.ID
}

// expect reads until a message of type typ for widget arrives and decodes
// it into v. An error message on the way fails the test.
func (c *wsClient) expect(widget, typ string, v any) {
	c.t.Helper()
	for {
		m := c.read()
		if m.Type == protocol.TypeError {
			c.t.Fatalf("got error %s while waiting for %s", m.raw, typ)
		}
		if m.Type == typ && m.Widget == widget {
			c.decode(m.raw, v)
			return
		}
	}
}

// shownNode is what a node message shows: the cursor and the highlighted
// node with its value and gradient, as JSON.
type shownNode struct {
	Step protocol.Cursor `json:"step"`
	Node json.RawMessage `json:"node"`
}

// runLab configures a lab widget with opts, runs it to the end of its
// backward pass, and returns the node message that shows the last node.
func (c *wsClient) runLab(widget string, opts map[string]string) shownNode {
	c.t.Helper()
	c.send(protocol.Request{Type: protocol.TypeConfigure, Widget: widget, Kind: "lab", Options: opts})
	var m protocol.LabMetrics
	c.expect(widget, protocol.TypeMetrics, &m) // the last answer to configure
	return c.request(widget, protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd})
}

// request sends req to widget and returns its node answer.
func (c *wsClient) request(widget string, req protocol.Request) shownNode {
	c.t.Helper()
	req.Widget = widget
	id := c.send(req)
	for {
		var n shownNode
		m := c.read()
		if m.Type == protocol.TypeError {
			c.t.Fatalf("got error %s while waiting for the node answer to %s", m.raw, req.Type)
		}
		if m.Type == protocol.TypeNode && m.ID == id {
			c.decode(m.raw, &n)
			return n
		}
	}
}

// weights asks widget for its weights file and returns its bytes.
func (c *wsClient) weights(widget string) []byte {
	c.t.Helper()
	c.send(protocol.Request{Type: protocol.TypeExport, Widget: widget, What: protocol.ExportWeights})
	var ex protocol.Export
	c.expect(widget, protocol.TypeExport, &ex)
	res, err := http.Get(c.base + ex.URL)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %s %s %v", ex.URL, res.Status, b, err)
	}
	return b
}

// upload is one weights upload: its address, headers and body.
type upload struct {
	session, widget string
	origin          string    // "" for none
	ctype           string    // Content-Type
	body            io.Reader // sent chunked unless it is a *bytes.Reader
	length          int64     // Content-Length to claim; 0 for the body's own
}

// post sends u to hs and returns the status and the decoded JSON answer.
func post(t *testing.T, hs *httptest.Server, u upload) (int, protocol.UploadAnswer) {
	t.Helper()
	status, a, err := tryPost(hs, u)
	if err != nil {
		t.Fatal(err)
	}
	return status, a
}

// tryPost is post for a goroutine other than the test's: it returns the
// error rather than ending the test.
func tryPost(hs *httptest.Server, u upload) (int, protocol.UploadAnswer, error) {
	var a protocol.UploadAnswer
	url := fmt.Sprintf("%s%s?session=%s&widget=%s", hs.URL, protocol.UploadPath, u.session, u.widget)
	req, err := http.NewRequest(http.MethodPost, url, u.body)
	if err != nil {
		return 0, a, err
	}
	if u.length != 0 {
		req.ContentLength = u.length
	}
	req.Header.Set("Content-Type", u.ctype)
	if u.origin != "" {
		req.Header.Set("Origin", u.origin)
	}
	res, err := hs.Client().Do(req)
	if err != nil {
		return 0, a, fmt.Errorf("POST %s: %w", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, a, fmt.Errorf("POST %s: read the answer: %w", url, err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return 0, a, fmt.Errorf("POST %s answered %d with Content-Type %q, want JSON: %s", url, res.StatusCode, ct, body)
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, a, fmt.Errorf("POST %s: the answer %s is not JSON: %w", url, body, err)
	}
	return res.StatusCode, a, nil
}

// okUpload is a same-origin upload of file to widget of session.
func okUpload(hs *httptest.Server, session, widget string, file []byte) upload {
	return upload{session: session, widget: widget, origin: hs.URL, ctype: protocol.UploadMediaType, body: bytes.NewReader(file)}
}

// readWeights reads a weights file.
func readWeights(t *testing.T, file []byte) map[string]*engine.Tensor {
	t.Helper()
	ts, _, err := safetensors.Read(bytes.NewReader(file), 0)
	if err != nil {
		t.Fatalf("read weights: %v", err)
	}
	return ts
}

// sameTensors reports the first difference between two sets of tensors,
// or "" when they hold the same names, shapes and numbers. The numbers
// are compared exactly: both sides are read from the lab's float32 files,
// and a float32 value survives the trip into the lab and out again bit
// for bit.
func sameTensors(got, want map[string]*engine.Tensor) string {
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		return fmt.Sprintf("names %v, want %v", g, w)
	}
	for name, w := range want {
		g := got[name]
		if !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
			return fmt.Sprintf("%s = %v %v, want %v %v", name, g.Shape, g.Data, w.Shape, w.Data)
		}
	}
	return ""
}

// rewrite writes tensors again as a file, after edit changes them; order
// is the names in the file's order.
func rewrite(t *testing.T, tensors map[string]*engine.Tensor, edit func(map[string]*engine.Tensor)) []byte {
	t.Helper()
	ts := maps.Clone(tensors)
	edit(ts)
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, ts, slices.Sorted(maps.Keys(ts)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// oversized returns a body of exactly n bytes that starts like a valid
// file: a header for one float32 tensor that fills the rest with zeros.
// The zeros are streamed, never held in memory.
func oversized(t *testing.T, n int64) io.Reader {
	t.Helper()
	// The header's length depends on the tensor's size, which depends on
	// the header's length: pad the header to a fixed width.
	const width = 128
	data := n - 8 - width
	if data%4 != 0 {
		t.Fatalf("oversized(%d): %d data bytes is not a whole number of float32", n, data)
	}
	header := fmt.Sprintf(`{"x":{"dtype":"F32","shape":[%d],"data_offsets":[0,%d]}}`, data/4, data)
	header += strings.Repeat(" ", width-len(header))
	prefix := binary.LittleEndian.AppendUint64(nil, width)
	prefix = append(prefix, header...)
	return io.MultiReader(bytes.NewReader(prefix), io.LimitReader(zeros{}, data))
}

// TestUploadWeights loads a lab's weights over HTTP into another lab on
// another connection: the node the page shows then equals the other lab's,
// and its export reads back as the uploaded file. Then every bad upload is
// refused with its status and a JSON reason, and changes nothing: the
// weights stay, and both connections keep answering.
func TestUploadWeights(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()

	a, b := dialApp(t, hs), dialApp(t, hs)
	hexToken := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, c := range []*wsClient{a, b} {
		if !hexToken.MatchString(c.hello.Session) {
			t.Fatalf("hello session = %q, want 32 hex digits", c.hello.Session)
		}
	}
	if a.hello.Session == b.hello.Session {
		t.Fatalf("two connections share the session token %q", a.hello.Session)
	}

	// Two labs that differ only in the seed of their weights; both step
	// the same input, so equal weights give equal nodes.
	opts := func(seed string) map[string]string { return map[string]string{"seed": seed, "tokens": "cab"} }
	before := a.runLab("lab", opts("1"))
	other := b.runLab("lab", opts("2"))
	if bytes.Equal(before.Node, other.Node) {
		t.Fatalf("seeds 1 and 2 show the same node %s: the test could not tell the weights apart", before.Node)
	}
	file := b.weights("lab")
	want := readWeights(t, file)

	status, ans := post(t, hs, okUpload(hs, a.hello.Session, "lab", file))
	params := 0
	for _, w := range want {
		params += len(w.Data)
	}
	if status != http.StatusOK || !ans.OK || ans.Tensors != len(want) || ans.Params != params {
		t.Fatalf("upload = %d %+v, want 200 ok with %d tensors and %d parameters", status, ans, len(want), params)
	}
	var after shownNode
	a.expect("lab", protocol.TypeNode, &after)
	if !reflect.DeepEqual(after.Step, other.Step) || !bytes.Equal(after.Node, other.Node) {
		t.Errorf("after the upload the lab shows %+v %s, want the other lab's %+v %s", after.Step, after.Node, other.Step, other.Node)
	}
	if d := sameTensors(readWeights(t, a.weights("lab")), want); d != "" {
		t.Errorf("the lab's weights after the upload: %s", d)
	}

	// A mlp widget takes no weights; a bigger lab trains long enough to
	// be busy when its upload arrives.
	a.send(protocol.Request{Type: protocol.TypeConfigure, Widget: "mlp", Kind: "mlp"})
	var g protocol.Graph
	a.expect("mlp", protocol.TypeGraph, &g)
	big := map[string]string{"layers": "4", "d": "64", "dff": "256"}
	a.runLab("busy", big)
	busyFile := a.weights("busy")

	bad := func(edit func(map[string]*engine.Tensor)) []byte { return rewrite(t, want, edit) }
	// raw is a file of a header's length, the header and the data.
	raw := func(n uint64, header, data string) []byte {
		return append(append(binary.LittleEndian.AppendUint64(nil, n), header...), data...)
	}
	const oneTensor = `{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	const limit = protocol.MaxUploadBytes
	cases := []struct {
		name   string
		u      upload
		status int
		code   protocol.Code
		says   string // in the message
	}{
		{"truncated file", okUpload(hs, a.hello.Session, "lab", file[:len(file)/2]), 400, protocol.CodeBadFile, "truncated"},
		{"empty file", okUpload(hs, a.hello.Session, "lab", nil), 400, protocol.CodeBadFile, "truncated"},
		{"garbage header", okUpload(hs, a.hello.Session, "lab", raw(12, "not a header", "")), 400, protocol.CodeBadFile, "bad header"},
		{"header length too large", okUpload(hs, a.hello.Session, "lab", raw(1<<40, "{}", "")), 400, protocol.CodeBadFile, "the header's length"},
		{"data shorter than the offsets", okUpload(hs, a.hello.Session, "lab", raw(uint64(len(oneTensor)), oneTensor, "1234")), 400, protocol.CodeBadFile, "truncated"},
		{"data after the last tensor", okUpload(hs, a.hello.Session, "lab", raw(uint64(len(oneTensor)), oneTensor, "123456789")), 400, protocol.CodeBadFile, "bad data offsets"},
		{"a shape that does not fit its bytes", okUpload(hs, a.hello.Session, "lab", raw(uint64(len(oneTensor)), strings.Replace(oneTensor, "[2]", "[3]", 1), "12345678")), 400, protocol.CodeBadFile, "shape"},
		{"oversized, with its length", upload{a.hello.Session, "lab", hs.URL, protocol.UploadMediaType, oversized(t, limit+4), limit + 4}, 413, protocol.CodeTooLarge, "16 MiB"},
		{"oversized, chunked", upload{a.hello.Session, "lab", hs.URL, protocol.UploadMediaType, oversized(t, limit+4), 0}, 413, protocol.CodeTooLarge, "16 MiB"},
		{"unknown session", okUpload(hs, strings.Repeat("0", 32), "lab", file), 404, protocol.CodeUnknownSession, "session"},
		{"no session", okUpload(hs, "", "lab", file), 400, protocol.CodeMissingField, "session"},
		{"unknown widget", okUpload(hs, a.hello.Session, "nope", file), 404, protocol.CodeUnknownWidget, `"nope"`},
		{"widget of another connection", okUpload(hs, b.hello.Session, "mlp", file), 404, protocol.CodeUnknownWidget, `"mlp"`},
		{"a mlp widget", okUpload(hs, a.hello.Session, "mlp", file), 422, protocol.CodeUnsupported, "mlp"},
		{"wrong tensor name", okUpload(hs, a.hello.Session, "lab", bad(func(ts map[string]*engine.Tensor) {
			ts["head.bias"] = ts["head.b"]
			delete(ts, "head.b")
		})), 422, protocol.CodeBadWeights, `unknown parameter "head.bias"`},
		{"missing tensor", okUpload(hs, a.hello.Session, "lab", bad(func(ts map[string]*engine.Tensor) { delete(ts, "layers.0.attn.wq") })), 422, protocol.CodeBadWeights, `missing parameter "layers.0.attn.wq"`},
		{"wrong shape", okUpload(hs, a.hello.Session, "lab", bad(func(ts map[string]*engine.Tensor) { ts["head.b"] = engine.New(9) })), 422, protocol.CodeBadWeights, `"head.b" has shape [9]`},
		{"another model's file", okUpload(hs, a.hello.Session, "lab", busyFile), 422, protocol.CodeBadWeights, "does not fit this model"},
		{"cross-origin", upload{a.hello.Session, "lab", "http://evil.example", protocol.UploadMediaType, bytes.NewReader(file), 0}, 403, protocol.CodeCrossOrigin, "evil.example"},
		{"origin null", upload{a.hello.Session, "lab", "null", protocol.UploadMediaType, bytes.NewReader(file), 0}, 403, protocol.CodeCrossOrigin, "origin"},
		{"form content type", upload{a.hello.Session, "lab", hs.URL, "multipart/form-data; boundary=x", bytes.NewReader(file), 0}, 415, protocol.CodeBadMediaType, protocol.UploadMediaType},
	}
	for _, c := range cases {
		status, ans := post(t, hs, c.u)
		if status != c.status || ans.OK || ans.Code != c.code || !strings.Contains(ans.Error, c.says) {
			t.Errorf("%s: upload = %d %+v, want %d %s saying %q", c.name, status, ans, c.status, c.code, c.says)
		}
	}
	// Metrics that say "running" show the loop has started; one train
	// start runs 3000 steps of this model, tens of milliseconds each, so
	// it still runs when the upload comes.
	a.send(protocol.Request{Type: protocol.TypeTrain, Widget: "busy", Action: protocol.TrainStart})
	for running := false; !running; {
		var m protocol.LabMetrics
		a.expect("busy", protocol.TypeMetrics, &m)
		running = m.Running
	}
	if status, ans := post(t, hs, okUpload(hs, a.hello.Session, "busy", busyFile)); status != http.StatusConflict || ans.Code != protocol.CodeBusy || !strings.Contains(ans.Error, "training") {
		t.Errorf("upload to a training lab = %d %+v, want 409 %s saying it trains", status, ans, protocol.CodeBusy)
	}
	a.send(protocol.Request{Type: protocol.TypeTrain, Widget: "busy", Action: protocol.TrainStop})

	// Nothing changed, and both connections answer.
	if d := sameTensors(readWeights(t, a.weights("lab")), want); d != "" {
		t.Errorf("the lab's weights after the refused uploads: %s", d)
	}
	for name, c := range map[string]*wsClient{"the uploading connection": a, "the other connection": b} {
		if n := c.request("lab", protocol.Request{Type: protocol.TypeReset}); n.Step.Index != 0 {
			t.Errorf("%s: reset answers a cursor at %d, want 0", name, n.Step.Index)
		}
		if n := c.request("lab", protocol.Request{Type: protocol.TypeStep, Dir: protocol.DirForward, Count: 1}); n.Step.Index != 1 {
			t.Errorf("%s: a step answers a cursor at %d, want 1", name, n.Step.Index)
		}
	}

	// A token lives as long as its connection.
	a.conn.Close()
	b.conn.Close()
	s.Sessions.Wait()
	if status, ans := post(t, hs, okUpload(hs, a.hello.Session, "lab", file)); status != 404 || ans.Code != protocol.CodeUnknownSession {
		t.Errorf("upload to a closed connection = %d %+v, want 404 %s", status, ans, protocol.CodeUnknownSession)
	}
}

// TestUploadWhileStepping uploads weights while the same connection steps
// its lab: under the race detector this checks that uploads and socket
// requests take turns, and every step and every upload is answered.
func TestUploadWhileStepping(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	c := dialApp(t, hs)
	c.runLab("lab", nil)
	file := c.weights("lab")

	const steps, uploads = 30, 5
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range uploads {
			if status, ans, err := tryPost(hs, okUpload(hs, c.hello.Session, "lab", file)); err != nil || status != http.StatusOK {
				t.Errorf("upload while stepping = %d %+v %v, want 200", status, ans, err)
			}
		}
	}()
	for range steps {
		c.send(protocol.Request{Type: protocol.TypeBack, Widget: "lab", Count: 1})
	}
	// An upload's node message may replace the answer to a step that was
	// not sent yet (coalescing), so the last request waits for the
	// uploads.
	wg.Wait()
	last := c.request("lab", protocol.Request{Type: protocol.TypeReset})
	if last.Step.Index != 0 {
		t.Errorf("reset after the steps answers a cursor at %d, want 0", last.Step.Index)
	}
	if d := sameTensors(readWeights(t, c.weights("lab")), readWeights(t, file)); d != "" {
		t.Errorf("weights after uploading the lab's own file: %s", d)
	}
}
