// Package session serves Stepgraph's websocket: one connection per page, on
// which the page's widgets are multiplexed by widget id.
//
// Each connection follows the gorilla chat example: one reader goroutine
// (the HTTP handler's own) decodes requests and answers them one at a time,
// and one writer goroutine sends what the outbox holds, pings the client,
// and sets a write deadline before every write. Heavy work (building a
// graph, stepping it, training) runs on a worker pool shared by every
// connection. The outbox is bounded and coalesces: a newer message of the
// same type for the same widget replaces an older one that was not sent
// yet, so a slow client sees the latest state rather than a backlog.
//
// Each connection has a session token, sent in its hello message, by which
// a weights upload over HTTP (Manager.LoadWeights) finds it while the
// socket is open. The upload takes its turn with the socket's requests.
//
// When the socket closes, the session closes its widgets and waits for every
// goroutine it started: the writer and any training loop. Manager.Wait
// returns when no session is left.
package session
