package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// Config tunes the correlator. The zero value takes the documented defaults
// (docs/incidents.md explains the choices).
type Config struct {
	// Window: a finding joins an open incident that shares an entity when its
	// event time lies within Window of the incident's first..last evidence.
	// Default 24h.
	Window time.Duration
	// HalfLife of entity risk. Default 12h.
	HalfLife time.Duration
	// Threshold of entity risk that opens an incident. Default 25: a high
	// finding or a confident medium one (confidence ≥ 0.84) opens one
	// alone; doubtful mediums and lows need corroboration.
	Threshold float64
	// Kinds are the entity kinds findings are joined by. Default user, host,
	// ip (source ip only), patient, device, email.
	Kinds []string
	// Horizon: state whose newest evidence is older than the newest finding
	// seen minus Horizon is forgotten. Default 7 days.
	Horizon time.Duration
	// MaxSeen is how many recent finding ids are remembered to skip replays
	// of findings that did not reach an incident. Default 262144.
	MaxSeen int
	// MaxContrib bounds the risk contributions kept per entity. Default 64.
	MaxContrib int
	// HubUsers: a host, ip or device seen in findings of more than this
	// many distinct users is shared infrastructure (an EHR server, a VDI
	// gateway, a proxy) and no longer joins findings: otherwise every user's
	// findings would meet in one incident. Default 3.
	HubUsers int
	// Shared names host/ip/device keys known from the telemetry to be
	// shared infrastructure (a SharedTracker fed by every event); such keys
	// join no findings either. nil = judged from findings alone.
	Shared SharedLookup
}

// Defaults.
const (
	DefaultWindow    = 24 * time.Hour
	DefaultHalfLife  = 12 * time.Hour
	DefaultThreshold = 25
	DefaultHorizon   = 7 * 24 * time.Hour
)

// DefaultKinds are the entity kinds joined by default.
var DefaultKinds = []string{"user", "host", "ip", "patient", "device", "email"}

func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.HalfLife <= 0 {
		c.HalfLife = DefaultHalfLife
	}
	if c.Threshold <= 0 {
		c.Threshold = DefaultThreshold
	}
	if len(c.Kinds) == 0 {
		c.Kinds = DefaultKinds
	}
	if c.Horizon < c.Window {
		c.Horizon = max(DefaultHorizon, 2*c.Window)
	}
	if c.MaxSeen <= 0 {
		c.MaxSeen = 1 << 18
	}
	if c.MaxContrib <= 0 {
		c.MaxContrib = 64
	}
	if c.HubUsers <= 0 {
		c.HubUsers = 3
	}
	return c
}

// severityWeight is the risk a finding of that severity adds at confidence 1.
func severityWeight(s finding.Severity) float64 {
	switch s {
	case finding.SeverityInfo:
		return 5
	case finding.SeverityLow:
		return 15
	case finding.SeverityMedium:
		return 30
	case finding.SeverityHigh:
		return 60
	case finding.SeverityCritical:
		return 100
	}
	return 0
}

// Risk is the risk a finding adds: severity weight × confidence (a finding
// without a confidence counts as 1).
func Risk(f *finding.Finding) float64 {
	c := f.Confidence
	if c <= 0 || c > 1 {
		c = 1
	}
	return severityWeight(f.Severity) * c
}

// EntityKeys returns the finding's entities as sorted, distinct "kind:value"
// strings, restricted to kinds.
func EntityKeys(e event.Entities, kinds []string) []string {
	var out []string
	add := func(kind, v string) {
		if v != "" && slices.Contains(kinds, kind) {
			out = append(out, kind+":"+strings.ToLower(v))
		}
	}
	add("user", e.User)
	add("host", e.Host)
	add("ip", e.SrcIP)
	add("patient", e.Patient)
	add("device", e.Device)
	add("email", e.Email)
	slices.Sort(out)
	return slices.Compact(out)
}

// IDFor derives an incident id from the finding that opened it.
func IDFor(findingID string) string {
	sum := sha256.Sum256([]byte("incident\x00" + findingID))
	return "inc-" + hex.EncodeToString(sum[:8])
}

// member is one finding of an incident or one risk contribution.
type member struct {
	ID   string   `json:"id"`
	T    int64    `json:"t"` // event time, Unix ns
	W    float64  `json:"w"` // risk
	Sev  int      `json:"sev"`
	Keys []string `json:"keys"`
}

// corrIncident is the correlator's view of an incident.
type corrIncident struct {
	ID      string   `json:"id"`
	Seq     uint64   `json:"seq"` // creation order: the older survives a merge
	First   int64    `json:"first"`
	Last    int64    `json:"last"`
	Members []member `json:"members"`
	Closed  bool     `json:"closed,omitempty"`
	Merged  string   `json:"merged,omitempty"`
	// Apart are incidents an analyst split from this one: a finding that
	// bridges them joins the older but does not merge them again.
	Apart    []string           `json:"apart,omitempty"`
	entities map[string]keySpan // key -> event-time span of the members naming it
}

