package sigma

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPatIndexAgreesWithMap checks that a bucket's pattern index gives the
// entries it was built from, and nothing for other patterns.
func TestPatIndexAgreesWithMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 3, 100, 5000} {
		byPat := map[int32][]int32{}
		for len(byPat) < n {
			p := r.Int32N(40000)
			for k := r.IntN(4); k >= 0; k-- {
				byPat[p] = append(byPat[p], r.Int32())
			}
		}
		x := newPatIndex(byPat)
		for p := int32(0); p < 40000; p++ {
			if got := x.lookup(p); !slices.Equal(got, byPat[p]) {
				t.Fatalf("n=%d: pattern %d: %v, want %v", n, p, got, byPat[p])
			}
		}
	}
}
