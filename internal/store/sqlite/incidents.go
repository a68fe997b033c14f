package sqlite

import (
	"context"
	"fmt"

	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

const incidentCols = `id, title, status, severity, assignee, created, updated, finding_ids, entities, data`

// UpsertIncident inserts or replaces the incident with inc.ID.
func (s *Store) UpsertIncident(ctx context.Context, inc store.Incident) error {
	if inc.ID == "" {
		return fmt.Errorf("sqlite: upsert incident: empty id")
	}
	_, err := s.main.w.ExecContext(ctx, `INSERT INTO incidents (`+incidentCols+`) VALUES (?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status,
		severity = excluded.severity, assignee = excluded.assignee, created = excluded.created,
		updated = excluded.updated, finding_ids = excluded.finding_ids, entities = excluded.entities,
		data = excluded.data`,
		inc.ID, inc.Title, inc.Status, string(inc.Severity), inc.Assignee, storeutil.Nanos(inc.Created),
		storeutil.Nanos(inc.Updated), mustJSON(inc.FindingIDs), mustJSON(inc.Entities), inc.Data)
	if err != nil {
		return fmt.Errorf("sqlite: upsert incident %s: %w", inc.ID, err)
	}
	return nil
}

// GetIncident returns one incident or an error wrapping store.ErrNotFound.
func (s *Store) GetIncident(ctx context.Context, id string) (store.Incident, error) {
	incs, err := s.queryIncidents(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id)
	if err != nil {
		return store.Incident{}, err
	}
	if len(incs) == 0 {
		return store.Incident{}, fmt.Errorf("sqlite: incident %q: %w", id, store.ErrNotFound)
	}
	return incs[0], nil
}

// ListIncidents returns one page of incidents, most recently updated first.
func (s *Store) ListIncidents(ctx context.Context, q store.IncidentQuery) (store.IncidentPage, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return store.IncidentPage{}, err
	}
	sqlText := `SELECT ` + incidentCols + ` FROM incidents WHERE (? = '' OR status = ?)
		AND (? = '' OR severity = ?) AND (? = '' OR assignee = ?)
		AND (? = '' OR EXISTS (SELECT 1 FROM json_each(incidents.entities) WHERE value = ?))`
	args := []any{q.Status, q.Status, q.Severity, q.Severity, q.Assignee, q.Assignee, q.Entity, q.Entity}
	if q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return store.IncidentPage{}, err
		}
		sqlText += ` AND (updated, id) < (?, ?)`
		args = append(args, t, id)
	}
	incs, err := s.queryIncidents(ctx, sqlText+` ORDER BY updated DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return store.IncidentPage{}, err
	}
	var page store.IncidentPage
	if len(incs) > limit {
		incs = incs[:limit]
		last := incs[limit-1]
		page.Next = storeutil.EncodeCursor(storeutil.Nanos(last.Updated), last.ID)
	}
	page.Incidents = incs
	return page, nil
}

func (s *Store) queryIncidents(ctx context.Context, q string, args ...any) ([]store.Incident, error) {
	rows, err := s.main.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: incidents: %w", err)
	}
	defer rows.Close()
	var out []store.Incident
	for rows.Next() {
		inc, err := storeutil.ScanIncident(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		out = append(out, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: incidents: %w", err)
	}
	return out, nil
}
