package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

const tokenCols = `id, name, role, hash, created, last_used, revoked`

// CreateToken stores a new token. Creating the same id again is a no-op;
// another token with the same name or hash is an error.
func (s *Store) CreateToken(ctx context.Context, t store.Token) error {
	if t.ID == "" || t.Name == "" || len(t.Hash) == 0 {
		return fmt.Errorf("sqlite: create token: id, name and hash are required")
	}
	_, err := s.main.w.ExecContext(ctx, `INSERT INTO tokens (`+tokenCols+`) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (id) DO NOTHING`, t.ID, t.Name, t.Role, t.Hash, storeutil.Nanos(t.Created),
		storeutil.OptNanos(t.LastUsed), storeutil.OptNanos(t.Revoked))
	if err != nil {
		return fmt.Errorf("sqlite: create token %q: %w", t.Name, err)
	}
	return nil
}

// TokenByHash returns the token with that hash (revoked ones too).
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	ts, err := s.queryTokens(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash)
	if err != nil {
		return store.Token{}, err
	}
	if len(ts) == 0 {
		return store.Token{}, fmt.Errorf("sqlite: token: %w", store.ErrNotFound)
	}
	return ts[0], nil
}

// ListTokens returns every token, oldest first.
func (s *Store) ListTokens(ctx context.Context) ([]store.Token, error) {
	return s.queryTokens(ctx, `SELECT `+tokenCols+` FROM tokens ORDER BY created, id`)
}

// RevokeToken marks the token with that id (else that name) revoked; an
// already revoked token keeps its first revocation time.
func (s *Store) RevokeToken(ctx context.Context, idOrName string, at time.Time) error {
	for _, col := range [...]string{"id", "name"} {
		res, err := s.main.w.ExecContext(ctx, `UPDATE tokens SET revoked = coalesce(revoked, ?) WHERE `+col+` = ?`,
			storeutil.Nanos(at), idOrName)
		if err != nil {
			return fmt.Errorf("sqlite: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
	}
	return fmt.Errorf("sqlite: token %q: %w", idOrName, store.ErrNotFound)
}

// TouchToken records the last use of a token.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	res, err := s.main.w.ExecContext(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, storeutil.Nanos(at), id)
	if err != nil {
		return fmt.Errorf("sqlite: touch token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: token %q: %w", id, store.ErrNotFound)
	}
	return nil
}

func (s *Store) queryTokens(ctx context.Context, q string, args ...any) ([]store.Token, error) {
	rows, err := s.main.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		t, err := storeutil.ScanToken(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	return out, nil
}
