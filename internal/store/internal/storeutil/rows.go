package storeutil

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// ScanFunc reads the current row into dest, as (*sql.Rows).Scan and
// pgx.Rows.Scan do. Both stores' drivers accept the destinations used
// here: int64, int, float64, string, []byte and *int64 (NULL as nil).
type ScanFunc = func(dest ...any) error

// ScanFinding decodes one findings row whose columns are, in order: id,
// time, created, detector, rule_id, title, severity, severity_rank,
// confidence, entities, event_ids, techniques, tags, explanation,
// ingested_at, context_version (times as Unix nanoseconds, the four lists as JSON). Errors
// carry no store prefix; callers add theirs.
func ScanFinding(scan ScanFunc) (finding.Finding, error) {
	var (
		f                        finding.Finding
		t, created, ing          int64
		sev                      string
		rank                     int
		ents, evIDs, techs, tags []byte
	)
	if err := scan(&f.ID, &t, &created, &f.Detector, &f.RuleID, &f.Title, &sev, &rank, &f.Confidence,
		&ents, &evIDs, &techs, &tags, &f.Explanation, &ing, &f.ContextVersion); err != nil {
		return finding.Finding{}, fmt.Errorf("scan finding: %w", err)
	}
	f.Time, f.Created, f.IngestedAt = Time(t), Time(created), Time(ing)
	f.Severity = finding.Severity(sev)
	for _, p := range []struct {
		b []byte
		v any
	}{{ents, &f.Entities}, {evIDs, &f.EventIDs}, {techs, &f.Techniques}, {tags, &f.Tags}} {
		if err := json.Unmarshal(p.b, p.v); err != nil {
			return finding.Finding{}, fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}
	return f, nil
}

// ScanIncident decodes one incidents row whose columns are, in order: id,
// title, status, severity, assignee, created, updated, finding_ids,
// entities, data (times as Unix nanoseconds, finding_ids and entities as
// JSON). Errors carry no store prefix; callers add theirs.
func ScanIncident(scan ScanFunc) (store.Incident, error) {
	var (
		inc              store.Incident
		sev              string
		created, updated int64
		fids, ents       []byte
	)
	if err := scan(&inc.ID, &inc.Title, &inc.Status, &sev, &inc.Assignee, &created, &updated,
		&fids, &ents, &inc.Data); err != nil {
		return store.Incident{}, fmt.Errorf("scan incident: %w", err)
	}
	inc.Severity = finding.Severity(sev)
	inc.Created, inc.Updated = Time(created), Time(updated)
	if err := json.Unmarshal(fids, &inc.FindingIDs); err != nil {
		return store.Incident{}, fmt.Errorf("incident %s: %w", inc.ID, err)
	}
	if err := json.Unmarshal(ents, &inc.Entities); err != nil {
		return store.Incident{}, fmt.Errorf("incident %s: %w", inc.ID, err)
	}
	return inc, nil
}

// ScanToken decodes one tokens row whose columns are, in order: id, name,
// role, hash, created, last_used, revoked (times as Unix nanoseconds,
// last_used and revoked NULL when unset). Errors carry no store prefix;
// callers add theirs.
func ScanToken(scan ScanFunc) (store.Token, error) {
	var (
		t             store.Token
		created       int64
		used, revoked *int64
	)
	if err := scan(&t.ID, &t.Name, &t.Role, &t.Hash, &created, &used, &revoked); err != nil {
		return store.Token{}, fmt.Errorf("scan token: %w", err)
	}
	t.Created = Time(created)
	t.LastUsed, t.Revoked = optTime(used), optTime(revoked)
	return t, nil
}

// ScanAudit decodes one audit row whose columns are, in order: seq, time,
// actor, role, action, target, status, detail, prev_hash, hash (time as
// Unix nanoseconds). Errors carry no store prefix; callers add theirs.
func ScanAudit(scan ScanFunc) (store.AuditRecord, error) {
	var (
		r store.AuditRecord
		t int64
	)
	if err := scan(&r.Seq, &t, &r.Actor, &r.Role, &r.Action, &r.Target, &r.Status, &r.Detail,
		&r.PrevHash, &r.Hash); err != nil {
		return store.AuditRecord{}, fmt.Errorf("scan audit: %w", err)
	}
	r.Time = Time(t)
	return r, nil
}

// OptNanos is the column value for an optional time: nil (NULL) for a nil
// t, else Nanos(*t).
func OptNanos(t *time.Time) any {
	if t == nil {
		return nil
	}
	return Nanos(*t)
}

// optTime reverses OptNanos after scanning into *int64.
func optTime(n *int64) *time.Time {
	if n == nil {
		return nil
	}
	t := Time(*n)
	return &t
}

// EntityKeys lists the finding's non-empty entity keys (the rows of
// finding_entities), in the order user, host, src_ip, dst_ip, patient,
// device, email.
func EntityKeys(f *finding.Finding) []string {
	e := f.Entities
	var out []string
	for _, k := range [...]string{e.User, e.Host, e.SrcIP, e.DstIP, e.Patient, e.Device, e.Email} {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}
