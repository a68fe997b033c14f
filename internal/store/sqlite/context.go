package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// UpsertContextRecords inserts or replaces hospital context records in one transaction.
func (s *Store) UpsertContextRecords(ctx context.Context, recs []store.ContextRecord) error {
	if len(recs) == 0 {
		return nil
	}
	tx, err := s.main.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: upsert context: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	st, err := tx.PrepareContext(ctx, `INSERT INTO context_records (kind, id, data, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, updated = excluded.updated`)
	if err != nil {
		return fmt.Errorf("sqlite: upsert context: %w", err)
	}
	defer st.Close()
	now := time.Now().UnixNano()
	for _, r := range recs {
		if _, err := st.ExecContext(ctx, r.Kind, r.ID, r.Data, now); err != nil {
			return fmt.Errorf("sqlite: upsert context %s %s: %w", r.Kind, r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: upsert context: %w", err)
	}
	return nil
}

// ListContextRecords calls fn for every record of kind, by id.
func (s *Store) ListContextRecords(ctx context.Context, kind string, fn func(store.ContextRecord) error) error {
	rows, err := s.main.r.QueryContext(ctx, `SELECT id, data FROM context_records WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		return fmt.Errorf("sqlite: list context: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := store.ContextRecord{Kind: kind}
		if err := rows.Scan(&r.ID, &r.Data); err != nil {
			return fmt.Errorf("sqlite: list context: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: list context: %w", err)
	}
	return nil
}
