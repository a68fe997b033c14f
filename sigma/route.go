package sigma

import "strings"

// Routes precomputed at compile time. An event's channel and event id
// select the rules it can match (two buckets: its id's and the channel's
// any-id one); its route also holds the set of field ids those rules read,
// so that only these fields are filed into slots (of the ~33 fields of a
// typical event, ~13 are read by some rule and ~6 by the rules of its
// route; see ranged.go). An event that declares its own logsource
// (LogsourceEvent) may also match the rules routed by logsource only
// (Ruleset.unmapped): it files every field some rule reads when it has a
// route, and the unmapped rules' fields when it has none.

// route is the precomputed work of one channel and event id.
type route struct {
	b1, b2 *bucket  // the id's bucket (nil for any id) and the channel's any-id one
	read   fieldSet // the field ids the rules of b1 and b2 read, and the channel and event id
}

// chanRoutes are the routes of one channel, keyed by the raw event id.
type chanRoutes struct {
	byID strMap[*route]
	any  *route // events whose id has no bucket of its own
}

// buildRoutes makes rs.chans from rs.byRoute; call it once the buckets
// are final.
func (rs *Ruleset) buildRoutes() {
	var unmapped []*compiledRule
	for _, list := range rs.unmapped {
		unmapped = append(unmapped, list...)
	}
	rs.unmappedRead = rs.readSet(unmapped)
	chans := map[string]*chanRoutes{}
	for ch, ids := range rs.byRoute {
		byID := map[string]*route{}
		for id, b := range ids {
			if id != "*" {
				byID[id] = rs.newRoute(b, ids["*"])
			}
		}
		chans[ch] = &chanRoutes{byID: newStrMap(byID), any: rs.newRoute(nil, ids["*"])}
	}
	// Events spell channels as the pipeline does: found without
	// lower-casing them.
	for ch := range rs.spelled {
		if cr := chans[strings.ToLower(ch)]; cr != nil {
			chans[ch] = cr
		}
	}
	rs.spelled = nil
	rs.chans = newStrMap(chans)
}

func (rs *Ruleset) newRoute(b1, b2 *bucket) *route {
	return &route{b1: b1, b2: b2, read: rs.readSet(b1.all(), b2.all())}
}

// readSet returns the ids of the fields the rules of lists read, and of
// the channel and event id.
func (rs *Ruleset) readSet(lists ...[]*compiledRule) fieldSet {
	read := map[int32]bool{}
	for _, f := range []int32{rs.chanF, rs.eidF} {
		if f >= 0 {
			read[f] = true
		}
	}
	for _, list := range lists {
		for _, cr := range list {
			cr.fieldsRead(read)
		}
	}
	fs := newFieldSet(len(rs.ft.names))
	for f := range read {
		fs.add(f)
	}
	return fs
}

// fieldsRead adds to read the ids of the fields the rule reads by slot
// (keyword searches read Event.Keywords instead).
func (r *compiledRule) fieldsRead(read map[int32]bool) {
	for i := range r.sels {
		for _, g := range r.sels[i].groups {
			for _, f := range g {
				if f.keyword {
					continue
				}
				read[f.field] = true
				for j := range f.vals {
					if f.vals[j].kind == vkFieldRef {
						read[f.vals[j].ref] = true
					}
				}
			}
		}
	}
}

// routeOf returns the route of the current event, nil if no bucket serves
// its channel. Before fileHits, a ranged event's channel and id are read
// from its listed fields.
func (m *Matcher) routeOf() *route {
	rs, s := m.rs, m.s
	ch, ok := m.value(rs.chanF, markChan)
	if !ok {
		return nil
	}
	// Channels compare case-insensitively; lower does not allocate for
	// ASCII.
	cr, ok := rs.chans.get(ch)
	if !ok {
		if cr, ok = rs.chans.get(s.lower(ch)); !ok {
			return nil
		}
	}
	if rs.eidF >= 0 {
		if id, ok := m.value(rs.eidF, markEID); ok {
			if r, ok := cr.byID.get(id); ok {
				return r
			}
		}
	}
	return cr.any
}

// value returns the value of field id f of the current event (its first
// one if repeated); bit is f's mark in the field table's index.
func (m *Matcher) value(f int32, bit uint8) (string, bool) {
	s := m.s
	if s.ranged {
		return s.hitValue(f, bit)
	}
	n := s.field(f)
	if n < 0 {
		return "", false
	}
	return s.raw(s.nodes[n].val), true
}
