package incident

import (
	"encoding/json"
	"fmt"
)

// snapshotVersion changes when the snapshot format does; an old snapshot is
// then ignored (the correlator starts empty).
const snapshotVersion = "incident-correlator/1"

type snapshot struct {
	Seq       uint64              `json:"seq"`
	Watermark int64               `json:"watermark"`
	Processed uint64              `json:"processed"`
	Ents      map[string][]member `json:"ents"`
	Incs      []*corrIncident     `json:"incs"`
	Seen      []string            `json:"seen"` // oldest first
	HubUsers  map[string][]string `json:"hub_users,omitempty"`
}

// Snapshot encodes the correlator's state.
func (c *Correlator) Snapshot() ([]byte, error) {
	s := snapshot{Seq: c.seq, Watermark: c.watermark, Processed: c.processed, Ents: c.ents, HubUsers: c.hubUsers}
	for _, ci := range c.incs {
		s.Incs = append(s.Incs, ci)
	}
	s.Seen = append(s.Seen, c.seenRing[c.seenNext:]...)
	s.Seen = append(s.Seen, c.seenRing[:c.seenNext]...)
	return json.Marshal(s)
}

// Restore replaces the correlator's state with a snapshot.
func (c *Correlator) Restore(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("incident: snapshot: %w", err)
	}
	fresh := NewCorrelator(c.cfg)
	fresh.seq, fresh.watermark, fresh.processed = s.Seq, s.Watermark, s.Processed
	if s.Ents != nil {
		fresh.ents = s.Ents
	}
	if s.HubUsers != nil {
		fresh.hubUsers = s.HubUsers
	}
	for _, ci := range s.Incs {
		if ci == nil || ci.ID == "" {
			return fmt.Errorf("incident: snapshot: incident without id")
		}
		ms := ci.Members
		ci.Members, ci.entities = nil, map[string]keySpan{}
		fresh.incs[ci.ID] = ci
		for _, m := range ms {
			fresh.join(ci, m)
		}
	}
	for _, id := range s.Seen {
		fresh.remember(id)
	}
	*c = *fresh
	return nil
}
