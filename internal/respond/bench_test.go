package respond

import (
	"fmt"
	"testing"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/playbooks"
)

// BenchmarkHandleFindingNoMatch is the cost added to the detector's path for
// a finding no playbook triggers on (the built-ins trigger on incidents).
func BenchmarkHandleFindingNoMatch(b *testing.B) {
	pbs, _ := LoadFS(playbooks.FS, ".", "builtin")
	eng, _ := New(Config{Playbooks: pbs, DryRun: true})
	s := SubjectFromFinding(finding.Finding{ID: "f", Detector: "sigma", RuleID: "x", Severity: finding.SeverityHigh})
	b.ReportAllocs()
	for b.Loop() {
		if err := eng.HandleFinding(b.Context(), s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandleIncident plans and stores (SQLite) one matching playbook
// run: render inputs, guard, insert the action and its audit record.
func BenchmarkHandleIncident(b *testing.B) {
	h := newHarness(b, false)
	pbs, _ := LoadFS(playbooks.FS, ".", "builtin")
	h.eng, _ = New(Config{Store: h.st, Audit: h.eng.cfg.Audit, Exec: h.exec, Safety: safety, Playbooks: pbs})
	i := 0
	for b.Loop() {
		i++
		s := incident(fmt.Sprintf("inc-%d", i), finding.SeverityHigh, []string{"behavior.device-beaconing"}, "device:ws-office-9")
		if err := h.eng.HandleIncident(b.Context(), s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderTemplate(b *testing.B) {
	pbs, _ := LoadFS(playbooks.FS, ".", "builtin")
	var pb *Playbook
	for _, p := range pbs {
		if p.Name == "notify-privacy-officer" {
			pb = p
		}
	}
	s := incident("inc-1", finding.SeverityHigh, []string{"privacy.coworker"}, "user:jdoe42", "patient:pat-000123")
	tm := pb.Steps[0].With["body"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render(tm, s); err != nil {
			b.Fatal(err)
		}
	}
}
