package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-soc/vigil/internal/detect"
)

// stateEvery is how often RunDetector saves the state of stateful
// detectors while it runs (and once more on shutdown). After a crash, state
// built from events acknowledged after the last save is lost: at most this
// long of correlation windows. A variable so tests can shorten it.
var stateEvery = 30 * time.Second

// stateBucket is the JetStream object store that keeps detector snapshots
// (objects, because a snapshot may exceed a message's size limit).
func (b *Bus) stateBucket(ctx context.Context) (jetstream.ObjectStore, error) {
	obj, err := b.js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket:   b.n.state,
		Storage:  jetstream.FileStorage,
		Replicas: b.cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: state bucket: %w", err)
	}
	return obj, nil
}

// SaveState stores a detector's snapshot under its name, tagged with the
// detector version that produced it.
func (b *Bus) SaveState(ctx context.Context, name, version string, data []byte) error {
	obj, err := b.stateBucket(ctx)
	if err != nil {
		return err
	}
	if _, err := obj.Put(ctx, jetstream.ObjectMeta{Name: name, Description: version}, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("pipeline: save state %s: %w", name, err)
	}
	return nil
}

// LoadState returns the snapshot saved for name if it was produced by the
// same version; ok is false when there is none or the version differs (a
// changed detector starts empty rather than misread an old format).
func (b *Bus) LoadState(ctx context.Context, name, version string) (data []byte, ok bool, err error) {
	obj, err := b.stateBucket(ctx)
	if err != nil {
		return nil, false, err
	}
	info, err := obj.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pipeline: load state %s: %w", name, err)
	}
	if info.Description != version {
		return nil, false, nil
	}
	data, err = obj.GetBytes(ctx, name)
	if err != nil {
		return nil, false, fmt.Errorf("pipeline: load state %s: %w", name, err)
	}
	return data, true, nil
}

// statefulSet saves and restores the registry's stateful detectors. Its
// methods are called from the consumer goroutine only, between batches, as
// detect.Stateful requires.
type statefulSet struct {
	b        *Bus
	ds       []detect.Stateful
	lastSave time.Time
}

func newStatefulSet(b *Bus, reg *detect.Registry) *statefulSet {
	s := &statefulSet{b: b, lastSave: time.Now()}
	for _, d := range reg.Detectors() {
		if sd, ok := d.(detect.Stateful); ok {
			s.ds = append(s.ds, sd)
		}
	}
	return s
}

// restore loads every saved state; a failure leaves that detector empty.
func (s *statefulSet) restore(ctx context.Context) {
	for _, d := range s.ds {
		data, ok, err := s.b.LoadState(ctx, d.Name(), d.Version())
		switch {
		case err != nil:
			s.b.log.Warn("detector state not loaded", "detector", d.Name(), "err", err)
		case !ok:
			s.b.log.Info("detector starts without saved state", "detector", d.Name())
		default:
			if err := d.Restore(data); err != nil {
				s.b.log.Warn("detector state not restored", "detector", d.Name(), "err", err)
			}
		}
	}
}

// saveIfDue saves when stateEvery has passed since the last save.
func (s *statefulSet) saveIfDue(ctx context.Context) {
	if len(s.ds) > 0 && time.Since(s.lastSave) >= stateEvery {
		s.save(ctx)
	}
}

func (s *statefulSet) save(ctx context.Context) {
	s.lastSave = time.Now()
	for _, d := range s.ds {
		data, err := d.Snapshot()
		if err == nil {
			err = s.b.SaveState(ctx, d.Name(), d.Version(), data)
		}
		if err != nil {
			s.b.log.Warn("detector state not saved", "detector", d.Name(), "err", err)
		}
	}
}
