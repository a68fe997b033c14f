package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

// InsertApproval stores a new approval; false when its id exists.
func (s *Store) InsertApproval(ctx context.Context, a store.Approval) (bool, error) {
	return s.insertDoc(ctx, "approvals", storeutil.ApprovalRow(a, 1))
}

// UpdateApproval replaces the approval if its stored version is a.Version.
func (s *Store) UpdateApproval(ctx context.Context, a store.Approval) error {
	return s.updateDoc(ctx, "approvals", a.Version, storeutil.ApprovalRow(a, a.Version+1))
}

// GetApproval returns one approval or an error wrapping store.ErrNotFound.
func (s *Store) GetApproval(ctx context.Context, id string) (store.Approval, error) {
	var a store.Approval
	return a, s.getDoc(ctx, "approvals", id, &a)
}

// ListApprovals returns approvals newest first.
func (s *Store) ListApprovals(ctx context.Context, q store.ResponseQuery) (store.ApprovalPage, error) {
	docs, next, err := s.listDocs(ctx, "approvals", q)
	page := store.ApprovalPage{Next: next}
	for _, d := range docs {
		var a store.Approval
		if err := storeutil.DecodeDoc(d, &a); err != nil {
			return page, fmt.Errorf("sqlite: %w", err)
		}
		page.Approvals = append(page.Approvals, a)
	}
	return page, err
}

// InsertAction stores a new action; false when its id exists.
func (s *Store) InsertAction(ctx context.Context, a store.Action) (bool, error) {
	return s.insertDoc(ctx, "actions", storeutil.ActionRow(a, 1))
}

// UpdateAction replaces the action if its stored version is a.Version.
func (s *Store) UpdateAction(ctx context.Context, a store.Action) error {
	return s.updateDoc(ctx, "actions", a.Version, storeutil.ActionRow(a, a.Version+1))
}

// GetAction returns one action or an error wrapping store.ErrNotFound.
func (s *Store) GetAction(ctx context.Context, id string) (store.Action, error) {
	var a store.Action
	return a, s.getDoc(ctx, "actions", id, &a)
}

// ListActions returns actions newest first.
func (s *Store) ListActions(ctx context.Context, q store.ResponseQuery) (store.ActionPage, error) {
	docs, next, err := s.listDocs(ctx, "actions", q)
	page := store.ActionPage{Next: next}
	for _, d := range docs {
		var a store.Action
		if err := storeutil.DecodeDoc(d, &a); err != nil {
			return page, fmt.Errorf("sqlite: %w", err)
		}
		page.Actions = append(page.Actions, a)
	}
	return page, err
}

func (s *Store) insertDoc(ctx context.Context, table string, r storeutil.DocRow) (bool, error) {
	if r.ID == "" {
		return false, fmt.Errorf("sqlite: insert %s: empty id", table)
	}
	res, err := s.main.w.ExecContext(ctx, `INSERT INTO `+table+` (id, status, incident_id, time, version, data)
		VALUES (?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING`, r.ID, r.Status, r.IncidentID, r.Time, r.Version, r.Data)
	if err != nil {
		return false, fmt.Errorf("sqlite: insert %s %s: %w", table, r.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) updateDoc(ctx context.Context, table string, prev int, r storeutil.DocRow) error {
	res, err := s.main.w.ExecContext(ctx, `UPDATE `+table+` SET status = ?, incident_id = ?, time = ?,
		version = ?, data = ? WHERE id = ? AND version = ?`, r.Status, r.IncidentID, r.Time, r.Version, r.Data, r.ID, prev)
	if err != nil {
		return fmt.Errorf("sqlite: update %s %s: %w", table, r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var v int
	err = s.main.r.QueryRowContext(ctx, `SELECT version FROM `+table+` WHERE id = ?`, r.ID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: update %s %q: %w", table, r.ID, store.ErrNotFound)
	}
	return fmt.Errorf("sqlite: update %s %q (version %d, stored %d): %w", table, r.ID, prev, v, store.ErrConflict)
}

func (s *Store) getDoc(ctx context.Context, table, id string, v any) error {
	var data string
	err := s.main.r.QueryRowContext(ctx, `SELECT data FROM `+table+` WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s %q: %w", table, id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sqlite: %s %q: %w", table, id, err)
	}
	if err := storeutil.DecodeDoc(data, v); err != nil {
		return fmt.Errorf("sqlite: %s %q: %w", table, id, err)
	}
	return nil
}

func (s *Store) listDocs(ctx context.Context, table string, q store.ResponseQuery) ([]string, string, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return nil, "", err
	}
	sqlText := `SELECT data, time, id FROM ` + table + ` WHERE (? = '' OR status = ?) AND (? = '' OR incident_id = ?)`
	args := []any{q.Status, q.Status, q.IncidentID, q.IncidentID}
	if q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return nil, "", err
		}
		sqlText += ` AND (time, id) < (?, ?)`
		args = append(args, t, id)
	}
	rows, err := s.main.r.QueryContext(ctx, sqlText+` ORDER BY time DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list %s: %w", table, err)
	}
	defer rows.Close()
	var docs []string
	var next, last string
	for rows.Next() {
		var d, id string
		var t int64
		if err := rows.Scan(&d, &t, &id); err != nil {
			return nil, "", fmt.Errorf("sqlite: list %s: %w", table, err)
		}
		if len(docs) == limit {
			next = last
			break
		}
		docs = append(docs, d)
		last = storeutil.EncodeCursor(t, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: list %s: %w", table, err)
	}
	return docs, next, nil
}
