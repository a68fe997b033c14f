package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/internal/storeutil"
)

const findingCols = `id, time, created, detector, rule_id, title, severity, severity_rank, confidence,
	entities, event_ids, techniques, tags, explanation, ingested_at, context_version`

// PutFindings stores the findings whose id is new, in one transaction.
func (s *Store) PutFindings(ctx context.Context, fs []finding.Finding) (int, error) {
	for i := range fs {
		if err := fs[i].Validate(); err != nil {
			return 0, fmt.Errorf("postgres: put findings: %w", err)
		}
	}
	if len(fs) == 0 {
		return 0, nil
	}
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i := range fs {
			f := &fs[i]
			tag, err := tx.Exec(ctx, `INSERT INTO findings (`+findingCols+`)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (id) DO NOTHING`,
				clean(f.ID), storeutil.Nanos(f.Time), storeutil.Nanos(f.Created), clean(f.Detector), clean(f.RuleID),
				clean(f.Title), string(f.Severity), f.Severity.Rank(), f.Confidence, mustJSON(f.Entities),
				mustJSON(f.EventIDs), mustJSON(f.Techniques), mustJSON(f.Tags), clean(f.Explanation),
				storeutil.Nanos(f.IngestedAt), clean(f.ContextVersion))
			if err != nil {
				return fmt.Errorf("finding %s: %w", f.ID, err)
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			n++
			for _, e := range storeutil.EntityKeys(f) {
				if _, err := tx.Exec(ctx, `INSERT INTO finding_entities (entity, finding_id) VALUES ($1, $2)
					ON CONFLICT DO NOTHING`, clean(e), clean(f.ID)); err != nil {
					return fmt.Errorf("finding %s: %w", f.ID, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: put findings: %w", err)
	}
	return n, nil
}

// mustJSON encodes v as JSON text without NUL escapes (jsonb rejects them).
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings, slices of strings and Entities reach here
	}
	return clean(string(b))
}

// GetFinding returns one finding or an error wrapping store.ErrNotFound.
func (s *Store) GetFinding(ctx context.Context, id string) (finding.Finding, error) {
	fs, err := s.queryFindings(ctx, `SELECT `+findingCols+` FROM findings WHERE id = $1`, id)
	if err != nil {
		return finding.Finding{}, err
	}
	if len(fs) == 0 {
		return finding.Finding{}, fmt.Errorf("postgres: finding %q: %w", id, store.ErrNotFound)
	}
	return fs[0], nil
}

// ListFindings returns one page of findings, newest first.
func (s *Store) ListFindings(ctx context.Context, q store.FindingQuery) (store.FindingPage, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return store.FindingPage{}, err
	}
	var b sqlBuilder
	if q.Detector != "" {
		b.conds = append(b.conds, `detector = `+b.arg(q.Detector))
	}
	if q.RuleID != "" {
		b.conds = append(b.conds, `rule_id = `+b.arg(q.RuleID))
	}
	if q.MinSeverity != "" {
		if q.MinSeverity.Rank() == 0 {
			return store.FindingPage{}, fmt.Errorf("postgres: list findings: unknown severity %q", q.MinSeverity)
		}
		b.conds = append(b.conds, `severity_rank >= `+b.arg(q.MinSeverity.Rank()))
	}
	if q.Entity != "" {
		b.conds = append(b.conds, `id IN (SELECT finding_id FROM finding_entities WHERE entity = `+b.arg(clean(q.Entity))+`)`)
	}
	if !q.From.IsZero() {
		b.conds = append(b.conds, `time >= `+b.arg(storeutil.Nanos(q.From)))
	}
	if !q.To.IsZero() {
		b.conds = append(b.conds, `time < `+b.arg(storeutil.Nanos(q.To)))
	}
	if q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return store.FindingPage{}, err
		}
		b.conds = append(b.conds, `(time, id) < (`+b.arg(t)+`, `+b.arg(id)+`)`)
	}
	fs, err := s.queryFindings(ctx, `SELECT `+findingCols+` FROM findings`+b.where()+
		` ORDER BY time DESC, id DESC LIMIT `+b.arg(limit+1), b.args...)
	if err != nil {
		return store.FindingPage{}, err
	}
	var page store.FindingPage
	if len(fs) > limit {
		fs = fs[:limit]
		page.Next = storeutil.EncodeCursor(storeutil.Nanos(fs[limit-1].Time), fs[limit-1].ID)
	}
	page.Findings = fs
	return page, nil
}

func (s *Store) queryFindings(ctx context.Context, q string, args ...any) ([]finding.Finding, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: findings: %w", err)
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		f, err := storeutil.ScanFinding(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: findings: %w", err)
	}
	return out, nil
}
