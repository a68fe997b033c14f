package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestRoundTripAndDedupe(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{})
	ctx := context.Background()
	evs := testEvents("rt", 50, 100)
	dups, err := b.Publish(ctx, evs)
	if err != nil || dups != 0 {
		t.Fatalf("Publish = %d, %v; want 0 dups", dups, err)
	}
	// The same batch again (a client retrying) is recognised as duplicate.
	dups, err = b.Publish(ctx, testEvents("rt", 50, 100))
	if err != nil || dups != 50 {
		t.Fatalf("second Publish = %d, %v; want 50 dups", dups, err)
	}
	if dups, err = b.Publish(ctx, testEvents("new", 10, 10)); err != nil || dups != 0 {
		t.Fatalf("new batch = %d dups, %v; want 0", dups, err)
	}
	msgs, _, err := b.StreamInfo(ctx)
	if err != nil || msgs == 0 || msgs > 14 { // 7 users -> at most 7 partitions per batch
		t.Fatalf("StreamInfo msgs = %d, %v; want events packed into a few messages", msgs, err)
	}

	var c collector
	var got atomic.Pointer[event.Event]
	runConsume(t, b, "rt", 16, func(_ context.Context, evs []*event.Event) error {
		c.add(evs)
		for _, ev := range evs {
			if ev.ID == "rt-3" {
				got.Store(ev)
			}
		}
		return nil
	})
	waitFor(t, 10*time.Second, "60 events", func() bool { return len(c.snapshot()) >= 60 })
	time.Sleep(300 * time.Millisecond) // nothing more may arrive
	ids := c.snapshot()
	if len(ids) != 60 || countDistinct(ids) != 60 {
		t.Fatalf("consumed %d events (%d distinct), want 60 once each", len(ids), countDistinct(ids))
	}
	ev := got.Load()
	if ev == nil || ev.Entities.User != "user3" || string(ev.Raw) != string(evs[3].Raw) {
		t.Fatalf("decoded event rt-3 = %+v, want the published one", ev)
	}
	waitFor(t, 5*time.Second, "pending 0", func() bool {
		n, err := b.Pending(ctx, "rt")
		return err == nil && n == 0
	})
}

func TestPartitionStable(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{Partitions: 4})
	a := &event.Event{Entities: event.Entities{User: "alice", Host: "h1"}}
	a2 := &event.Event{Entities: event.Entities{User: "alice", Host: "h2"}}
	if b.Partition(a) != b.Partition(a2) {
		t.Fatal("same user went to different partitions")
	}
	seen := map[int]bool{}
	for _, u := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		p := b.Partition(&event.Event{Entities: event.Entities{User: u}})
		if p < 0 || p >= 4 {
			t.Fatalf("partition %d out of range", p)
		}
		seen[p] = true
	}
	if len(seen) < 2 {
		t.Fatalf("10 users all in one partition: %v", seen)
	}
}

func TestOverloaded(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{MaxBytes: 4096})
	_, err := b.Publish(context.Background(), testEvents("big", 40, 500))
	if !errors.Is(err, ErrOverloaded) {
		t.Fatalf("Publish into a full stream: err = %v, want ErrOverloaded", err)
	}
}

func TestDLQ(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{})
	ctx := context.Background()
	for i, reason := range []string{"line 1: bad json", "line 2: missing field id", "line 3: bad time"} {
		dl := DeadLetter{Format: "ecs", Source: "upload.ndjson", Reason: reason, Raw: []byte{byte('a' + i), 0, 0xff}}
		if err := b.PublishDLQ(ctx, dl); err != nil {
			t.Fatalf("PublishDLQ: %v", err)
		}
	}
	// Identical dead letter: deduplicated.
	if err := b.PublishDLQ(ctx, DeadLetter{Format: "ecs", Source: "upload.ndjson", Reason: "line 1: bad json", Raw: []byte{'a', 0, 0xff}}); err != nil {
		t.Fatal(err)
	}
	all, err := b.ListDLQ(ctx, 0, 0)
	if err != nil || len(all) != 3 {
		t.Fatalf("ListDLQ = %d, %v; want 3", len(all), err)
	}
	if all[1].Reason != "line 2: missing field id" || !slices.Equal(all[1].Raw, []byte{'b', 0, 0xff}) || all[1].Time.IsZero() {
		t.Fatalf("dead letter 2 = %+v", all[1])
	}
	page, err := b.ListDLQ(ctx, all[0].Seq, 1)
	if err != nil || len(page) != 1 || page[0].Seq != all[1].Seq {
		t.Fatalf("page after first = %+v, %v", page, err)
	}
	if err := b.DeleteDLQ(ctx, all[1].Seq); err != nil {
		t.Fatal(err)
	}
	left, err := b.ListDLQ(ctx, 0, 10)
	if err != nil || len(left) != 2 || left[0].Seq != all[0].Seq || left[1].Seq != all[2].Seq {
		t.Fatalf("after delete: %+v, %v", left, err)
	}
	if err := b.DeleteDLQ(ctx, all[1].Seq); err == nil {
		t.Fatal("deleting a missing dead letter succeeded")
	}
}

