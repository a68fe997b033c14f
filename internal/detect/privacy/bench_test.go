package privacy

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
)

// The benchmark hospital: 3,000 staff, 100,000 patients (about 200,000
// encounters, 30,000 care teams), and 200,000 decoded AuditEvents of the
// benign mix with every 50th access by a random user to a random patient.
var bench struct {
	once       sync.Once
	holder     *hospital.Holder
	evs        []*event.Event
	ctxBytes   uint64
	importTime time.Duration // CPU time
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func benchSetup(b *testing.B) {
	bench.once.Do(func() {
		g := generate(42, 3000, 100_000, t0)
		before := heapInUse()
		start := cpuTime()
		bench.holder = loadContext(b, g.files)
		bench.importTime = cpuTime() - start
		g.files = nil
		bench.ctxBytes = heapInUse() - before
		accs := g.benign(42, 200_000)
		for i := range accs {
			if i%50 == 0 {
				accs[i].user = g.staff[(i*7919)%len(g.staff)].user
				accs[i].patient = fmt.Sprintf("pat-%06d", (i*104729)%100_000)
			}
			accs[i].id = fmt.Sprintf("ae-%d", i)
		}
		for _, a := range accs {
			ev := new(event.Event)
			if err := decoders.Decode(event.FormatFHIR, []byte(a.json()), ev); err != nil {
				b.Fatal(err)
			}
			bench.evs = append(bench.evs, ev)
		}
	})
}

// BenchmarkDetect: AuditEvents per second through the privacy detector
// (run with -cpu 1 for the per-core figure).
func BenchmarkDetect(b *testing.B) {
	benchSetup(b)
	d := New(Config{Context: bench.holder.Current})
	ctx := context.Background()
	found := 0
	emit := func(finding.Finding) { found++ }
	b.ReportAllocs()
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		d.Detect(ctx, bench.evs[i%len(bench.evs)], emit)
		i++
	}
	// On a shared machine wall-clock time includes waiting for a core;
	// events per CPU-second (user + system time of this process, GC
	// included) is the per-core figure.
	b.ReportMetric(float64(i)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
	s := d.Stats()
	b.ReportMetric(100*float64(s.Explained)/float64(max(s.Accesses, 1)), "%explained")
	b.ReportMetric(float64(bench.ctxBytes)/(1<<20), "context-MiB")
	b.ReportMetric(bench.importTime.Seconds(), "import-cpu-s")
}

// BenchmarkStateBytes: heap and snapshot bytes per active entity (user or
// patient with state) after one pass over the 200,000 events.
func BenchmarkStateBytes(b *testing.B) {
	benchSetup(b)
	for b.Loop() {
		before := heapInUse()
		d := New(Config{Context: bench.holder.Current})
		for _, ev := range bench.evs {
			d.Detect(context.Background(), ev, func(finding.Finding) {})
		}
		heap := heapInUse() - before
		snap, err := d.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		entities := float64(len(d.st.Users) + len(d.st.Patients))
		b.ReportMetric(float64(heap)/entities, "heap-B/entity")
		b.ReportMetric(float64(len(snap))/entities, "snapshot-B/entity")
		b.ReportMetric(float64(len(d.st.Users)), "users")
		b.ReportMetric(float64(len(d.st.Patients)), "patients")
		runtime.KeepAlive(d)
	}
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
