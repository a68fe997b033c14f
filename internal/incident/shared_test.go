package incident

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

func obs(s *SharedTracker, at time.Duration, e event.Entities) {
	s.ObserveEvent(&event.Event{Time: t0.Add(at), Entities: e})
}

func TestSharedTrackerCountsUsersWithinWindow(t *testing.T) {
	s := NewSharedTracker(3, time.Hour)
	for i := range 3 {
		obs(s, time.Duration(i)*time.Minute, event.Entities{User: fmt.Sprintf("u%d", i), Host: "WS-ED-1", Patient: "p1"})
	}
	obs(s, 4*time.Minute, event.Entities{User: "U0", Host: "ws-ed-1"}) // same user again, other case
	if s.Shared("host:ws-ed-1") || s.Shared("patient:p1") {
		t.Fatal("three users are not more than three")
	}
	obs(s, 5*time.Minute, event.Entities{User: "u3", Host: "ws-ed-1", Patient: "p1", SrcIP: "10.0.0.1"})
	if !s.Shared("host:ws-ed-1") || !s.Shared("patient:p1") {
		t.Error("a fourth user within the window makes host and patient shared")
	}
	if s.Shared("ip:10.0.0.1") {
		t.Error("the ip saw one user")
	}
	// Users spread over more than the window never add up.
	for i := range 6 {
		obs(s, time.Duration(i)*2*time.Hour, event.Entities{User: fmt.Sprintf("v%d", i), Host: "ws-office"})
	}
	if s.Shared("host:ws-office") {
		t.Error("one user every two hours is a reassigned desk, not a shared one (window 1h)")
	}
	obs(s, time.Hour, event.Entities{Host: "ws-x"}) // no user: nothing learned
	if s.Len() != 4 {
		t.Errorf("tracked keys = %d, want 4 (host ws-ed-1, patient p1, ip, host ws-office)", s.Len())
	}
}

func TestSharedTrackerBounded(t *testing.T) {
	s := NewSharedTracker(1, time.Hour)
	s.MaxKeys = 10
	for i := range 100 {
		obs(s, 0, event.Entities{User: "u", Host: fmt.Sprintf("h%d", i)})
	}
	if s.Len() > 10 {
		t.Errorf("%d keys tracked, bound 10", s.Len())
	}
}

func TestSharedTrackerConcurrent(t *testing.T) {
	s := NewSharedTracker(3, time.Hour)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				obs(s, time.Duration(i)*time.Second, event.Entities{User: fmt.Sprintf("u%d", g), Host: "ws"})
				s.Shared("host:ws")
			}
		})
	}
	wg.Wait()
	if !s.Shared("host:ws") {
		t.Error("four users on one host")
	}
}

// A workstation the telemetry shows as shared joins no findings of
// different users, even before any finding shows that.
func TestCorrelatorSkipsTelemetrySharedHost(t *testing.T) {
	s := NewSharedTracker(3, time.Hour)
	for i := range 5 {
		obs(s, 0, event.Entities{User: fmt.Sprintf("nurse%d", i), Host: "ws-ed-1"})
	}
	c := NewCorrelator(Config{Shared: s})
	a := fnd("a", time.Minute, finding.SeverityHigh, event.Entities{User: "nurse1", Host: "ws-ed-1"})
	b := fnd("b", 2*time.Minute, finding.SeverityHigh, event.Entities{User: "nurse2", Host: "ws-ed-1"})
	ca, cb := c.Add(&a), c.Add(&b)
	if ca == nil || cb == nil || ca.IncidentID == cb.IncidentID {
		t.Fatalf("two users on a shared workstation joined: %+v %+v", ca, cb)
	}
	plain := NewCorrelator(Config{})
	ca, cb = plain.Add(&a), plain.Add(&b)
	if cb == nil || ca.IncidentID != cb.IncidentID {
		t.Fatalf("without telemetry the host joins them (finding-based hub count not reached): %+v %+v", ca, cb)
	}
}

// go test -run '^$' -bench SharedTrackerObserve ./internal/incident/
func BenchmarkSharedTrackerObserve(b *testing.B) {
	s := NewSharedTracker(3, time.Hour)
	evs := make([]event.Event, 4096)
	for i := range evs {
		evs[i] = event.Event{Time: t0.Add(time.Duration(i) * time.Second), Entities: event.Entities{
			User: fmt.Sprintf("user%d", i%300), SrcIP: fmt.Sprintf("10.0.%d.%d", i%7, i%250), Patient: fmt.Sprintf("pat-%06d", i%5000)}}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.ObserveEvent(&evs[i%len(evs)])
	}
}
