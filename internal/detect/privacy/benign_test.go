package privacy

import (
	"testing"
)

// TestRandomBenignWorkloadIsExplained: on generated hospitals (three seeds)
// at least 95 % of legitimate accesses are explained, and the few findings
// are only the relationships the generator leaves to chance (neighbours).
func TestRandomBenignWorkloadIsExplained(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		g := generate(seed, 200, 2000, t0)
		h := loadContext(t, g.files)
		d := New(Config{Context: h.Current})
		fs := run(t, d, g.benign(seed, 6000)...)
		s := d.Stats()
		share := float64(s.Explained) / float64(s.Accesses)
		t.Logf("seed %d: %d accesses, %.2f %% explained, %d flagged, %d unexplained-unflagged, %d findings",
			seed, s.Accesses, 100*share, s.Flagged, s.Unflagged, len(fs))
		if s.Accesses != 6000 || share < 0.95 {
			t.Errorf("seed %d: explained share %.3f < 0.95 (%+v)", seed, share, s)
		}
		for _, f := range fs {
			if f.RuleID != "privacy.neighbor" {
				t.Errorf("seed %d: benign access gave %s: %s", seed, f.RuleID, f.Explanation)
			}
		}
	}
}
