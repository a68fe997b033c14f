package sigma

import (
	"strconv"
	"testing"
)

// TestStrMapAgreesWithMap: a strMap finds every key of the map it was built
// from, with its value, and no other string, among keys that share their
// length and sampled bytes.
func TestStrMapAgreesWithMap(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 500} {
		m := map[string]int{}
		for i := range n {
			m["Microsoft-Windows-"+strconv.Itoa(i)+"/Operational"] = i
		}
		if n > 0 {
			m[""] = -1
		}
		x := newStrMap(m)
		if x.len() != len(m) {
			t.Errorf("n=%d: len %d, want %d", n, x.len(), len(m))
		}
		for i := -1; i < n+50; i++ {
			for _, k := range []string{"Microsoft-Windows-" + strconv.Itoa(i) + "/Operational", strconv.Itoa(i), ""} {
				want, wantOK := m[k]
				if got, ok := x.get(k); ok != wantOK || got != want {
					t.Fatalf("n=%d: get(%q) = %d, %v; want %d, %v", n, k, got, ok, want, wantOK)
				}
			}
		}
	}
}
