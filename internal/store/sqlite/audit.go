package sqlite

import (
	"context"
	"fmt"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// AppendAudit appends rec to the chain. The read of the chain head and the
// insert happen in one BEGIN IMMEDIATE transaction on the single writer
// connection, so appends from goroutines and from other processes are
// serialised and the chain cannot fork.
func (s *Store) AppendAudit(ctx context.Context, rec store.AuditRecord, seal func(*store.AuditRecord)) (store.AuditRecord, error) {
	tx, err := s.main.w.BeginTx(ctx, nil)
	if err != nil {
		return store.AuditRecord{}, fmt.Errorf("sqlite: append audit: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var last int64
	prev := audit.Genesis
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !isNoRows(err) {
		return store.AuditRecord{}, fmt.Errorf("sqlite: append audit: %w", err)
	}
	rec.Seq, rec.PrevHash, rec.Hash = last+1, prev, ""
	rec.Time = storeutil.Time(storeutil.Nanos(rec.Time))
	seal(&rec)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit (seq, time, actor, role, action, target, status, detail,
		prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)`, rec.Seq, storeutil.Nanos(rec.Time), rec.Actor, rec.Role,
		rec.Action, rec.Target, rec.Status, rec.Detail, rec.PrevHash, rec.Hash); err != nil {
		return store.AuditRecord{}, fmt.Errorf("sqlite: append audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return store.AuditRecord{}, fmt.Errorf("sqlite: append audit: %w", err)
	}
	return rec, nil
}

// ListAudit returns up to limit records with Seq > after, ascending.
func (s *Store) ListAudit(ctx context.Context, after int64, limit int) ([]store.AuditRecord, error) {
	limit, err := storeutil.Limit(limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.main.r.QueryContext(ctx, `SELECT seq, time, actor, role, action, target, status, detail,
		prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		r, err := storeutil.ScanAudit(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list audit: %w", err)
	}
	return out, nil
}
