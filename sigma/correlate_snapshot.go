package sigma

import (
	"encoding/json"
	"fmt"
	"sort"
)

// snapshotVersion is bumped when the snapshot layout changes; Restore
// refuses other versions.
const snapshotVersion = 1

type snapshot struct {
	Version int                      `json:"v"`
	Seq     uint64                   `json:"seq"`
	Stats   CorrelatorStats          `json:"stats"`
	Corrs   map[string]*corrSnapshot `json:"corrs"`
}

type corrSnapshot struct {
	Mark   int64    `json:"mark"`
	Swept  int64    `json:"swept"`
	Groups []*group `json:"groups"`
}

// Snapshot encodes the correlation state (JSON, groups in key order, so the
// same state gives the same bytes). Correlations are keyed by id (else name,
// else title), so a snapshot survives reordering the rule files.
func (k *Correlator) Snapshot() ([]byte, error) {
	s := snapshot{Version: snapshotVersion, Seq: k.seq, Stats: k.stats, Corrs: map[string]*corrSnapshot{}}
	for _, cc := range k.corrs {
		if len(cc.groups) == 0 && cc.mark == 0 {
			continue
		}
		cs := &corrSnapshot{Mark: cc.mark, Swept: cc.swept}
		keys := make([]string, 0, len(cc.groups))
		for key := range cc.groups {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			cs.Groups = append(cs.Groups, cc.groups[key])
		}
		s.Corrs[cc.key] = cs
	}
	return json.Marshal(s)
}

// Restore replaces the state with a snapshot. State of correlations that no
// longer exist is dropped; groups that no longer fit a changed correlation
// (different group-by or rules) are dropped too. A malformed snapshot is an
// error and leaves the state unchanged.
func (k *Correlator) Restore(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("correlator snapshot: %w", err)
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("correlator snapshot: version %d, want %d", s.Version, snapshotVersion)
	}
	next := map[*ccorr]map[string]*group{}
	for _, cc := range k.corrs {
		groups := map[string]*group{}
		next[cc] = groups
		cs := s.Corrs[cc.key]
		if cs == nil {
			continue
		}
		for i, g := range cs.Groups {
			if g == nil || len(g.Key) != len(cc.c.GroupBy) {
				continue
			}
			for _, e := range g.Entries {
				if e.Src < 0 || e.Src >= len(cc.srcs) {
					return fmt.Errorf("correlator snapshot: correlation %q group %d: source %d out of range", cc.key, i, e.Src)
				}
			}
			if len(g.Entries) > k.cfg.MaxEvents {
				g.Entries = g.Entries[len(g.Entries)-k.cfg.MaxEvents:]
			}
			groups[joinKey(g.Key)] = g
		}
	}
	for _, cc := range k.corrs {
		cc.groups = next[cc]
		cc.mark, cc.swept = 0, 0
		if cs := s.Corrs[cc.key]; cs != nil {
			cc.mark, cc.swept = cs.Mark, cs.Swept
		}
	}
	k.seq, k.stats = s.Seq, s.Stats
	return nil
}
