package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

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
			return 0, fmt.Errorf("sqlite: put findings: %w", err)
		}
	}
	if len(fs) == 0 {
		return 0, nil
	}
	tx, err := s.main.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: put findings: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	ins, err := tx.PrepareContext(ctx, `INSERT INTO findings (`+findingCols+`)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("sqlite: put findings: %w", err)
	}
	defer ins.Close()
	ent, err := tx.PrepareContext(ctx, `INSERT INTO finding_entities (entity, finding_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("sqlite: put findings: %w", err)
	}
	defer ent.Close()
	n := 0
	for i := range fs {
		f := &fs[i]
		res, err := ins.ExecContext(ctx, f.ID, storeutil.Nanos(f.Time), storeutil.Nanos(f.Created), f.Detector,
			f.RuleID, f.Title, string(f.Severity), f.Severity.Rank(), f.Confidence, mustJSON(f.Entities),
			mustJSON(f.EventIDs), mustJSON(f.Techniques), mustJSON(f.Tags), f.Explanation, storeutil.Nanos(f.IngestedAt), f.ContextVersion)
		if err != nil {
			return 0, fmt.Errorf("sqlite: put finding %s: %w", f.ID, err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			continue
		}
		n++
		for _, e := range storeutil.EntityKeys(f) {
			if _, err := ent.ExecContext(ctx, e, f.ID); err != nil {
				return 0, fmt.Errorf("sqlite: put finding %s: %w", f.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: put findings: %w", err)
	}
	return n, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings, slices of strings and Entities reach here
	}
	return string(b)
}

// GetFinding returns one finding or an error wrapping store.ErrNotFound.
func (s *Store) GetFinding(ctx context.Context, id string) (finding.Finding, error) {
	rows, err := s.main.r.QueryContext(ctx, `SELECT `+findingCols+` FROM findings WHERE id = ?`, id)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("sqlite: get finding: %w", err)
	}
	fs, err := scanFindings(rows)
	if err != nil {
		return finding.Finding{}, err
	}
	if len(fs) == 0 {
		return finding.Finding{}, fmt.Errorf("sqlite: finding %q: %w", id, store.ErrNotFound)
	}
	return fs[0], nil
}

// ListFindings returns one page of findings, newest first.
func (s *Store) ListFindings(ctx context.Context, q store.FindingQuery) (store.FindingPage, error) {
	limit, err := storeutil.Limit(q.Limit)
	if err != nil {
		return store.FindingPage{}, err
	}
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if q.Detector != "" {
		add(`detector = ?`, q.Detector)
	}
	if q.RuleID != "" {
		add(`rule_id = ?`, q.RuleID)
	}
	if q.MinSeverity != "" {
		if q.MinSeverity.Rank() == 0 {
			return store.FindingPage{}, fmt.Errorf("sqlite: list findings: unknown severity %q", q.MinSeverity)
		}
		add(`severity_rank >= ?`, q.MinSeverity.Rank())
	}
	if q.Entity != "" {
		add(`id IN (SELECT finding_id FROM finding_entities WHERE entity = ?)`, q.Entity)
	}
	if !q.From.IsZero() {
		add(`time >= ?`, storeutil.Nanos(q.From))
	}
	if !q.To.IsZero() {
		add(`time < ?`, storeutil.Nanos(q.To))
	}
	if q.Cursor != "" {
		t, id, err := storeutil.DecodeCursor(q.Cursor)
		if err != nil {
			return store.FindingPage{}, err
		}
		add(`(time, id) < (?, ?)`, t, id)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	rows, err := s.main.r.QueryContext(ctx, `SELECT `+findingCols+` FROM findings`+where+
		` ORDER BY time DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return store.FindingPage{}, fmt.Errorf("sqlite: list findings: %w", err)
	}
	fs, err := scanFindings(rows)
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

func scanFindings(rows *sql.Rows) ([]finding.Finding, error) {
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		f, err := storeutil.ScanFinding(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read findings: %w", err)
	}
	return out, nil
}
