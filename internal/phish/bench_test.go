package phish

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"
)

// BenchmarkAnalyzeMedian analyses the SpamAssassin message of median size
// (go test -bench AnalyzeMedian -cpu 1).
func BenchmarkAnalyzeMedian(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sharedData(b), "email", "spamassassin", "*", "*.eml"))
	if len(files) == 0 {
		b.Skip("shared data not found")
	}
	type fs struct {
		name string
		size int64
	}
	var all []fs
	for _, f := range files {
		st, _ := os.Stat(f)
		all = append(all, fs{f, st.Size()})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].size < all[j].size })
	raw, _ := os.ReadFile(all[len(all)/2].name)
	an, err := NewAnalyzer(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		an.Analyze(context.Background(), raw, nil, nil)
		n++
	}
	reportCPU(b, cpu0, n)
}

// cpuTime is the process's user + system CPU time. On a machine shared with
// other builds wall-clock ns/op is inflated by waiting for a core; CPU time
// per message is what one core spends (msgs/cpu-s = messages per second per
// core). The benchmark runs on one goroutine (use -cpu 1).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, cpu0 time.Duration, n int) {
	if d := cpuTime() - cpu0; d > 0 && n > 0 {
		b.ReportMetric(float64(n)/d.Seconds(), "msgs/cpu-s")
	}
}

// BenchmarkAnalyzeCorpus analyses every SpamAssassin message once per
// iteration; msgs/s is reported.
func BenchmarkAnalyzeCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sharedData(b), "email", "spamassassin", "*", "*.eml"))
	if len(files) == 0 {
		b.Skip("shared data not found")
	}
	var raws [][]byte
	for _, f := range files {
		r, _ := os.ReadFile(f)
		raws = append(raws, r)
	}
	an, _ := NewAnalyzer(nil)
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	defer func() { reportCPU(b, cpu0, n) }()
	for b.Loop() {
		for _, r := range raws {
			an.Analyze(context.Background(), r, nil, nil)
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
