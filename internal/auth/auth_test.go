package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// memTokens is an in-memory store.Tokens that counts lookups and touches.
type memTokens struct {
	mu      sync.Mutex
	toks    []store.Token
	lookups int
	touches int
}

func (m *memTokens) CreateToken(_ context.Context, t store.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.toks = append(m.toks, t)
	return nil
}

func (m *memTokens) TokenByHash(_ context.Context, h []byte) (store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lookups++
	for _, t := range m.toks {
		if string(t.Hash) == string(h) {
			return t, nil
		}
	}
	return store.Token{}, store.ErrNotFound
}

func (m *memTokens) ListTokens(context.Context) ([]store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.Token(nil), m.toks...), nil
}

func (m *memTokens) RevokeToken(_ context.Context, idOrName string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.toks {
		if m.toks[i].ID == idOrName || m.toks[i].Name == idOrName {
			m.toks[i].Revoked = &at
			return nil
		}
	}
	return store.ErrNotFound
}

func (m *memTokens) TouchToken(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.touches++
	for i := range m.toks {
		if m.toks[i].ID == id {
			m.toks[i].LastUsed = &at
		}
	}
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestMatrix writes the whole permission matrix out explicitly.
func TestMatrix(t *testing.T) {
	want := map[Role]string{
		RoleIngest:    "events:write context:write",
		RoleViewer:    "events:read findings:read incidents:read metrics:read",
		RoleAnalyst:   "events:read phi:read findings:read incidents:read incidents:write dlq:read metrics:read",
		RoleResponder: "events:read phi:read findings:read incidents:read incidents:write dlq:read actions:approve metrics:read",
		RoleAuditor:   "events:read findings:read incidents:read audit:read metrics:read",
		RoleAdmin: "events:write events:read phi:read findings:read incidents:read incidents:write dlq:read dlq:write " +
			"audit:read tokens:manage rules:manage actions:approve metrics:read context:write",
		RoleClinicalEngineering: "events:read findings:read incidents:read actions:approve metrics:read",
	}
	for _, r := range AllRoles {
		allowed := map[Permission]bool{}
		for _, p := range strings.Fields(want[r]) {
			allowed[Permission(p)] = true
		}
		for _, p := range AllPermissions {
			if got := (Principal{Role: r}).Can(p); got != allowed[p] {
				t.Errorf("%s can %s = %v, want %v", r, p, got, allowed[p])
			}
		}
	}
	if (Principal{Role: "root"}).Can(EventsRead) {
		t.Error("unknown role granted a permission")
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole(" Analyst "); err != nil || r != RoleAnalyst {
		t.Fatalf("ParseRole(Analyst) = %q, %v", r, err)
	}
	_, err := ParseRole("root")
	if err == nil || !strings.Contains(err.Error(), "viewer") || !strings.Contains(err.Error(), `"root"`) {
		t.Fatalf("ParseRole(root) error = %v, want one listing the valid roles", err)
	}
}

func TestNewToken(t *testing.T) {
	s1, h1 := NewToken()
	s2, _ := NewToken()
	if !strings.HasPrefix(s1, "vgl_") || len(s1) != 56 || s1 == s2 || !wellFormed(s1) {
		t.Fatalf("bad secrets %q %q", s1, s2)
	}
	if string(h1) != string(HashSecret(s1)) || len(h1) != 32 {
		t.Fatal("hash is not the SHA-256 of the secret")
	}
}

func TestCreateToken(t *testing.T) {
	ctx := context.Background()
	st := &memTokens{}
	sec, tok, err := CreateToken(ctx, st, "ci", RoleIngest)
	if err != nil || tok.Name != "ci" || tok.Role != "ingest" || string(tok.Hash) != string(HashSecret(sec)) {
		t.Fatalf("CreateToken = %+v, %v", tok, err)
	}
	if strings.Contains(string(tok.Hash), sec) {
		t.Fatal("secret stored")
	}
	if _, _, err := CreateToken(ctx, st, "ci", RoleViewer); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("duplicate name: err = %v", err)
	}
	_, auto, err := CreateToken(ctx, st, "", RoleViewer)
	if err != nil || !strings.HasPrefix(auto.Name, "token-") {
		t.Fatalf("auto name: %+v, %v", auto, err)
	}
	if _, _, err := CreateToken(ctx, st, "x", "root"); err == nil {
		t.Fatal("bad role accepted")
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	st := &memTokens{}
	clk := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	a := NewAuthenticator(st, clk.now)
	sec, tok, err := CreateToken(ctx, st, "alice", RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(ctx, "Bearer "+sec)
	if err != nil || p != (Principal{TokenID: tok.ID, Name: "alice", Role: RoleAnalyst}) {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "Bearer ", "vgl_short", sec + "a", strings.ToUpper(sec)} {
		if _, err := a.Authenticate(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Authenticate(%q) err = %v", bad, err)
		}
	}
	unknown, _ := NewToken()
	if _, err := a.Authenticate(ctx, unknown); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("unknown token err = %v", err)
	}

	// Cached: a second call within the TTL does not hit the store.
	before := st.lookups
	if _, err := a.Authenticate(ctx, sec); err != nil || st.lookups != before {
		t.Fatalf("cache miss: lookups %d -> %d, err %v", before, st.lookups, err)
	}
	// Revoked elsewhere: still cached until the TTL ends, then refused.
	if err := st.RevokeToken(ctx, "alice", clk.now()); err != nil {
		t.Fatal(err)
	}
	clk.add(CacheTTL - time.Second)
	if _, err := a.Authenticate(ctx, sec); err != nil {
		t.Fatalf("within TTL: %v", err)
	}
	clk.add(time.Second)
	if _, err := a.Authenticate(ctx, sec); !errors.Is(err, ErrRevoked) {
		t.Fatalf("after TTL: err = %v, want ErrRevoked", err)
	}
}

func TestInvalidateIsImmediate(t *testing.T) {
	ctx := context.Background()
	st := &memTokens{}
	clk := &clock{t: time.Unix(1e9, 0)}
	a := NewAuthenticator(st, clk.now)
	sec, _, _ := CreateToken(ctx, st, "bob", RoleViewer)
	if _, err := a.Authenticate(ctx, sec); err != nil {
		t.Fatal(err)
	}
	_ = st.RevokeToken(ctx, "bob", clk.now())
	a.Invalidate("bob")
	if _, err := a.Authenticate(ctx, sec); !errors.Is(err, ErrRevoked) {
		t.Fatalf("err = %v, want ErrRevoked", err)
	}
}

func TestTouchOncePerMinute(t *testing.T) {
	ctx := context.Background()
	st := &memTokens{}
	clk := &clock{t: time.Unix(1e9, 0)}
	a := NewAuthenticator(st, clk.now)
	sec, _, _ := CreateToken(ctx, st, "c", RoleViewer)
	for range 10 {
		if _, err := a.Authenticate(ctx, sec); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Second)
	}
	if st.touches != 1 {
		t.Fatalf("touches after 10 s = %d, want 1", st.touches)
	}
	clk.add(TouchInterval)
	_, _ = a.Authenticate(ctx, sec)
	if st.touches != 2 {
		t.Fatalf("touches after a minute = %d, want 2", st.touches)
	}
	toks, _ := st.ListTokens(ctx)
	if toks[0].LastUsed == nil || !toks[0].LastUsed.Equal(clk.now()) {
		t.Fatalf("LastUsed = %v", toks[0].LastUsed)
	}
}

func TestConcurrentAuthenticate(t *testing.T) {
	ctx := context.Background()
	st := &memTokens{}
	a := NewAuthenticator(st, nil)
	sec, _, _ := CreateToken(ctx, st, "d", RoleAdmin)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if _, err := a.Authenticate(ctx, sec); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			a.Invalidate("")
		}
	})
	wg.Wait()
}