func TestConsumeResumesAfterRestart(t *testing.T) {
	// A server restart forgets naks: un-acked messages return after the ack wait.
	defer func(d time.Duration) { ackWait = d }(ackWait)
	ackWait = 2 * time.Second
	dir := t.TempDir()
	ctx := context.Background()
	b, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Four messages of five events each (one user, so one partition).
	for m := 0; m < 4; m++ {
		evs := testEvents(fmt.Sprintf("r%d", m), 5, 20)
		for _, ev := range evs {
			ev.Entities.User = "same-user"
		}
		if _, err := b.Publish(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	var first collector
	blocked := make(chan struct{})
	var calls atomic.Int32
	stop := runConsume(t, b, "resume", 1, func(ctx context.Context, evs []*event.Event) error {
		if calls.Add(1) == 1 {
			first.add(evs) // acked
			return nil
		}
		close(blocked) // second batch: never acked before the restart
		<-ctx.Done()
		return ctx.Err()
	})
	<-blocked
	stop()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b2 := openEmbedded(t, dir, Config{})
	var second collector
	runConsume(t, b2, "resume", 100, func(_ context.Context, evs []*event.Event) error {
		second.add(evs)
		return nil
	})
	waitFor(t, 10*time.Second, "redelivery", func() bool { return len(second.snapshot()) >= 15 })
	time.Sleep(300 * time.Millisecond)
	a, s := first.snapshot(), second.snapshot()
	if len(a) != 5 || len(s) != 15 {
		t.Fatalf("before restart %d acked, after restart %d delivered; want 5 and 15", len(a), len(s))
	}
	for _, id := range s {
		if slices.Contains(a, id) {
			t.Fatalf("event %s acked before the restart was delivered again", id)
		}
	}
}

func TestHandleErrorRetried(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{})
	if _, err := b.Publish(context.Background(), testEvents("e", 3, 10)); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var ok collector
	runConsume(t, b, "retry", 10, func(_ context.Context, evs []*event.Event) error {
		if calls.Add(1) == 1 {
			return errors.New("store down")
		}
		ok.add(evs)
		return nil
	})
	waitFor(t, 10*time.Second, "retry", func() bool { return len(ok.snapshot()) == 3 })
	if calls.Load() < 2 {
		t.Fatalf("handler called %d times", calls.Load())
	}
}

func TestUndecodableTerminated(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{Partitions: 1})
	if _, err := b.js.Publish(context.Background(), b.n.eventSubjects[0], []byte{99, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(context.Background(), testEvents("good", 1, 1)); err != nil {
		t.Fatal(err)
	}
	var c collector
	runConsume(t, b, "term", 10, func(_ context.Context, evs []*event.Event) error { c.add(evs); return nil })
	waitFor(t, 5*time.Second, "good event", func() bool { return len(c.snapshot()) == 1 })
	waitFor(t, 5*time.Second, "nothing pending", func() bool {
		n, err := b.Pending(context.Background(), "term")
		return err == nil && n == 0
	})
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{DataDir: t.TempDir(), Prefix: "a.b"},
		{DataDir: t.TempDir(), Sync: "sometimes"},
		{},
		{DataDir: t.TempDir(), Listen: "127.0.0.1:4222"},
	} {
		if b, err := Open(context.Background(), cfg); err == nil {
			_ = b.Close()
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
}

func TestNoLeakAfterClose(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	b, err := Open(context.Background(), Config{DataDir: t.TempDir(), Sync: "always"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(context.Background(), testEvents("l", 10, 10)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- b.Consume(ctx, "leak", 10, 50*time.Millisecond, func(context.Context, []*event.Event) error { return nil })
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