// keySpan is the event-time span of an incident's members naming one key.
type keySpan struct{ first, last int64 }

func (ci *corrIncident) add(m member) {
	if len(ci.Members) == 0 || m.T < ci.First {
		ci.First = m.T
	}
	if len(ci.Members) == 0 || m.T > ci.Last {
		ci.Last = m.T
	}
	ci.Members = append(ci.Members, m)
	for _, k := range m.Keys {
		sp, ok := ci.entities[k]
		if !ok {
			sp = keySpan{m.T, m.T}
		}
		ci.entities[k] = keySpan{min(sp.first, m.T), max(sp.last, m.T)}
	}
}

// rebuild recomputes the time range and entities from the members.
func (ci *corrIncident) rebuild() {
	ms := ci.Members
	ci.Members, ci.entities = nil, map[string]keySpan{}
	for _, m := range ms {
		ci.add(m)
	}
}

// Entities returns the incident's entity keys, sorted.
func (ci *corrIncident) Entities() []string {
	out := make([]string, 0, len(ci.entities))
	for k := range ci.entities {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Change is what one finding did: nothing (nil), joined or opened an
// incident, maybe merging others into it.
type Change struct {
	IncidentID string
	Created    bool
	// Added are the finding ids that entered the incident: the finding
	// itself and, for a new incident, the earlier findings whose risk
	// contributed, in event-time order.
	Added []string
	// MergedFrom are incidents merged into this one because the finding
	// bridged them (they are closed with status merged).
	MergedFrom []string
}

// Correlator groups findings into incidents. It is not safe for concurrent
// use; the Manager serialises calls. All decisions use event time only, and
// the same findings in the same order give the same incidents.
type Correlator struct {
	cfg       Config
	seq       uint64
	watermark int64 // newest event time seen
	processed uint64
	ents      map[string][]member // entity -> risk contributions (not in an incident)
	incs      map[string]*corrIncident
	byEntity  map[string][]string // entity -> incident ids (open ones)
	inIncid   map[string]string   // finding id -> incident id
	seen      map[string]struct{}
	hubUsers  map[string][]string // host/ip/device key -> distinct users seen with it (≤ HubUsers+1)
	seenRing  []string
	seenNext  int
}

// NewCorrelator returns an empty correlator.
func NewCorrelator(cfg Config) *Correlator {
	cfg = cfg.withDefaults()
	return &Correlator{cfg: cfg, ents: map[string][]member{}, incs: map[string]*corrIncident{},
		byEntity: map[string][]string{}, inIncid: map[string]string{}, seen: map[string]struct{}{},
		hubUsers: map[string][]string{}}
}

// Config returns the effective configuration.
func (c *Correlator) Config() Config { return c.cfg }

// Add correlates one finding. It returns nil when the finding was seen
// before (replay) or did not reach an incident.
func (c *Correlator) Add(f *finding.Finding) *Change {
	if c.known(f.ID) {
		return nil
	}
	c.remember(f.ID)
	m := member{ID: f.ID, T: f.Time.UnixNano(), W: Risk(f), Sev: f.Severity.Rank(),
		Keys: c.dropHubs(EntityKeys(f.Entities, c.cfg.Kinds), f.Entities.User)}
	c.watermark = max(c.watermark, m.T)
	c.processed++
	if c.processed%4096 == 0 {
		c.prune()
	}
	if ids := c.matching(m); len(ids) > 0 {
		target, merged := c.mergeAll(ids)
		c.join(target, m)
		return &Change{IncidentID: target.ID, Added: []string{m.ID}, MergedFrom: merged}
	}
	for _, k := range m.Keys {
		c.contribute(k, m)
	}
	if f.Severity != finding.SeverityCritical && !c.crosses(m) {
		return nil
	}
	return c.open(m)
}

func (c *Correlator) known(id string) bool {
	if _, ok := c.seen[id]; ok {
		return true
	}
	_, ok := c.inIncid[id]
	return ok
}

func (c *Correlator) remember(id string) {
	if len(c.seenRing) < c.cfg.MaxSeen {
		c.seenRing = append(c.seenRing, id)
	} else {
		delete(c.seen, c.seenRing[c.seenNext])
		c.seenRing[c.seenNext] = id
		c.seenNext = (c.seenNext + 1) % c.cfg.MaxSeen
	}
	c.seen[id] = struct{}{}
}

// within reports whether t lies within the window of [first, last].
// joinsBy reports whether a finding at t joins ci through key k: the
// incident's findings named k within Window of t. A key the incident saw
// days ago no longer pulls findings in, even while the incident stays
// active through its other keys (else one long incident gathers everyone
// who ever shared a patient or an address with it).
func (c *Correlator) joinsBy(ci *corrIncident, k string, t int64) bool {
	sp, ok := ci.entities[k]
	w := int64(c.cfg.Window)
	return ok && t >= sp.first-w && t <= sp.last+w
}

// matching returns the open incidents m joins, oldest first.
func (c *Correlator) matching(m member) []string {
	var out []*corrIncident
	for _, k := range m.Keys {
		for _, id := range c.byEntity[k] {
			ci := c.incs[id]
			if ci == nil || ci.Closed || !c.joinsBy(ci, k, m.T) || slices.Contains(out, ci) {
				continue
			}
			out = append(out, ci)
		}
	}
	slices.SortFunc(out, func(a, b *corrIncident) int {
		if a.Seq != b.Seq {
			return cmpU(a.Seq, b.Seq)
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := make([]string, len(out))
	for i, ci := range out {
		ids[i] = ci.ID
	}
	return ids
}

func cmpU(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// mergeAll merges ids[1:] into ids[0], except incidents kept apart from
// it, and returns it with the ids merged.
func (c *Correlator) mergeAll(ids []string) (*corrIncident, []string) {
	target := c.incs[ids[0]]
	var merged []string
	for _, id := range ids[1:] {
		other := c.incs[id]
		if slices.Contains(target.Apart, id) || slices.Contains(other.Apart, target.ID) {
			continue
		}
		c.mergeInto(target, other)
		merged = append(merged, id)
	}
	return target, merged
}

func (c *Correlator) mergeInto(target, other *corrIncident) {
	for _, m := range other.Members {
		c.join(target, m)
	}
	other.Members = nil
	other.Closed, other.Merged = true, target.ID
	other.rebuild()
	c.unindex(other.ID)
}

func (c *Correlator) join(ci *corrIncident, m member) {
	ci.add(m)
	c.inIncid[m.ID] = ci.ID
	for _, k := range m.Keys {
		if !slices.Contains(c.byEntity[k], ci.ID) {
			c.byEntity[k] = append(c.byEntity[k], ci.ID)
		}
	}
}

func (c *Correlator) unindex(id string) {
	for k, ids := range c.byEntity {
		if i := slices.Index(ids, id); i >= 0 {
			ids = slices.Delete(ids, i, i+1)
			if len(ids) == 0 {
				delete(c.byEntity, k)
			} else {
				c.byEntity[k] = ids
			}
		}
	}
}

// contribute records m's risk on entity k, keeping the newest MaxContrib.
func (c *Correlator) contribute(k string, m member) {
	cs := append(c.ents[k], m)
	if len(cs) > c.cfg.MaxContrib {
		slices.SortStableFunc(cs, func(a, b member) int { return cmpI(b.T, a.T) })
		cs = cs[:c.cfg.MaxContrib]
	}
	c.ents[k] = cs
}

func cmpI(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// riskAt is the decayed risk of entity k at event time t over the window.
func (c *Correlator) riskAt(k string, t int64) float64 {
	var r float64
	h := float64(c.cfg.HalfLife)
	for _, m := range c.ents[k] {
		d := t - m.T
		if d < 0 {
			d = -d
		}
		if d > int64(c.cfg.Window) {
			continue
		}
		r += m.W * math.Exp2(-float64(d)/h)
	}
	return r
}

func (c *Correlator) crosses(m member) bool {
	for _, k := range m.Keys {
		if c.riskAt(k, m.T) >= c.cfg.Threshold {
			return true
		}
	}
	return false
}

// open creates an incident from m and absorbs the contributions of m's
// entities within the window.
func (c *Correlator) open(m member) *Change {
	c.seq++
	ci := &corrIncident{ID: IDFor(m.ID), Seq: c.seq, entities: map[string]keySpan{}}
	c.incs[ci.ID] = ci
	var absorbed []member
	for _, k := range m.Keys {
		for _, x := range c.ents[k] {
			d := x.T - m.T
			if d < 0 {
				d = -d
			}
			if d <= int64(c.cfg.Window) && !slices.ContainsFunc(absorbed, func(a member) bool { return a.ID == x.ID }) {
				absorbed = append(absorbed, x)
			}
		}
	}
	if !slices.ContainsFunc(absorbed, func(a member) bool { return a.ID == m.ID }) {
		absorbed = append(absorbed, m)
	}
	slices.SortStableFunc(absorbed, func(a, b member) int {
		if d := cmpI(a.T, b.T); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	ch := &Change{IncidentID: ci.ID, Created: true}
	for _, x := range absorbed {
		c.dropContribution(x)
		c.join(ci, x)
		ch.Added = append(ch.Added, x.ID)
	}
	return ch
}

// dropContribution removes x's risk from every entity (it is now part of an
// incident, which later findings join directly).
func (c *Correlator) dropContribution(x member) {
	for _, k := range x.Keys {
		cs := slices.DeleteFunc(c.ents[k], func(a member) bool { return a.ID == x.ID })
		if len(cs) == 0 {
			delete(c.ents, k)
		} else {
			c.ents[k] = cs
		}
	}
}

// prune forgets entities and incidents with no evidence within Horizon of
// the watermark.
func (c *Correlator) prune() {
	if len(c.hubUsers) > maxHubKeys {
		for k, us := range c.hubUsers { // keep the known hubs, forget the rest
			if len(us) <= c.cfg.HubUsers {
				delete(c.hubUsers, k)
			}
		}
	}
	limit := c.watermark - int64(c.cfg.Horizon)
	for k, cs := range c.ents {
		cs = slices.DeleteFunc(cs, func(m member) bool { return m.T < limit })
		if len(cs) == 0 {
			delete(c.ents, k)
		} else {
			c.ents[k] = cs
		}
	}
	for id, ci := range c.incs {
		if ci.Last < limit || ci.Merged != "" && len(ci.Members) == 0 && c.seq > ci.Seq+1024 {
			for _, m := range ci.Members {
				delete(c.inIncid, m.ID)
			}
			c.unindex(id)
			delete(c.incs, id)
		}
	}
}

// SetClosed marks an incident closed (resolved, false positive) or open
// again; closed incidents take no new findings.
func (c *Correlator) SetClosed(id string, closed bool) {
	ci := c.incs[id]
	if ci == nil || ci.Merged != "" {
		return
	}
	ci.Closed = closed
}

// Members returns the finding ids of an incident the correlator holds.
func (c *Correlator) Members(id string) []string {
	ci := c.incs[id]
	if ci == nil {
		return nil
	}
	out := make([]string, len(ci.Members))
	for i, m := range ci.Members {
		out[i] = m.ID
	}
	return out
}

// IncidentEntities returns the entity keys of an incident the correlator holds.
func (c *Correlator) IncidentEntities(id string) []string {
	if ci := c.incs[id]; ci != nil {
		return ci.Entities()
	}
	return nil
}

// Merge merges the others into id (an analyst's decision). Unknown ids are
// skipped.
func (c *Correlator) Merge(id string, others []string) {
	target := c.incs[id]
	if target == nil {
		return
	}
	for _, o := range others {
		if oc := c.incs[o]; oc != nil && oc != target {
			c.mergeInto(target, oc)
		}
	}
}

// Split moves findingIDs out of incident id into a new incident whose id is
// derived from the first moved finding; it returns the new id ("" when
// nothing moved).
func (c *Correlator) Split(id string, findingIDs []string) string {
	ci := c.incs[id]
	if ci == nil {
		return ""
	}
	var moved, kept []member
	for _, m := range ci.Members {
		if slices.Contains(findingIDs, m.ID) {
			moved = append(moved, m)
		} else {
			kept = append(kept, m)
		}
	}
	if len(moved) == 0 || len(kept) == 0 {
		return ""
	}
	ci.Members, ci.entities = nil, map[string]keySpan{}
	c.unindex(ci.ID)
	for _, m := range kept {
		c.join(ci, m)
	}
	c.seq++
	nc := &corrIncident{ID: IDFor("split\x00" + moved[0].ID), Seq: c.seq, entities: map[string]keySpan{}}
	nc.Apart = []string{ci.ID}
	ci.Apart = append(ci.Apart, nc.ID)
	c.incs[nc.ID] = nc
	for _, m := range moved {
		c.join(nc, m)
	}
	return nc.ID
}

// maxHubKeys bounds the host/ip/device keys whose users are tracked.
const maxHubKeys = 1 << 17

// dropHubs records which users each host/ip/device key was seen with and
// removes the keys that are shared infrastructure (seen with more than
// HubUsers distinct users). Deterministic: it depends only on the findings
// seen so far, in order.
func (c *Correlator) dropHubs(keys []string, user string) []string {
	out := keys[:0]
	for _, k := range keys {
		kind, _, _ := strings.Cut(k, ":")
		if kind != "host" && kind != "ip" && kind != "device" && kind != "patient" {
			out = append(out, k)
			continue
		}
		if c.cfg.Shared != nil && c.cfg.Shared.Shared(k) {
			continue
		}
		us := c.hubUsers[k]
		if user != "" && len(us) <= c.cfg.HubUsers && !slices.Contains(us, user) {
			us = append(us, user)
			c.hubUsers[k] = us
		}
		if len(us) <= c.cfg.HubUsers {
			out = append(out, k)
		}
	}
	return out
}
