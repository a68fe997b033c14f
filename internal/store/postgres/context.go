package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-soc/vigil/internal/store"
)

// UpsertContextRecords inserts or replaces hospital context records in one transaction.
func (s *Store) UpsertContextRecords(ctx context.Context, recs []store.ContextRecord) error {
	if len(recs) == 0 {
		return nil
	}
	now := time.Now().UnixNano()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range recs {
			b.Queue(`INSERT INTO context_records (kind, id, data, updated) VALUES ($1, $2, $3, $4)
				ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, updated = excluded.updated`,
				clean(r.Kind), clean(r.ID), r.Data, now)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: upsert context: %w", err)
	}
	return nil
}

// ListContextRecords calls fn for every record of kind, by id.
func (s *Store) ListContextRecords(ctx context.Context, kind string, fn func(store.ContextRecord) error) error {
	rows, err := s.pool.Query(ctx, `SELECT id, data FROM context_records WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		return fmt.Errorf("postgres: list context: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := store.ContextRecord{Kind: kind}
		if err := rows.Scan(&r.ID, &r.Data); err != nil {
			return fmt.Errorf("postgres: list context: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: list context: %w", err)
	}
	return nil
}
