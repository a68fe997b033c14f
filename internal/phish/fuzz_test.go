package phish

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze: any bytes are analysed without panic, within the caps, and
// the verdict is one of the three.
func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/seeds/*.eml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(vipMail))
	f.Add([]byte(withAttachment("a.zip", "UEsDBAoAAAAAA")))
	an, err := NewAnalyzer(nil)
	if err != nil {
		f.Fatal(err)
	}
	cfg := &Config{OwnDomains: []string{"stbrigidhealth.org"}, VIPs: []VIP{{Name: "Daniel Reyes"}}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := an.Analyze(context.Background(), raw, cfg, nil)
		if r.Verdict != VerdictPhish && r.Verdict != VerdictSuspicious && r.Verdict != VerdictClean {
			t.Fatalf("verdict %q", r.Verdict)
		}
		if len(r.URLs) > MaxURLs || r.Score < 0 || r.Score > 100 {
			t.Fatalf("bounds: %d urls, score %d", len(r.URLs), r.Score)
		}
	})
}
