package behavior

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// mixedHistory covers every kind of state: EHR users with peers, logons,
// failures, devices and beacons.
func mixedHistory(t testing.TB) (head, tail []*event.Event) {
	head = append(head, history(t, "jdoe42", 7, 20)...)
	head = append(head, routine(t, "cfo1")...)
	head = append(head, pumpRoutine(t, 2)...)
	head = append(head, shifts(t, "nightnurse", 6, 19, 12)...)
	head = append(head, authEvent(t, day12, "password-reset", "cfo1", "event.actor", "helpdesk7"))
	for i := 0; i < 5; i++ {
		head = append(head, logon(t, day12.Add(time.Duration(i)*time.Second), fmt.Sprintf("u%d", i), london, "failure"))
	}
	tail = append(tail, workDay(t, "jdoe42", 7, 8, 8, 200)...)
	tail = append(tail, authEvent(t, day12.Add(time.Minute), "mfa-device-registered", "cfo1"),
		logon(t, day12.Add(90*time.Second), "cfo1", boston, "success"),
		logon(t, day12.Add(2*time.Minute), "cfo1", moscow, "success"))
	for i := 5; i < 12; i++ {
		tail = append(tail, logon(t, day12.Add(time.Duration(i)*time.Second), fmt.Sprintf("u%d", i), london, "failure"))
	}
	for i := 0; i < 20; i++ {
		tail = append(tail, flow(t, t0.Add(3*24*time.Hour+time.Duration(i)*time.Minute), "AST-0042", "", pumpIP, c2IP, 8443, "https", 300))
	}
	tail = append(tail, auditEvent(t, t0.Add(6*24*time.Hour+12*time.Hour), "nightnurse", "10.1.1.1", "pat-000042", "read", "0"))
	return head, tail
}

func TestRestartGivesSameVerdicts(t *testing.T) {
	head, tail := mixedHistory(t)
	d1 := New(Config{Directory: pumpDir()})
	run(d1, head...)
	snap, err := d1.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	d2 := New(Config{Directory: pumpDir()})
	if err := d2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if d1.Entities() != d2.Entities() {
		t.Fatalf("entities %d after restore, want %d", d2.Entities(), d1.Entities())
	}
	want, got := run(d1, tail...), run(d2, tail...)
	if len(want) < 6 {
		t.Fatalf("tail should produce several findings, got %s", rules(want))
	}
	for _, r := range []string{"mass-access", "mfa-after-reset", "impossible-travel", "password-spray", "device-beaconing", "off-hours"} {
		if len(only(want, r)) == 0 {
			t.Errorf("tail lacks %s: %s", r, rules(want))
		}
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("verdicts differ after restore:\nwant %s\n got %s", rules(want), rules(got))
	}
	// a fresh detector without the state misses what needs history
	if fresh := run(New(Config{Directory: pumpDir()}), tail...); len(only(fresh, "mfa-after-reset")) != 0 {
		t.Fatal("fresh detector knows about the reset")
	}
}

func TestRestoreRejectsBadSnapshots(t *testing.T) {
	d := New(Config{})
	run(d, history(t, "jdoe42", 2, 5)...)
	before := d.Entities()
	good, _ := d.Snapshot()
	for name, data := range map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("not a snapshot"),
		"truncated": good[:len(good)/2],
	} {
		if err := d.Restore(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if d.Entities() != before {
		t.Fatal("a failed restore changed the state")
	}
	// out-of-range indexes (a foreign or damaged snapshot) are rejected
	bad := New(Config{})
	run(bad, history(t, "x", 2, 5)...)
	bad.st.Users["x"].DayRing.N = 200
	data, err := bad.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Restore(data); err == nil || !strings.Contains(err.Error(), "bad ring") {
		t.Fatalf("bad ring restored: %v", err)
	}
	// empty state round-trips
	e, _ := New(Config{}).Snapshot()
	if err := d.Restore(e); err != nil || d.Entities() != 0 {
		t.Fatalf("empty snapshot: %v, %d entities", err, d.Entities())
	}
	run(d, history(t, "after", 1, 3)...) // maps usable after restoring an empty state
}

func TestStateIsBounded(t *testing.T) {
	d := New(Config{MaxEntities: 100})
	for i := 0; i < 1000; i++ {
		run(d, auditEvent(t, t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("user%d", i), "10.0.0.1", "pat-1", "read", "0"))
		if n := d.Entities(); n > 101 {
			t.Fatalf("%d entities held, bound 100", n)
		}
	}
	// the most recent users survive
	d.mu.Lock()
	_, recent := d.st.Users["user999"]
	_, old := d.st.Users["user0"]
	d.mu.Unlock()
	if !recent || old {
		t.Fatalf("eviction order: recent kept %v, oldest kept %v", recent, old)
	}
}

func TestIdleStateExpires(t *testing.T) {
	d := New(Config{IdleExpiry: 48 * time.Hour})
	run(d, auditEvent(t, t0, "gone", "10.0.0.1", "pat-1", "read", "0"))
	run(d, auditEvent(t, t0.Add(72*time.Hour), "here", "10.0.0.1", "pat-1", "read", "0"))
	d.mu.Lock()
	_, gone := d.st.Users["gone"]
	d.mu.Unlock()
	if gone || d.Entities() != 1 {
		t.Fatalf("idle user kept (%d entities)", d.Entities())
	}
}

func TestConcurrentDetectAndSnapshot(t *testing.T) {
	head, tail := mixedHistory(t)
	evs := append(head, tail...)
	d := New(Config{Directory: pumpDir()})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var n int
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(evs); i += 4 {
				d.Detect(ctx, evs[i], func(finding.Finding) { mu.Lock(); n++; mu.Unlock() })
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			if _, err := d.Snapshot(); err != nil {
				t.Error(err)
			}
			d.SetDirectory(pumpDir())
		}
	}()
	wg.Wait()
	if d.Entities() == 0 {
		t.Fatal("no state after concurrent detection")
	}
	cancel()
	var after int
	d.Detect(ctx, evs[0], func(finding.Finding) { after++ })
	if after != 0 {
		t.Fatal("cancelled context still detects")
	}
}
