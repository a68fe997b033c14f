package behavior

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// Benchmarks build events as the decoders do (same fields and entities)
// without decoding, so they measure the detector alone.

func benchEHR(at time.Time, user, patient, action string) *event.Event {
	ev := &event.Event{ID: fmt.Sprintf("ae-%s-%d", user, at.UnixNano()), Time: at, Format: event.FormatFHIR,
		Entities: event.Entities{User: user, SrcIP: "10.1.2.3", Patient: patient, Host: "ehr-prod"}}
	ev.Add(event.FieldAction, action, event.KindString)
	ev.Add(event.FieldOutcome, "success", event.KindString)
	return ev
}

func benchECS(at time.Time, ents event.Entities, kv ...string) *event.Event {
	ev := &event.Event{ID: fmt.Sprintf("ecs-%d-%s", at.UnixNano(), ents.PartitionKey()), Time: at,
		Format: event.FormatECS, Entities: ents}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Add(kv[i], kv[i+1], event.KindString)
	}
	return ev
}

// mixedWorkload is one simulated day: 60 % EHR reads by 500 users, 15 %
// logons, 20 % device flows from 100 devices, 5 % proxy requests.
func mixedWorkload(n int) []*event.Event {
	evs := make([]*event.Event, 0, n)
	step := 24 * time.Hour / time.Duration(n)
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(i) * step)
		user := fmt.Sprintf("user%03d", (i/20)%500) // every user gets every kind of event
		switch r := i % 20; {
		case r < 12:
			evs = append(evs, benchEHR(at, user, fmt.Sprintf("pat-%06d", (i*7919)%100000), "read"))
		case r < 15:
			evs = append(evs, benchECS(at, event.Entities{User: user, SrcIP: fmt.Sprintf("198.51.100.%d", i%200)},
				"event.dataset", "auth", "event.action", "logon", "event.outcome", "success",
				"source.geo.country_iso_code", "US", "source.geo.location.lat", "42.3", "source.geo.location.lon", "-71.0"))
		case r < 19:
			dev := fmt.Sprintf("AST-%04d", i%100)
			evs = append(evs, benchECS(at, event.Entities{Device: dev, SrcIP: "10.40.0.1", DstIP: "10.10.0.5"},
				"event.dataset", "network", "destination.port", "2575", "network.protocol", "hl7", "source.bytes", "2048"))
		default:
			evs = append(evs, benchECS(at, event.Entities{User: user, SrcIP: "10.40.2.50"},
				"event.dataset", "proxy", "url.domain", "www.example.org", "http.request.method", "GET"))
		}
	}
	return evs
}

// BenchmarkMixed reports events/s through the detector (run with -cpu 1).
func BenchmarkMixed(b *testing.B) {
	evs := mixedWorkload(100_000)
	d := New(Config{})
	ctx := context.Background()
	var found int
	emit := func(finding.Finding) { found++ }
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ev := evs[i%len(evs)]
		if i > 0 && i%len(evs) == 0 { // the next day
			for _, e := range evs {
				e.Time = e.Time.Add(24 * time.Hour)
			}
		}
		d.Detect(ctx, ev, emit)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(found), "findings")
}

// BenchmarkStatePerEntity reports the heap bytes of state per active
// entity after every user had a full week of EHR access and logons.
func BenchmarkStatePerEntity(b *testing.B) {
	const users = 5000
	for i := 0; i < b.N; i++ {
		d := New(Config{})
		ctx := context.Background()
		emit := func(finding.Finding) {}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		for day := 0; day < 7; day++ {
			for k := 0; k < 30; k++ { // 30 distinct patients a day, in order of users
				at := t0.Add(time.Duration(day)*24*time.Hour + 8*time.Hour + time.Duration(k)*15*time.Minute)
				for u := 0; u < users; u++ {
					user := fmt.Sprintf("user%05d", u)
					d.Detect(ctx, benchEHR(at, user, fmt.Sprintf("pat-%06d", (u*31+k*977+day*7)%100000), "read"), emit)
					if k == 0 {
						d.Detect(ctx, benchECS(at, event.Entities{User: user, SrcIP: fmt.Sprintf("203.0.113.%d", u%250)},
							"event.dataset", "auth", "event.action", "logon", "event.outcome", "success", "device.id", "laptop-"+user,
							"source.geo.country_iso_code", "US", "source.geo.location.lat", "42.3", "source.geo.location.lon", "-71.0"), emit)
					}
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		n := d.Entities()
		b.ReportMetric(float64(ms.HeapAlloc-before)/float64(n), "B/entity")
		snap, _ := d.Snapshot()
		b.ReportMetric(float64(len(snap))/float64(n), "snapshotB/entity")
		runtime.KeepAlive(d)
	}
}

// BenchmarkSnapshot reports the time to snapshot and restore the state of
// 5,000 users with a week of history, per entity.
func BenchmarkSnapshot(b *testing.B) {
	d := New(Config{})
	ctx := context.Background()
	emit := func(finding.Finding) {}
	for day := 0; day < 7; day++ {
		for k := 0; k < 30; k++ {
			at := t0.Add(time.Duration(day)*24*time.Hour + 8*time.Hour + time.Duration(k)*15*time.Minute)
			for u := 0; u < 5000; u++ {
				d.Detect(ctx, benchEHR(at, fmt.Sprintf("user%05d", u), fmt.Sprintf("pat-%06d", (u*31+k*977+day*7)%100000), "read"), emit)
			}
		}
	}
	n := d.Entities()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		snap, err := d.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		if err := New(Config{}).Restore(snap); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*n), "ns/entity")
}
