package behavior

import (
	"bufio"
	"compress/gzip"
	"os"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
)

// windowsDev is the shared real Windows sample (OTRF Security-Datasets, see
// shared/data/README.md): 101,320 events of 37 attack simulations, with
// logons (4624) and 3 failed logons (4625) but no brute force or spraying.
const windowsDev = "../../../../shared/data/events/windows-dev.ndjson.gz"

// TestRealWindowsEventsRaiseNoAlarms runs every event of the sample through
// the detector: logons feed activity baselines, the few failures stay below
// the burst and spray thresholds, and nothing crashes.
func TestRealWindowsEventsRaiseNoAlarms(t *testing.T) {
	f, err := os.Open(windowsDev)
	if err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	d := New(Config{})
	var n, logons int
	for sc.Scan() {
		ev := new(event.Event)
		if err := decoders.Decode(event.FormatAuto, sc.Bytes(), ev); err != nil {
			continue // the decoders' own tests cover bad lines
		}
		n++
		if id, _ := ev.Get("EventID"); id == "4624" {
			logons++
		}
		if fs := run(d, ev); len(fs) != 0 {
			t.Errorf("event %d: %s: %s", n, rules(fs), fs[0].Explanation)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 100_000 || logons == 0 || d.Entities() == 0 {
		t.Fatalf("%d events, %d logons, %d entities: sample not read", n, logons, d.Entities())
	}
}
