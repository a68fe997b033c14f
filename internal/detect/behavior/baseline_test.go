package behavior

import (
	"math"
	"reflect"
	"testing"

	"github.com/vigil-soc/vigil/internal/finding"
)

func TestRingSlidesAndStats(t *testing.T) {
	var r Ring
	for _, v := range []uint32{10, 12, 11, 500, 9} { // one outlier
		r.Push(v)
	}
	med, mad := r.Stats()
	if med != 11 || mad != 1 {
		t.Fatalf("median %v MAD %v, want 11 and 1 (robust to the outlier)", med, mad)
	}
	for i := 0; i < ringLen; i++ {
		r.Push(100)
	}
	if med, mad := r.Stats(); med != 100 || mad != 0 || r.N != ringLen {
		t.Fatalf("old values not forgotten: %v %v n=%d", med, mad, r.N)
	}
	var p PeerRing
	for i := 0; i < peerLen+10; i++ {
		p.Push(uint32(i))
	}
	if len(p.V) != peerLen || p.V[0] != peerLen || p.V[10] != 10 {
		t.Fatalf("peer ring: len %d first %d", len(p.V), p.V[0])
	}
}

func TestAnomalousRules(t *testing.T) {
	cfg := Defaults()
	b := baseline{Med: 20, MAD: 3}
	// scale = max(1.4826·3, 5, 1) = 5; threshold 20 + 4·5 = 40, ratio 2·20 = 40
	if _, ok := anomalous(&cfg, b, 39, 30, 0); ok {
		t.Fatal("39 flagged")
	}
	if z, ok := anomalous(&cfg, b, 40, 30, 0); !ok || z != 4 {
		t.Fatalf("40: z=%v ok=%v", z, ok)
	}
	// the absolute floor: a user who reads 2 patients a day reading 12
	if _, ok := anomalous(&cfg, baseline{Med: 2}, 12, 30, 0); ok {
		t.Fatal("12 patients flagged")
	}
	if s, ok := anomalous(&cfg, baseline{Cold: true}, 150, 30, 150); !ok || s != cfg.ZThreshold {
		t.Fatalf("cold floor: %v %v", s, ok)
	}
	if _, ok := anomalous(&cfg, baseline{Cold: true}, 149, 30, 150); ok {
		t.Fatal("below the cold floor flagged")
	}
}

func TestSeverityMapping(t *testing.T) {
	cfg := Defaults()
	for _, c := range []struct {
		z    float64
		sev  finding.Severity
		conf float64
	}{{4, finding.SeverityMedium, 0.5}, {7.9, finding.SeverityMedium, 0.78}, {8, finding.SeverityHigh, 0.78}, {40, finding.SeverityHigh, 0.95}} {
		sev, conf := severityFor(&cfg, c.z)
		if sev != c.sev || math.Abs(conf-c.conf) > 0.011 {
			t.Errorf("z=%v: %s %.2f, want %s %.2f", c.z, sev, conf, c.sev, c.conf)
		}
	}
}

func TestSetAndEvidence(t *testing.T) {
	var s Set
	for i := uint32(1); i <= 5; i++ {
		s.Add(i, 3)
	}
	if s.Has(1) || s.Has(2) || !s.Has(3) || !s.Has(5) {
		t.Fatalf("FIFO set: %v", s.H)
	}
	if s.Add(5, 3) {
		t.Fatal("re-adding a member reported new")
	}
	var e Evidence
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		e.Add(id, 3)
	}
	if got := e.List("e"); !reflect.DeepEqual(got, []string{"c", "d", "e"}) {
		t.Fatalf("evidence %v", got)
	}
	if got := e.List("z"); !reflect.DeepEqual(got, []string{"c", "d", "e", "z"}) {
		t.Fatalf("evidence %v", got)
	}
}

func TestHelpers(t *testing.T) {
	if km := haversineKm(42.36, -71.06, 51.51, -0.13); math.Abs(km-5265) > 30 {
		t.Fatalf("Boston-London %v km", km)
	}
	for ip, ext := range map[string]bool{"10.1.1.1": false, "192.168.0.1": false, "100.64.1.1": false,
		"8.8.8.8": true, "2001:db8::1": true, "fe80::1": false, "bogus": false, "::ffff:10.0.0.1": false} {
		if isExternal(ip) != ext {
			t.Errorf("isExternal(%s) != %v", ip, ext)
		}
	}
	if n, ok := trailingNumber("pat-000123"); !ok || n != 123 {
		t.Fatal(n)
	}
	if _, ok := trailingNumber("pat-x"); ok {
		t.Fatal("no digits parsed")
	}
	if _, ok := trailingNumber("12345678901234567890"); ok {
		t.Fatal("overlong number parsed")
	}
}
