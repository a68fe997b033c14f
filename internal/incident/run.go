package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
)

// StateStore keeps the correlator's snapshot (pipeline.Bus satisfies it).
type StateStore interface {
	SaveState(ctx context.Context, name, version string, data []byte) error
	LoadState(ctx context.Context, name, version string) (data []byte, ok bool, err error)
}

// FindingHandler handles one batch of findings; nil acks it.
type FindingHandler func(ctx context.Context, fs []finding.Finding) error

// ConsumeFunc runs a durable consumer of the FINDINGS stream until ctx is
// done (pipeline.Bus.ConsumeFindings with the consumer name bound).
type ConsumeFunc func(ctx context.Context, handle FindingHandler) error

// stateName is the snapshot's name in the state store.
const stateName = "incident-correlator"

// SaveEvery is how often Run saves the correlator's state (and once more on
// shutdown).
var SaveEvery = 30 * time.Second

type managerState struct {
	Corr  json.RawMessage     `json:"corr"`
	Dirty map[string][]string `json:"dirty,omitempty"`
}

// Snapshot encodes the manager's correlation state.
func (m *Manager) Snapshot() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.corr.Snapshot()
	if err != nil {
		return nil, err
	}
	return json.Marshal(managerState{Corr: c, Dirty: m.dirty})
}

// Restore replaces the correlation state with a snapshot.
func (m *Manager) Restore(data []byte) error {
	var s managerState
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("incident: state: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.corr.Restore(s.Corr); err != nil {
		return err
	}
	m.dirty = map[string][]string{}
	for k, v := range s.Dirty {
		m.dirty[k] = v
	}
	return nil
}

// Run restores the saved state, consumes findings until ctx is done, saving
// the state every SaveEvery and on the way out. A lost snapshot (crash)
// costs at most SaveEvery of sub-threshold risk; incidents are in the store.
func (m *Manager) Run(ctx context.Context, consume ConsumeFunc, state StateStore) error {
	if state != nil {
		data, ok, err := state.LoadState(ctx, stateName, snapshotVersion)
		if err != nil {
			return err
		}
		if ok {
			if err := m.Restore(data); err != nil {
				m.log.Warn("correlator state unreadable, starting empty", "err", err)
			}
		}
	}
	save := func(ctx context.Context) {
		if state == nil {
			return
		}
		data, err := m.Snapshot()
		if err == nil {
			err = state.SaveState(ctx, stateName, snapshotVersion, data)
		}
		if err != nil {
			m.log.Warn("saving correlator state failed", "err", err)
		}
	}
	last := time.Now()
	err := consume(ctx, func(ctx context.Context, fs []finding.Finding) error {
		if err := m.HandleFindings(ctx, fs); err != nil {
			return err
		}
		if time.Since(last) >= SaveEvery {
			save(ctx)
			last = time.Now()
		}
		return nil
	})
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	save(shut)
	return err
}
