package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// AppendAudit appends rec to the chain. A transaction-scoped advisory lock
// (keyed by the schema) serialises appends from every process sharing the
// schema, so reading the chain head and inserting cannot interleave.
func (s *Store) AppendAudit(ctx context.Context, rec store.AuditRecord, seal func(*store.AuditRecord)) (store.AuditRecord, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('vigil.audit.' || current_schema(), 0))`); err != nil {
			return err
		}
		var last int64
		prev := audit.Genesis
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
		if err != nil && !isNoRows(err) {
			return err
		}
		rec.Actor, rec.Role, rec.Action = clean(rec.Actor), clean(rec.Role), clean(rec.Action)
		rec.Target, rec.Detail = clean(rec.Target), clean(rec.Detail)
		rec.Seq, rec.PrevHash, rec.Hash = last+1, prev, ""
		rec.Time = storeutil.Time(storeutil.Nanos(rec.Time))
		seal(&rec)
		_, err = tx.Exec(ctx, `INSERT INTO audit (seq, time, actor, role, action, target, status, detail,
			prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, rec.Seq, storeutil.Nanos(rec.Time), rec.Actor,
			rec.Role, rec.Action, rec.Target, rec.Status, rec.Detail, rec.PrevHash, rec.Hash)
		return err
	})
	if err != nil {
		return store.AuditRecord{}, fmt.Errorf("postgres: append audit: %w", err)
	}
	return rec, nil
}

// ListAudit returns up to limit records with Seq > after, ascending.
func (s *Store) ListAudit(ctx context.Context, after int64, limit int) ([]store.AuditRecord, error) {
	limit, err := storeutil.Limit(limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, time, actor, role, action, target, status, detail,
		prev_hash, hash FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: list audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		r, err := storeutil.ScanAudit(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list audit: %w", err)
	}
	return out, nil
}
