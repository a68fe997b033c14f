package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// Errors returned by Authenticate; both mean HTTP 401.
var (
	// ErrUnauthenticated: no token, a malformed one or an unknown one.
	ErrUnauthenticated = errors.New("invalid or missing API token")
	// ErrRevoked: the token exists but was revoked.
	ErrRevoked = errors.New("API token revoked")
)

// Cache and LastUsed timing.
const (
	// CacheTTL bounds how long a successful lookup is reused. A token revoked
	// by another process (CLI, other API replica) stops working at most
	// CacheTTL later; a revocation through this process's Invalidate is
	// immediate.
	CacheTTL = 30 * time.Second
	// TouchInterval is the minimum time between two LastUsed updates of one
	// token.
	TouchInterval = time.Minute
	maxCache      = 4096
)

type cached struct {
	tok     store.Token
	fetched time.Time
}

// Authenticator resolves bearer tokens to principals. It is safe for
// concurrent use and starts no goroutines: LastUsed is written inline, at
// most once per TouchInterval per token, and a failure to write it is
// ignored (it is informational only).
//
// Lookup is by SHA-256 of the presented secret, so no secret is ever
// compared byte by byte and timing reveals nothing about stored tokens.
type Authenticator struct {
	st  store.Tokens
	now func() time.Time

	mu      sync.Mutex
	cache   map[string]cached    // key: string(hash)
	touched map[string]time.Time // token id -> last LastUsed write
}

// NewAuthenticator returns an Authenticator over st; now defaults to time.Now.
func NewAuthenticator(st store.Tokens, now func() time.Time) *Authenticator {
	if now == nil {
		now = time.Now
	}
	return &Authenticator{st: st, now: now, cache: map[string]cached{}, touched: map[string]time.Time{}}
}

// Authenticate checks a bearer token (the secret itself, or "Bearer <secret>")
// and returns its principal. Errors wrap ErrUnauthenticated or ErrRevoked,
// or are store errors (the caller should answer 500/503 for those).
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	secret := strings.TrimSpace(bearer)
	if len(secret) > 7 && strings.EqualFold(secret[:7], "bearer ") {
		secret = strings.TrimSpace(secret[7:])
	}
	if !wellFormed(secret) {
		return Principal{}, ErrUnauthenticated
	}
	key := string(HashSecret(secret))
	now := a.now()

	a.mu.Lock()
	c, ok := a.cache[key]
	if ok && now.Sub(c.fetched) >= CacheTTL {
		delete(a.cache, key)
		ok = false
	}
	a.mu.Unlock()

	if !ok {
		tok, err := a.st.TokenByHash(ctx, []byte(key))
		if errors.Is(err, store.ErrNotFound) {
			return Principal{}, ErrUnauthenticated
		}
		if err != nil {
			return Principal{}, fmt.Errorf("look up token: %w", err)
		}
		c = cached{tok: tok, fetched: now}
		if tok.Revoked == nil {
			a.mu.Lock()
			if len(a.cache) >= maxCache {
				a.pruneLocked(now)
			}
			a.cache[key] = c
			a.mu.Unlock()
		}
	}
	if c.tok.Revoked != nil {
		return Principal{}, ErrRevoked
	}
	role := Role(c.tok.Role)
	if !role.Valid() {
		return Principal{}, fmt.Errorf("%w: token %s has unknown role %q", ErrUnauthenticated, c.tok.Name, c.tok.Role)
	}
	a.touch(ctx, c.tok.ID, now)
	return Principal{TokenID: c.tok.ID, Name: c.tok.Name, Role: role}, nil
}

// touch writes LastUsed if the token was not touched in the last
// TouchInterval. The slot is taken before writing so that a slow or failing
// store is hit at most once per interval.
func (a *Authenticator) touch(ctx context.Context, id string, now time.Time) {
	a.mu.Lock()
	last, ok := a.touched[id]
	due := !ok || now.Sub(last) >= TouchInterval
	if due {
		a.touched[id] = now
	}
	a.mu.Unlock()
	if due {
		_ = a.st.TouchToken(ctx, id, now.UTC()) // informational; see type doc
	}
}

// Invalidate drops cached lookups of the token with that id or name, so a
// revocation made through this process takes effect at once. An empty
// argument drops the whole cache.
func (a *Authenticator) Invalidate(idOrName string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, c := range a.cache {
		if idOrName == "" || c.tok.ID == idOrName || c.tok.Name == idOrName {
			delete(a.cache, k)
		}
	}
}

// pruneLocked removes expired entries, and everything if none expired.
func (a *Authenticator) pruneLocked(now time.Time) {
	n := len(a.cache)
	for k, c := range a.cache {
		if now.Sub(c.fetched) >= CacheTTL {
			delete(a.cache, k)
		}
	}
	if len(a.cache) == n {
		clear(a.cache)
	}
	for id, t := range a.touched {
		if now.Sub(t) >= TouchInterval {
			delete(a.touched, id)
		}
	}
}
