package sim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-soc/vigil/internal/detect/sigmarules"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// TestRansomwareMatchesSigmaHQ runs the SigmaHQ rules (github.com/SigmaHQ/sigma
// @ 8eaafff1, /work/shared/data/README.md) for shadow-copy deletion, boot
// configuration tampering and a cleared Security log over the simulated
// Windows events: every ransomware-precursors instance must be detected by
// each of them, and no benign Windows event may match.
func TestRansomwareMatchesSigmaHQ(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "..", "shared", "data", "sigma", "rules", "windows")
	want := map[string]string{
		"c947b146-0abc-4c87-9c64-b17e9d7274a2": "process_creation/proc_creation_win_susp_shadow_copies_deletion.yml",
		"1444443e-6757-43e4-9ea4-c8fc705f79a2": "process_creation/proc_creation_win_bcdedit_boot_conf_tamper.yml",
		"d99b79d2-0a6f-4f46-ad8b-260b6e17f982": "builtin/security/win_security_audit_log_cleared.yml",
	}
	var paths []string
	for _, f := range want {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if _, err := os.Stat(p); err != nil {
			t.Skipf("SigmaHQ rules not available: %v", err)
		}
		paths = append(paths, p)
	}
	l, err := sigmarules.Load(paths, sigma.Config{Pipeline: sigma.WindowsPipeline()}, nil)
	if err != nil || len(l.Errors) > 0 {
		t.Fatalf("load: %v %v", err, l.Errors)
	}
	s, _ := smallAll(t)
	labelled := map[string]string{} // event id -> scenario
	for _, in := range readLabels(t, s) {
		for _, id := range in.EventIDs {
			labelled[id] = in.Scenario
		}
	}
	set := decode.NewSet()
	var ev event.Event
	hits := map[string]int{}
	for i, line := range s.lines("events/windows.ndjson") {
		if err := set.Decode(event.FormatWinFlat, line, &ev); err != nil {
			t.Fatal(err)
		}
		l.Ruleset.Match(sigmarules.Wrap(&ev), func(r *sigma.Rule) {
			if labelled[ev.ID] != "ransomware-precursors" {
				t.Errorf("windows.ndjson:%d: benign event matches %s", i+1, r.Title)
			}
			hits[r.ID]++
		})
	}
	_, m := smallAll(t)
	for id, f := range want {
		if hits[id] < m.Scenarios["ransomware-precursors"] {
			t.Errorf("%s matched %d events, want ≥ %d (one per instance)", f, hits[id], m.Scenarios["ransomware-precursors"])
		}
	}
}
