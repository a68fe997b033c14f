package assist

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

// BenchmarkDeterministicSummary measures POST …/summary's work for an
// incident of 50 findings and 100 evidence events on SQLite: gathering the
// evidence, the injection scan, the templates and citation validation.
func BenchmarkDeterministicSummary(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir()+"/vigil.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var evs []*event.Event
	var fs []finding.Finding
	for i := range 50 {
		ids := []string{fmt.Sprintf("ev-%d-a", i), fmt.Sprintf("ev-%d-b", i)}
		for _, id := range ids {
			evs = append(evs, &event.Event{ID: id, Time: t0.Add(time.Duration(i) * time.Minute), Format: "ecs",
				Entities: event.Entities{User: "jdoe42", Patient: fmt.Sprintf("pat-%06d", i)},
				Fields: []event.Field{{Key: "event.action", Value: "read"}, {Key: "user_agent.original", Value: "Mozilla/5.0 (Windows NT 10.0)"},
					{Key: "url.full", Value: "https://ehr.example.org/fhir/Patient/" + fmt.Sprint(i)}}})
		}
		fs = append(fs, finding.Finding{ID: fmt.Sprintf("f-%d", i), Time: t0.Add(time.Duration(i) * time.Minute),
			Detector: "privacy", RuleID: "privacy.neighbor", Title: "neighbour's record opened", Severity: finding.SeverityHigh,
			Confidence: 0.8, Entities: event.Entities{User: "jdoe42", Patient: fmt.Sprintf("pat-%06d", i)}, EventIDs: ids,
			Techniques: []string{"T1213"}})
	}
	if _, err := st.InsertEvents(ctx, evs); err != nil {
		b.Fatal(err)
	}
	if _, err := st.PutFindings(ctx, fs); err != nil {
		b.Fatal(err)
	}
	if err := incident.NewManager(st, incident.Config{}, incident.Options{}).HandleFindings(ctx, fs); err != nil {
		b.Fatal(err)
	}
	svc := NewService(ServiceDeps{Source: st})
	id := incident.IDFor("f-0")
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		a, err := svc.Summarize(ctx, id, "bench")
		if err != nil || len(a.Statements) == 0 {
			b.Fatal(err, a)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/summary")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/summary")
}

// cpuTime is the process's user+system CPU time: on a shared machine it
// measures the work, where wall time also counts waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
