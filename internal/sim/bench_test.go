package sim

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkGenerate measures generation speed per profile (three simulated
// days, all scenarios) into a counting sink: events/s of wall time and of
// process CPU time (the machine may be shared), and the Go runtime's memory
// from the OS. docs/BENCHMARKS.md: `GOMAXPROCS=1 go test -run '^$' -bench
// 'Generate/medium' -benchtime 1x ./internal/sim`.
func BenchmarkGenerate(b *testing.B) {
	for _, p := range []string{"small", "medium"} {
		b.Run(p, func(b *testing.B) {
			var events int
			var wall, cpu time.Duration
			for b.Loop() {
				sink := &DiscardSink{}
				start, c0 := time.Now(), cpuTime()
				m, err := Generate(Options{Profile: p, Days: 3, Seed: 1, Scenarios: ScenarioNames()}, sink)
				if err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				cpu += cpuTime() - c0
				events += m.TotalEvents()
			}
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
			b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
			b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-sys")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
