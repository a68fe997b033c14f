package app

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/store"
)

// StoreOptions says which database an operator command works on.
type StoreOptions struct {
	DataDir string
	DB      string
	Schema  string
}

func (o StoreOptions) open(ctx context.Context) (store.Store, error) {
	return OpenStore(ctx, o.DataDir, o.DB, o.Schema)
}

// withStore opens the store, runs fn, appends an audit record for what the
// operator did from the CLI (when action != ""), and closes the store.
func withStore(ctx context.Context, o StoreOptions, action, target string, fn func(store.Store) error) error {
	st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ferr := fn(st)
	if action != "" {
		status := 0
		if ferr != nil {
			status = 1
		}
		rec := store.AuditRecord{Actor: "cli", Role: "admin", Action: action, Target: target, Status: status}
		if _, err := audit.NewLog(st).Append(ctx, rec); err != nil && ferr == nil {
			ferr = fmt.Errorf("audit: %w", err)
		}
	}
	return ferr
}

// CreateToken makes a new API token and returns its secret (shown once).
func CreateToken(ctx context.Context, o StoreOptions, name, role string) (string, store.Token, error) {
	r, err := auth.ParseRole(role)
	if err != nil {
		return "", store.Token{}, err
	}
	var secret string
	var tok store.Token
	err = withStore(ctx, o, "token create", name, func(st store.Store) error {
		secret, tok, err = auth.CreateToken(ctx, st, name, r)
		return err
	})
	return secret, tok, err
}

// ListTokens returns all tokens (never their secrets).
func ListTokens(ctx context.Context, o StoreOptions) ([]store.Token, error) {
	var toks []store.Token
	err := withStore(ctx, o, "", "", func(st store.Store) error {
		var err error
		toks, err = st.ListTokens(ctx)
		return err
	})
	return toks, err
}

// RevokeToken revokes a token by id or name.
func RevokeToken(ctx context.Context, o StoreOptions, idOrName string) error {
	return withStore(ctx, o, "token revoke", idOrName, func(st store.Store) error {
		return st.RevokeToken(ctx, idOrName, time.Now().UTC())
	})
}

// VerifyAudit recomputes the audit chain; a broken chain is an
// *audit.BreakError naming the first bad entry.
func VerifyAudit(ctx context.Context, o StoreOptions) (int64, error) {
	var n int64
	err := withStore(ctx, o, "", "", func(st store.Store) error {
		var err error
		n, err = audit.Verify(ctx, st)
		return err
	})
	return n, err
}
