package session

import (
	"crypto/rand"
	"encoding/hex"
)

// tokenBytes is the size of a session token: 128 random bits, far too many
// to guess.
const tokenBytes = 16

// newToken returns a fresh session token: tokenBytes from the system's
// secure random source, as 32 hex digits.
func newToken() string {
	var b [tokenBytes]byte
	rand.Read(b[:]) // never fails: Go crashes the program if the source does
	return hex.EncodeToString(b[:])
}

// register makes s reachable by its token.
func (m *Manager) register(s *session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byToken[s.token] = s
}

// forget removes s's token, when its connection ends.
func (m *Manager) forget(s *session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.byToken, s.token)
	m.forgetLinks(s)
}

// lookup returns the open session with the token, or nil.
func (m *Manager) lookup(token string) *session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byToken[token]
}

// Open reports whether token names an open connection.
func (m *Manager) Open(token string) bool { return m.lookup(token) != nil }
