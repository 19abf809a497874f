package main

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"stepgraph/templates"
)

// handleError answers every error a handler returns: a friendly page for
// 404 and for the rest, with the details of a server failure kept in the
// log rather than shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, message := http.StatusInternalServerError, "The server failed to answer this request. Please try again."
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code = he.Code
		if code < 500 {
			message = fmt.Sprint(he.Message)
		}
	}
	if code >= 500 {
		s.log.Error("request failed", "uri", c.Request().RequestURI, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(code)
		return
	}
	page := templates.ErrorPage(code, message)
	if code == http.StatusNotFound {
		page = templates.NotFound(c.Request().URL.Path)
	}
	if rerr := render(c, code, page); rerr != nil {
		s.log.Error("render error page", "err", rerr)
	}
}
