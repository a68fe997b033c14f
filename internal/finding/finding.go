// Package finding defines a Finding: one detector's verdict about one or more
// events, shaped after the OCSF Detection Finding. A finding's id is derived
// from the detector, rule and evidence, so replaying the same events never
// produces a second copy.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// Severity follows the Sigma / OCSF levels.
type Severity string

// Severities from least to most urgent.
const (
	SeverityInfo     Severity = "informational"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities (0 for unknown).
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityLow:
		return 2
	case SeverityMedium:
		return 3
	case SeverityHigh:
		return 4
	case SeverityCritical:
		return 5
	}
	return 0
}

// ParseSeverity accepts the names above (case-insensitive) and "info".
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v == "info" {
		v = SeverityInfo
	}
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q", s)
	}
	return v, nil
}

// Finding is one detection. Explanation is plain language a privacy officer
// can read; it quotes event content but never obeys it.
type Finding struct {
	ID          string         `json:"id"`
	Time        time.Time      `json:"time"`    // event time of the (last) evidence event
	Created     time.Time      `json:"created"` // when Vigil stored it
	Detector    string         `json:"detector"`
	RuleID      string         `json:"rule_id"`
	Title       string         `json:"title"`
	Severity    Severity       `json:"severity"`
	Confidence  float64        `json:"confidence"` // 0..1
	Entities    event.Entities `json:"entities"`
	EventIDs    []string       `json:"event_ids"`
	Techniques  []string       `json:"attack_techniques,omitempty"` // ATT&CK ids, e.g. T1070.001
	Tags        []string       `json:"tags,omitempty"`
	Explanation string         `json:"explanation"`
	// IngestedAt is the ingest time of the newest evidence event, kept to
	// measure ingest-to-finding latency.
	IngestedAt time.Time `json:"ingested_at"`
	// ContextVersion is the hospital context version (internal/hospital)
	// the finding was judged against; "" when the detector reads none.
	ContextVersion string `json:"context_version,omitempty"`
}

// DeriveID returns the deterministic id of a finding from its detector, rule
// and evidence event ids (order-insensitive is not assumed: pass them sorted
// when order does not matter).
func DeriveID(detector, ruleID string, eventIDs []string) string {
	h := sha256.New()
	h.Write([]byte(detector))
	h.Write([]byte{0})
	h.Write([]byte(ruleID))
	for _, id := range eventIDs {
		h.Write([]byte{0})
		h.Write([]byte(id))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Validate reports the first missing required field.
func (f *Finding) Validate() error {
	switch {
	case f.ID == "":
		return fmt.Errorf("finding: empty id")
	case f.Detector == "":
		return fmt.Errorf("finding %s: empty detector", f.ID)
	case f.Severity.Rank() == 0:
		return fmt.Errorf("finding %s: bad severity %q", f.ID, f.Severity)
	case f.Confidence < 0 || f.Confidence > 1:
		return fmt.Errorf("finding %s: confidence %v outside 0..1", f.ID, f.Confidence)
	}
	return nil
}
