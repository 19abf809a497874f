package main

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"stepgraph/cmd/web/protocol"
)

// routes installs the middleware and the routes.
func (s *Server) routes() {
	e := s.Echo
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogRemoteIP: true, LogError: true,
		HandleError:   true, // the error handler decides the status before it is logged
		LogValuesFunc: s.logRequest,
	}))
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	e.Use(hostGuard(s.allowHosts))

	pages := []string{http.MethodGet, http.MethodHead}
	// The pages are rendered per request: they are gzipped as they go out.
	// The static files come compressed already, and the websocket has
	// permessage-deflate of its own.
	gz := middleware.GzipWithConfig(middleware.GzipConfig{
		Level: gzipLevel, MinLength: gzipMinLength, Skipper: func(echo.Context) bool { return !s.compress },
	})
	e.Match(pages, "/", s.index, gz)
	e.Match(pages, "/lessons/:slug", s.lesson, gz)
	e.Match(pages, "/lab", s.lab, gz)
	e.Match(pages, "/healthz", s.healthz)
	e.Match(pages, "/static/*", s.static.serve)
	e.GET("/ws", s.websocket)
	s.weights = newWeightsHandler(s.Sessions, s.log, s.trustProxy)
	e.POST(protocol.UploadPath, s.weights.upload)
	e.GET(protocol.ExportPath+":token", echo.WrapHandler(http.HandlerFunc(s.Sessions.ServeExport)), gz)
	// Anything else is echo's ErrNotFound (or ErrMethodNotAllowed), which
	// handleError turns into a friendly page.
}

// Compression of the pages: gzip's default level, which is within a few
// per cent of its best on our HTML at a fraction of the time, and nothing
// below about a packet, where gzip's overhead outweighs its gain.
const (
	gzipLevel     = 6
	gzipMinLength = 1400
)

// logRequest writes one log line per request: errors for server failures,
// debug for health checks, info for the rest.
func (s *Server) logRequest(c echo.Context, v middleware.RequestLoggerValues) error {
	level := slog.LevelInfo
	switch {
	case v.Status >= 500:
		level = slog.LevelError
	case v.URI == "/healthz":
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status),
		slog.Duration("latency", v.Latency), slog.String("remote_ip", v.RemoteIP),
	}
	if v.Error != nil {
		attrs = append(attrs, slog.String("err", v.Error.Error()))
	}
	s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
	return nil
}
