package peers

import (
	"context"
	"flag"
	"testing"
)

// The differential test evaluates every diffStride-th line of
// windows-dev.ndjson.gz (101,320 lines): the default, 5, gives 20,264
// events from all 37 simulations of the file in about a minute on two
// cores; -diff.stride=1 runs the whole file (about five minutes).
var (
	diffStride = flag.Int("diff.stride", 5, "evaluate every n-th event of windows-dev.ndjson.gz")
	diffMax    = flag.Int("diff.max", 1<<30, "evaluate at most this many events")
)

func TestSigmaDifferential(t *testing.T) {
	c := loadCorpus(t)
	if *diffStride < 1 {
		t.Fatalf("-diff.stride=%d: must be at least 1", *diffStride)
	}
	evs := loadEvents(t, *diffMax, *diffStride)
	t.Logf("rule files %d; Vigil rules %d; sigma-go rules %d; both %d; excluded:\n%s",
		c.files, c.vigilRules, c.peerRules, len(c.pairs), c.exclusionSummary())
	d, err := runDiff(context.Background(), c, evs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("events %d; matches: Vigil %d, sigma-go %d, both %d; disagreements %d on %d rules; sigma-go errors %d %s",
		d.events, d.vigilMatches, d.peerMatches, d.bothMatch, d.disagreements(), len(d.rules), d.peerErrors, d.firstPeerError)
	for _, r := range d.sortedRules() {
		k, ok := knownDisagreements[r.id]
		switch {
		case !ok:
			t.Errorf("unexplained disagreement: %v", r)
		case r.vigilOnly > 0 && k.only != "vigil", r.peerOnly > 0 && k.only != "sigma-go":
			t.Errorf("disagreement in the other direction than %q (%s) explains: %v", k.class, k.only, r)
		default:
			t.Logf("%s: %v", k.class, r)
		}
	}
	if d.peerErrors > 0 {
		t.Errorf("sigma-go failed %d evaluations (rules it cannot evaluate should be excluded), first: %s",
			d.peerErrors, d.firstPeerError)
	}
	if d.bothMatch == 0 {
		t.Error("the engines agree on no match at all: the comparison is not exercising anything")
	}
	for id, k := range knownDisagreements {
		if _, ok := d.rules[id]; !ok {
			t.Logf("known disagreement not seen on these events: %s (%s)", id, k.class)
		}
	}
}
