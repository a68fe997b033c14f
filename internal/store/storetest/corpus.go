package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/query"
)

// base is the corpus epoch; event times fall in the 200 seconds after it,
// so many events share a timestamp (which exercises the id tie-break).
var base = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// vocab lists the values each generated key takes. Values are ASCII (SQLite
// folds case for ASCII only) and include LIKE metacharacters, quotes,
// backslashes and literal stars.
var vocab = map[string][]string{
	event.FieldUser:        {"alice", "Bob", "CAROL", "dave_x", "e%ve", "o'brien"},
	event.FieldHost:        {"WS-01", "ws-02", "SRV-DB", "kiosk_3", "ws-010"},
	event.FieldSourceIP:    {"10.0.0.1", "10.0.0.12", "192.168.1.5"},
	event.FieldDevice:      {"pump-7", "MRI_1"},
	event.FieldAction:      {"logon", "Logoff", "file_read", "Process Create"},
	event.FieldOutcome:     {"success", "failure"},
	"process.command_line": {`cmd.exe /c "dir"`, "powershell -enc AAA*", "50% done", `back\slash`, "a_b", "A%B"},
	"tags":                 {"red", "Blue", "green"},
	`we"ird`:               {`x"y`, "plain"},
	"a.b":                  {"", "dotted"},
	"count":                {"42", "7"},
}

// searchKeys are the fields queries use: the vocabulary plus one key no
// event has.
var searchKeys = append(slices.Sorted(func(yield func(string) bool) {
	for k := range vocab {
		if !yield(k) {
			return
		}
	}
}), "missing.key")

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// corpus generates n varied events deterministically from seed.
func corpus(seed uint64, n int) []*event.Event {
	r := rand.New(rand.NewPCG(seed, 7))
	evs := make([]*event.Event, 0, n)
	for i := range n {
		ev := &event.Event{
			ID:       fmt.Sprintf("ev-%04d-%x", i, r.Uint32()),
			Time:     base.Add(time.Duration(r.IntN(200)) * time.Second),
			Ingested: base.Add(time.Hour + time.Duration(i)*time.Millisecond),
			Format:   pick(r, []event.Format{event.FormatWinFlat, event.FormatECS, event.FormatSyslog}),
		}
		if r.IntN(5) > 0 {
			ev.Entities.User = pick(r, vocab[event.FieldUser])
		}
		if r.IntN(4) > 0 {
			ev.Entities.Host = pick(r, vocab[event.FieldHost])
		}
		if r.IntN(2) > 0 {
			ev.Entities.SrcIP = pick(r, vocab[event.FieldSourceIP])
		}
		if r.IntN(6) == 0 {
			ev.Entities.Device = pick(r, vocab[event.FieldDevice])
		}
		for _, k := range []string{event.FieldAction, event.FieldOutcome, "process.command_line", `we"ird`, "a.b", "count"} {
			if r.IntN(3) > 0 {
				kind := event.KindString
				if k == "count" {
					kind = event.KindNumber
				}
				ev.Add(k, pick(r, vocab[k]), kind)
			}
		}
		for range r.IntN(4) { // repeated key, possibly the same value twice
			ev.Add("tags", pick(r, vocab["tags"]), event.KindString)
		}
		r.Shuffle(len(ev.Fields), func(a, b int) { ev.Fields[a], ev.Fields[b] = ev.Fields[b], ev.Fields[a] })
		ev.SetEntityFields()
		if r.IntN(10) > 0 {
			ev.Raw = append(fmt.Appendf(nil, `{"n":%d}`, i), 0, 0xff, byte(r.IntN(256)))
		}
		evs = append(evs, ev)
	}
	return evs
}

// randomQuery builds a query of 1..3 random terms drawn from the corpus
// vocabulary: exact values, prefixes, suffixes, infixes, exists, bare
// words, case changes, negations.
func randomQuery(r *rand.Rand) query.Query {
	var q query.Query
	for range 1 + r.IntN(3) {
		var t query.Term
		if r.IntN(5) > 0 {
			t.Field = pick(r, searchKeys)
		}
		vals := vocab[t.Field]
		if len(vals) == 0 { // bare word or missing key: any vocabulary value
			vals = vocab[pick(r, searchKeys[:len(searchKeys)-1])]
		}
		v := pick(r, vals)
		switch r.IntN(4) {
		case 0:
			v = strings.ToUpper(v)
		case 1:
			v = strings.ToLower(v)
		}
		cut := 0
		if len(v) > 0 {
			cut = r.IntN(len(v))
		}
		switch k := r.IntN(7); {
		case k == 0 && t.Field != "":
			t.Exists = true
		case k == 1:
			t.Pattern = []string{v[:cut], ""}
		case k == 2:
			t.Pattern = []string{"", v[cut:]}
		case k == 3:
			t.Pattern = []string{"", v[cut/2 : cut], ""}
		case k == 4 && cut > 0:
			t.Pattern = []string{v[:cut/2], v[cut:]}
		default:
			t.Pattern = []string{v}
		}
		if t.Field != "" && len(t.Pattern) == 2 && t.Pattern[0]+t.Pattern[1] == "" {
			t.Exists, t.Pattern = true, nil // field:* is an existence test
		}
		if !t.Exists {
			t.Value = strings.Join(t.Pattern, "*")
			t.Wildcard = len(t.Pattern) > 1
		}
		t.Negate = r.IntN(4) == 0
		q.Terms = append(q.Terms, t)
	}
	return q
}

// reference returns the ids of evs matching f within [from, to), newest
// first (time, then id, descending).
func reference(evs []*event.Event, f query.Query, from, to time.Time) []string {
	sorted := slices.Clone(evs)
	slices.SortFunc(sorted, func(a, b *event.Event) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	var ids []string
	for _, ev := range sorted {
		if !from.IsZero() && ev.Time.Before(from) || !to.IsZero() && !ev.Time.Before(to) {
			continue
		}
		if f.MatchEvent(ev) {
			ids = append(ids, ev.ID)
		}
	}
	return ids
}

// canonical is the form a store gives back: fields sorted by key (stable,
// so a repeated key keeps its order), every Kind KindString, UTC times.
func canonical(ev *event.Event) *event.Event {
	c := *ev
	c.Fields = slices.Clone(ev.Fields)
	for i := range c.Fields {
		c.Fields[i].Kind = event.KindString
	}
	slices.SortStableFunc(c.Fields, func(a, b event.Field) int { return strings.Compare(a.Key, b.Key) })
	c.Time, c.Ingested = c.Time.UTC(), c.Ingested.UTC()
	if len(c.Raw) == 0 {
		c.Raw = nil
	}
	return &c
}
