package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

// contentTypes fixes the types of the files we ship, rather than trusting
// the system's mime tables.
var contentTypes = map[string]string{
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
}

// staticFiles serves /static/... from a file system. Embedded files never
// change, so each gets an ETag from its content and browsers revalidate
// with If-None-Match; in dev mode nothing is cached. A text file is
// compressed once, with brotli and with gzip, the first time it is asked
// for, and each client gets the smallest encoding it accepts.
type staticFiles struct {
	fsys  fs.FS
	plain bool // do not compress
	dev   bool

	mu    sync.Mutex
	cache map[string]*staticFile
}

type staticFile struct {
	data []byte
	etag string
	// br and gz are data compressed with brotli and gzip, for text files;
	// nil for the others.
	br, gz []byte
}

func newStaticFiles(fsys fs.FS, plain, dev bool) *staticFiles {
	return &staticFiles{fsys: fsys, plain: plain, dev: dev, cache: map[string]*staticFile{}}
}

// serve answers GET /static/{name}.
func (s *staticFiles) serve(c echo.Context) error {
	name := c.Param("*")
	if !fs.ValidPath(name) || name == "." {
		return echo.ErrNotFound
	}
	f, err := s.load(name)
	if err != nil {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	ct := contentTypes[path.Ext(name)]
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(name))
	}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	data, etag := f.data, f.etag
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		switch accepts := c.Request().Header.Get("Accept-Encoding"); {
		case acceptsEncoding(accepts, "br"):
			data, etag = f.br, strings.TrimSuffix(etag, `"`)+`-br"`
			h.Set("Content-Encoding", "br")
		case acceptsEncoding(accepts, "gzip"):
			data, etag = f.gz, strings.TrimSuffix(etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	if s.dev {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag)
	}
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(data))
	return nil
}

// acceptsEncoding reports whether an Accept-Encoding header accepts
// encoding, with a q-value above 0.
func acceptsEncoding(header, encoding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), encoding) {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		return !ok || (q != "0" && q != "0.0" && q != "0.00" && q != "0.000")
	}
	return false
}

// compressible lists the extensions of the files worth compressing: text.
var compressible = []string{".css", ".js", ".svg", ".json", ".txt"}

// compress returns data compressed with brotli (at its best quality) and
// with gzip (at its best level): done once per file.
func compress(data []byte) (br, gz []byte) {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, brotli.BestCompression)
	w.Write(data)
	w.Close()
	br = slices.Clone(b.Bytes())
	b.Reset()
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return br, slices.Clone(b.Bytes())
}

// load reads a regular file, from the cache unless in dev mode.
func (s *staticFiles) load(name string) (*staticFile, error) {
	if !s.dev {
		s.mu.Lock()
		f := s.cache[name]
		s.mu.Unlock()
		if f != nil {
			return f, nil
		}
	}
	st, err := fs.Stat(s.fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	f := &staticFile{data: data, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	if !s.plain && slices.Contains(compressible, path.Ext(name)) {
		f.br, f.gz = compress(data)
	}
	if !s.dev {
		s.mu.Lock()
		s.cache[name] = f
		s.mu.Unlock()
	}
	return f, nil
}
