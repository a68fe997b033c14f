package postgres

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
		return fmt.Errorf("postgres: create token: id, name and hash are required")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO tokens (`+tokenCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (id) DO NOTHING`, clean(t.ID), clean(t.Name), clean(t.Role), t.Hash, storeutil.Nanos(t.Created),
		storeutil.OptNanos(t.LastUsed), storeutil.OptNanos(t.Revoked))
	if err != nil {
		return fmt.Errorf("postgres: create token %q: %w", t.Name, err)
	}
	return nil
}

// TokenByHash returns the token with that hash (revoked ones too).
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	ts, err := s.queryTokens(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash)
	if err != nil {
		return store.Token{}, err
	}
	if len(ts) == 0 {
		return store.Token{}, fmt.Errorf("postgres: token: %w", store.ErrNotFound)
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
		tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked = coalesce(revoked, $1) WHERE `+col+` = $2`,
			storeutil.Nanos(at), clean(idOrName))
		if err != nil {
			return fmt.Errorf("postgres: revoke token: %w", err)
		}
		if tag.RowsAffected() > 0 {
			return nil
		}
	}
	return fmt.Errorf("postgres: token %q: %w", idOrName, store.ErrNotFound)
}

// TouchToken records the last use of a token.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET last_used = $1 WHERE id = $2`, storeutil.Nanos(at), clean(id))
	if err != nil {
		return fmt.Errorf("postgres: touch token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: token %q: %w", id, store.ErrNotFound)
	}
	return nil
}

func (s *Store) queryTokens(ctx context.Context, q string, args ...any) ([]store.Token, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		t, err := storeutil.ScanToken(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	return out, nil
}
