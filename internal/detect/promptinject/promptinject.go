// Package promptinject is the `promptinject` detector: it reports events
// whose attacker-writable text (user agents, URLs, names, free-text fields,
// email messages) is written to steer an AI analyst, so that the evidence is
// marked before anyone — person or model — reads it. The recognition itself
// lives in internal/injection; content is classified, never followed.
package promptinject

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/injection"
)

// RuleID is the rule of every finding of this detector.
const RuleID = "injection.prompt"

// minLen is the shortest value worth scanning: an instruction to an AI
// needs a few words.
const minLen = 16

// cues are lower-case words one of which every pattern of
// internal/injection needs, checked before the regular expressions run;
// values with non-ASCII bytes (hidden unicode) or long unbroken runs
// (base64 blobs) are always scanned.
var cues = []string{"ignore", "disregard", "forget", "override", "instruction", "prompt", "assistant", "analyst",
	"model", "copilot", "llm", "chatbot", "gpt", " ai", "ai ", "you are now", "act as", "pretend", "system",
	"<|", "[inst", "<<sys", "###", "untrusted-data", "tool", "function", "arguments", "incident", "alert",
	"finding", "ticket", "action", "playbook", "do not", "don't", "never"}

// Detector implements detect.Detector. The zero value works, without the
// cache of values already found clean.
type Detector struct{ clean *cleanCache }

var _ detect.Detector = Detector{}

// New returns the detector.
func New() Detector { return Detector{clean: newCleanCache()} }

// Name implements detect.Detector.
func (Detector) Name() string { return "promptinject" }

// Version implements detect.Detector.
func (Detector) Version() string { return "1" }

// Detect scans the event's text values (and, for email, the raw message)
// and emits one finding naming the fields and the reasons.
func (d Detector) Detect(_ context.Context, ev *event.Event, emit func(finding.Finding)) {
	var fields, reasons []string
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Kind != event.KindString || len(f.Value) < minLen || d.clean.has(f.Value) || !worthScanning(f.Value) {
			continue
		}
		if rs := injection.Scan(f.Value); len(rs) > 0 {
			fields = append(fields, f.Key)
			reasons = append(reasons, rs...)
		} else {
			d.clean.add(f.Value)
		}
	}
	if ev.Format == event.FormatEML && worthScanning(string(ev.Raw)) {
		if rs := injection.Scan(string(ev.Raw)); len(rs) > 0 {
			fields = append(fields, "email message")
			reasons = append(reasons, rs...)
		}
	}
	if len(reasons) == 0 {
		return
	}
	fields, reasons = unique(fields), unique(reasons)
	tags := []string{"prompt_injection", "atlas.AML.T0051"}
	for _, f := range fields {
		tags = append(tags, "field:"+f)
	}
	emit(finding.Finding{
		ID:         finding.DeriveID("promptinject", RuleID, []string{ev.ID}),
		Time:       ev.Time,
		Detector:   "promptinject",
		RuleID:     RuleID,
		Title:      "Text aimed at an AI analyst in " + strings.Join(fields, ", "),
		Severity:   finding.SeverityMedium,
		Confidence: min(0.5+0.1*float64(len(reasons)), 0.9),
		Entities:   ev.Entities,
		EventIDs:   []string{ev.ID},
		Tags:       tags,
		Explanation: fmt.Sprintf("The event's %s contain text written to steer an AI analyst (%s). "+
			"It is data from the event's source and is never followed; whoever wrote it is probably "+
			"trying to hide or redirect an attack, so treat the source as hostile.",
			strings.Join(fields, ", "), strings.Join(reasons, "; ")),
		IngestedAt: ev.Ingested,
	})
}

// worthScanning is the cheap screen before the regular expressions.
func worthScanning(v string) bool {
	run := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			return true
		}
		if c == ' ' || c == '\n' || c == '\t' {
			run = 0
		} else if run++; run >= 40 {
			return true
		}
	}
	low := strings.ToLower(v)
	for _, c := range cues {
		if strings.Contains(low, c) {
			return true
		}
	}
	return false
}

func unique(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
