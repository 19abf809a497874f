package main

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"stepgraph/templates"
)

// index shows every lesson, grouped by section.
func (s *Server) index(c echo.Context) error {
	ls, err := s.lessons.all()
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, templates.Index(sectionViews(ls)))
}

// lesson shows one lesson, or the 404 page.
func (s *Server) lesson(c echo.Context) error {
	l, i, err := s.lessons.find(c.Param("slug"))
	if err != nil {
		return err
	}
	if l == nil {
		return echo.ErrNotFound
	}
	return render(c, http.StatusOK, templates.LessonPage(lessonView(l, i)))
}

// lab shows the lab page.
func (s *Server) lab(c echo.Context) error {
	return render(c, http.StatusOK, templates.LabPage(labForm))
}

// health is the body of /healthz.
type health struct {
	Status   string `json:"status"`
	Lessons  int    `json:"lessons"`
	Sessions int    `json:"sessions"`
}

// healthz reports that the server is up, with a few numbers.
func (s *Server) healthz(c echo.Context) error {
	ls, err := s.lessons.all()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, health{Status: "ok", Lessons: len(ls), Sessions: s.Sessions.Active()})
}

// websocket hands the connection to the session manager; it returns when
// the page goes away.
func (s *Server) websocket(c echo.Context) error {
	s.Sessions.ServeHTTP(c.Response(), c.Request())
	return nil
}
