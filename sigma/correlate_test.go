package sigma

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// corrBase are the base rules the correlation tests refer to.
const corrBase = `title: Failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Successful login
name: successful_login
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        EventID: 4624
    condition: selection
---
title: Transfer
name: transfer
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        EventID: 5156
    condition: selection
`

// step is one event at second At of the test's timeline.
type step struct {
	At int
	F  MapEvent
}

// corrHarness compiles base rules and correlations and records matches.
type corrHarness struct {
	t   testing.TB
	rs  *Ruleset
	k   *Correlator
	n   int
	got []string
}

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func newHarness(t testing.TB, corr string, cfg CorrelatorConfig) *corrHarness {
	t.Helper()
	docs := parseDocs(t, corrBase+"---\n"+corr)
	rs, errs := Compile(docs.Rules, Config{})
	if len(errs) > 0 {
		t.Fatalf("compile: %v", errs)
	}
	k, errs := NewCorrelator(docs.Rules, docs.Correlations, cfg)
	if len(errs) > 0 {
		t.Fatalf("NewCorrelator: %v", errs)
	}
	return &corrHarness{t: t, rs: rs, k: k}
}

// run feeds the steps; event ids are e1, e2, ... across calls.
func (h *corrHarness) run(steps []step) {
	for _, s := range steps {
		h.n++
		id := fmt.Sprintf("e%d", h.n)
		ev := winEvent{s.F}
		h.rs.Match(ev, func(r *Rule) {
			h.k.Observe(r, ev, id, t0.Add(time.Duration(s.At)*time.Second), func(m CorrelationMatch) {
				q := ""
				if m.Quiet {
					q = " (quiet)"
				}
				h.got = append(h.got, fmt.Sprintf("%s [%s] %s%s", m.Correlation.Title,
					strings.Join(m.Group, ","), strings.Join(m.EventIDs, " "), q))
			})
		})
	}
}

func login(at int, ok bool, user string, more ...string) step {
	f := MapEvent{"EventID": "4625", "User": user}
	if ok {
		f["EventID"] = "4624"
	}
	for i := 0; i+1 < len(more); i += 2 {
		f[more[i]] = more[i+1]
	}
	return step{At: at, F: f}
}

func xfer(at int, user, bytes string) step {
	return step{At: at, F: MapEvent{"EventID": "5156", "Account": user, "Bytes": bytes}}
}

type corrCase struct {
	name  string
	corr  string
	cfg   CorrelatorConfig
	steps []step
	want  []string
}

func runCorrCases(t *testing.T, cases []corrCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.corr, c.cfg)
			h.run(c.steps)
			if !slices.Equal(h.got, c.want) {
				t.Errorf("matches:\n  got  %q\n  want %q", h.got, c.want)
			}
		})
	}
}

const eventCount3 = `title: Brute force
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 5m
    condition:
        gte: 3
`

func TestEventCount(t *testing.T) {
	runCorrCases(t, []corrCase{
		{name: "fires at threshold", corr: eventCount3,
			steps: []step{login(0, false, "alice"), login(10, false, "alice"), login(20, false, "alice")},
			want:  []string{"Brute force [alice] e1 e2 e3"}},
		{name: "below threshold", corr: eventCount3,
			steps: []step{login(0, false, "alice"), login(10, false, "alice"), login(20, true, "alice")}},
		{name: "group-by separates users", corr: eventCount3,
			steps: []step{login(0, false, "alice"), login(1, false, "bob"), login(2, false, "alice"),
				login(3, false, "bob"), login(4, false, "carol"), login(5, false, "bob")},
			want: []string{"Brute force [bob] e2 e4 e6"}},
		{name: "expiry: first event leaves the window", corr: eventCount3,
			steps: []step{login(0, false, "alice"), login(200, false, "alice"), login(301, false, "alice"),
				login(400, false, "alice")},
			want: []string{"Brute force [alice] e2 e3 e4"}},
		{name: "window edge is inclusive", corr: eventCount3,
			steps: []step{login(0, false, "alice"), login(100, false, "alice"), login(300, false, "alice")},
			want:  []string{"Brute force [alice] e1 e2 e3"}},
		{name: "resets after firing", corr: eventCount3,
			steps: []step{login(0, false, "a"), login(1, false, "a"), login(2, false, "a"),
				login(3, false, "a"), login(4, false, "a"), login(5, false, "a")},
			want: []string{"Brute force [a] e1 e2 e3", "Brute force [a] e4 e5 e6"}},
		{name: "late input ignored", corr: eventCount3,
			steps: []step{login(1000, false, "a"), login(1001, false, "a"), login(10, false, "a")}},
		{name: "missing group field groups as empty", corr: eventCount3,
			steps: []step{{0, MapEvent{"EventID": "4625"}}, {1, MapEvent{"EventID": "4625"}},
				{2, MapEvent{"EventID": "4625"}}},
			want: []string{"Brute force [] e1 e2 e3"}},
		{name: "event bound evicts oldest", corr: eventCount3, cfg: CorrelatorConfig{MaxEvents: 2},
			steps: []step{login(0, false, "a"), login(1, false, "a"), login(2, false, "a")}},
		{name: "group bound evicts least recent", corr: eventCount3, cfg: CorrelatorConfig{MaxGroups: 2},
			steps: []step{login(0, false, "a"), login(1, false, "b"), login(2, false, "a"),
				login(3, false, "c"), login(4, false, "a"), login(5, false, "b"), login(6, false, "b")},
			want: []string{"Brute force [a] e1 e3 e5"}},
	})
}

func TestCorrelatorBoundsCounted(t *testing.T) {
	h := newHarness(t, eventCount3, CorrelatorConfig{MaxEvents: 2, MaxGroups: 2})
	h.run([]step{login(0, false, "a"), login(1, false, "a"), login(2, false, "a"),
		login(3, false, "b"), login(4, false, "c"), login(-1000, false, "c")})
	st := h.k.Stats()
	if st.EventEvictions != 1 || st.GroupEvictions != 1 || st.Late != 1 {
		t.Errorf("stats %+v, want 1 event eviction, 1 group eviction, 1 late", st)
	}
}

func TestEventCountUpperBound(t *testing.T) {
	// Only an upper bound: judged when the window (from the first input) closes.
	corr := strings.Replace(eventCount3, "gte: 3", "lt: 3", 1)
	runCorrCases(t, []corrCase{
		{name: "quiet user reported when window closes", corr: corr,
			steps: []step{login(0, false, "a"), login(10, false, "a"), login(400, false, "b")},
			want:  []string{"Brute force [a] e1 e2"}},
		{name: "busy user not reported", corr: corr,
			steps: []step{login(0, false, "a"), login(10, false, "a"), login(20, false, "a"), login(400, false, "b")}},
	})
}
