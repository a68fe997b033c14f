package peers

import (
	"context"
	"testing"
	"time"

	vsigma "github.com/vigil-soc/vigil/sigma"
)

// benchStride picks the benchmark's events: every 50th line of
// windows-dev.ndjson.gz, 2,027 events from all 37 simulations.
const benchStride = 50

// vigilReps is how many times each iteration runs Vigil over the events:
// one pass takes ~15 ms, too short to time steadily next to sigma-go's ~2 s.
const vigilReps = 20

// BenchmarkVigilVsSigmaGo runs both engines, one after the other on one
// goroutine, over the same pre-decoded events with the same rules (those
// both support) and reports each engine's events/s and their ratio
// (Vigil's rate over sigma-go's). Neither side's time includes JSON
// decoding. Vigil is sigma.Matcher.Match; sigma-go is RuleEvaluator.Matches
// for the rules its own RelevantToEvent routes to the event (memoised per
// Channel and EventID and warmed before the timer starts, so sigma-go gets
// the same logsource routing Vigil does at compile time).
func BenchmarkVigilVsSigmaGo(b *testing.B) {
	c := loadCorpus(b)
	evs := loadEvents(b, 1<<30, benchStride)
	ctx := context.Background()
	m := c.vigil.NewMatcher()
	router := newPeerRouter(c)
	vm, pm := 0, 0
	onMatch := func(*vsigma.Rule) { vm++ }
	for k := range evs { // warm: Vigil's buffers, sigma-go's routing memo
		m.Match(&evs[k].flat, onMatch)
		if _, err := router.rules(ctx, evs[k].peer); err != nil {
			b.Fatal(err)
		}
	}
	var vigilTime, peerTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		vm, pm = 0, 0
		t0 := time.Now()
		for r := 0; r < vigilReps; r++ {
			vm = 0
			for k := range evs {
				m.Match(&evs[k].flat, onMatch)
			}
		}
		t1 := time.Now()
		for k := range evs {
			idx, _ := router.rules(ctx, evs[k].peer)
			for _, j := range idx {
				if res, err := c.pairs[j].p.Matches(ctx, evs[k].peer); err == nil && res.Match {
					pm++
				}
			}
		}
		vigilTime += t1.Sub(t0)
		peerTime += time.Since(t1)
	}
	n := float64(b.N * len(evs))
	vigilRate, peerRate := vigilReps*n/vigilTime.Seconds(), n/peerTime.Seconds()
	b.ReportMetric(vigilRate, "vigil-events/s")
	b.ReportMetric(peerRate, "sigmago-events/s")
	b.ReportMetric(vigilRate/peerRate, "ratio")
	b.ReportMetric(float64(vm), "vigil-matches")
	b.ReportMetric(float64(pm), "sigmago-matches")
	b.ReportMetric(float64(len(evs)), "events")
	b.ReportMetric(float64(len(c.pairs)), "rules")
	b.ReportMetric(0, "ns/op")
}
