package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sync"
	"time"

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
// with If-None-Match; in dev mode nothing is cached.
type staticFiles struct {
	fsys fs.FS
	dev  bool

	mu    sync.Mutex
	cache map[string]*staticFile
}

type staticFile struct {
	data []byte
	etag string
}

func newStaticFiles(fsys fs.FS, dev bool) *staticFiles {
	return &staticFiles{fsys: fsys, dev: dev, cache: map[string]*staticFile{}}
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
	if s.dev {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
	}
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(f.data))
	return nil
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
	if !s.dev {
		s.mu.Lock()
		s.cache[name] = f
		s.mu.Unlock()
	}
	return f, nil
}
