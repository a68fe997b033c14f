package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// leaseBucket is the KV bucket of leases: <PREFIX>_LEASES.
func (b *Bus) leaseBucket(ctx context.Context, ttl time.Duration) (jetstream.KeyValue, error) {
	kv, err := b.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: strings.TrimSuffix(b.n.state, "_STATE") + "_LEASES", TTL: ttl,
		Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: lease bucket: %w", err)
	}
	return kv, nil
}

// RunExclusive runs fn while this process holds the lease name, so that
// across all processes sharing the NATS server at most one runs it (e.g.
// the incident correlator). The lease is a KV key with a TTL, renewed every
// ttl/3; fn's context is cancelled when renewal fails (another process may
// take over after ttl) and the lease is released when fn returns. Processes
// without the lease retry every ttl/3. Returns when ctx is done, or fn's
// error if it fails while ctx is live.
func (b *Bus) RunExclusive(ctx context.Context, name string, ttl time.Duration, fn func(context.Context) error) error {
	var kv jetstream.KeyValue
	for kv == nil {
		var err error
		if kv, err = b.leaseBucket(ctx, ttl); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.log.Warn("lease bucket unavailable", "err", err)
			sleep(ctx, ttl/3)
		}
	}
	holder := make([]byte, 8)
	_, _ = rand.Read(holder)
	me := []byte(hex.EncodeToString(holder))
	for ctx.Err() == nil {
		rev, err := kv.Create(ctx, name, me)
		if err != nil {
			if !errors.Is(err, jetstream.ErrKeyExists) && ctx.Err() == nil {
				b.log.Warn("lease acquire failed", "lease", name, "err", err)
			}
			sleep(ctx, ttl/3)
			continue
		}
		b.log.Info("lease acquired", "lease", name)
		if err := b.holdLease(ctx, kv, name, me, rev, ttl, fn); err != nil {
			return err
		}
	}
	return nil
}

// holdLease runs fn and renews the lease until fn returns or renewal fails.
func (b *Bus) holdLease(ctx context.Context, kv jetstream.KeyValue, name string, me []byte, rev uint64,
	ttl time.Duration, fn func(context.Context) error) error {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn(lctx) }()
	tick := time.NewTicker(ttl / 3)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			release, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = kv.Delete(release, name, jetstream.LastRevision(rev))
			rcancel()
			if err != nil && ctx.Err() == nil {
				return err
			}
			return nil
		case <-tick.C:
			next, err := kv.Update(ctx, name, me, rev)
			if err != nil {
				if ctx.Err() == nil {
					b.log.Warn("lease lost", "lease", name, "err", err)
				}
				cancel()
				<-done
				return nil
			}
			rev = next
		}
	}
}
