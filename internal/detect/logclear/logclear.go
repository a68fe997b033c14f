// Package logclear is Vigil's built-in spine detector: it flags a cleared
// Windows event log (Security 1102, System 104), the classic anti-forensics
// step of ransomware operators (ATT&CK T1070.001). It exists so the pipeline
// has a real detector from day one; the Sigma engine covers the rest.
package logclear

import (
	"context"
	"fmt"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// Detector flags Windows log-clear events. It is stateless.
type Detector struct{}

var _ detect.Detector = Detector{}

// New returns the detector.
func New() Detector { return Detector{} }

// Name implements detect.Detector.
func (Detector) Name() string { return "logclear" }

// Version implements detect.Detector.
func (Detector) Version() string { return "1" }

// Detect implements detect.Detector.
func (d Detector) Detect(_ context.Context, ev *event.Event, emit func(finding.Finding)) {
	if ev.Format != event.FormatWinFlat && ev.Format != event.FormatEvtxJSON {
		return
	}
	id, _ := ev.Get("EventID")
	channel, _ := ev.Get("Channel")
	var what string
	switch {
	case id == "1102" && (channel == "" || channel == "Security"):
		what = "Security"
	case id == "104" && (channel == "" || channel == "System"):
		what = "System"
	default:
		return
	}
	ruleID := "logclear-" + what
	emit(finding.Finding{
		ID:         finding.DeriveID(d.Name(), ruleID, []string{ev.ID}),
		Time:       ev.Time,
		Detector:   d.Name(),
		RuleID:     ruleID,
		Title:      fmt.Sprintf("Windows %s event log cleared", what),
		Severity:   finding.SeverityHigh,
		Confidence: 0.9,
		Entities:   ev.Entities,
		EventIDs:   []string{ev.ID},
		Techniques: []string{"T1070.001"},
		Explanation: fmt.Sprintf("The %s event log on host %q was cleared (event %s) by account %q. "+
			"Attackers clear logs to hide what they did; confirm the clear was planned maintenance.",
			what, ev.Entities.Host, id, ev.Entities.User),
		IngestedAt: ev.Ingested,
	})
}
