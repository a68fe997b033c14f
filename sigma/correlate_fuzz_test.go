package sigma

import (
	"testing"
	"time"
)

// FuzzCorrelation parses correlation documents next to the base rules,
// builds a Correlator, feeds it events and round-trips its snapshot: bad
// input must give errors, never a panic.
func FuzzCorrelation(f *testing.F) {
	f.Add(eventCount3, []byte(`{"v":1}`))
	f.Add(temporalCorr, []byte(`{"v":1,"corrs":{"Fail then success":{"mark":5,"groups":[{"k":["a"],"e":[{"s":1,"t":3}]}]}}}`))
	f.Add(chained, []byte("{"))
	f.Add("title: x\ncorrelation:\n    type: value_percentile\n    rules: [transfer]\n    timespan: 1s\n    condition:\n        field: Bytes\n        percentile: 1\n        lt: 3\n", []byte(`{"v":1,"corrs":{"x":{"groups":[null]}}}`))
	f.Fuzz(func(t *testing.T, corr string, snap []byte) {
		docs, _ := Parse([]byte(corrBase+"---\n"+corr), "fuzz.yml")
		k, _ := NewCorrelator(docs.Rules, docs.Correlations, CorrelatorConfig{MaxGroups: 4, MaxEvents: 4})
		_ = k.Restore(snap)
		rs, _ := Compile(docs.Rules, Config{})
		evs := []MapEvent{
			{"EventID": "4625", "User": "a", "Bytes": "3"},
			{"EventID": "4624", "User": "a", "Account": "a"},
			{"EventID": "5156", "Account": "a", "Bytes": "10"},
		}
		for i := range 12 {
			ev := winEvent{evs[i%3]}
			rs.Match(ev, func(r *Rule) {
				k.Observe(r, ev, "e", time.Unix(int64(i*i), 0), func(CorrelationMatch) {})
			})
		}
		out, err := k.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Restore(out); err != nil {
			t.Fatalf("own snapshot refused: %v", err)
		}
	})
}
