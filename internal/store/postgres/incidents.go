package postgres

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
		return fmt.Errorf("postgres: upsert incident: empty id")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO incidents (`+incidentCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status,
		severity = excluded.severity, assignee = excluded.assignee, created = excluded.created,
		updated = excluded.updated, finding_ids = excluded.finding_ids, entities = excluded.entities,
		data = excluded.data`,
		clean(inc.ID), clean(inc.Title), clean(inc.Status), string(inc.Severity), clean(inc.Assignee),
		storeutil.Nanos(inc.Created), storeutil.Nanos(inc.Updated), mustJSON(inc.FindingIDs),
		mustJSON(inc.Entities), inc.Data)
	if err != nil {
		return fmt.Errorf("postgres: upsert incident %s: %w", inc.ID, err)
	}
	return nil
}

// GetIncident returns one incident or an error wrapping store.ErrNotFound.
func (s *Store) GetIncident(ctx context.Context, id string) (store.Incident, error) {
	incs, err := s.queryIncidents(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = $1`, id)
	if err != nil {
		return store.Incident{}, err
	}
	if len(incs) == 0 {
		return store.Incident{}, fmt.Errorf("postgres: incident %q: %w", id, store.ErrNotFound)
	}
	return incs[0], nil
}

// ListIncidents returns one page of incidents, most recently updated first.
func (s *Store) ListIncidents(ctx context.Context, q store.IncidentQuery) (store.IncidentPage, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return store.IncidentPage{}, err
	}
	var b sqlBuilder
	if q.Status != "" {
		b.conds = append(b.conds, `status = `+b.arg(q.Status))
	}
	if q.Severity != "" {
		b.conds = append(b.conds, `severity = `+b.arg(q.Severity))
	}
	if q.Assignee != "" {
		b.conds = append(b.conds, `assignee = `+b.arg(clean(q.Assignee)))
	}
	if q.Entity != "" {
		b.conds = append(b.conds, `entities @> jsonb_build_array(`+b.arg(clean(q.Entity))+`::text)`)
	}
	if q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return store.IncidentPage{}, err
		}
		b.conds = append(b.conds, `(updated, id) < (`+b.arg(t)+`, `+b.arg(id)+`)`)
	}
	incs, err := s.queryIncidents(ctx, `SELECT `+incidentCols+` FROM incidents`+b.where()+
		` ORDER BY updated DESC, id DESC LIMIT `+b.arg(limit+1), b.args...)
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
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: incidents: %w", err)
	}
	defer rows.Close()
	var out []store.Incident
	for rows.Next() {
		inc, err := storeutil.ScanIncident(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		out = append(out, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: incidents: %w", err)
	}
	return out, nil
}
