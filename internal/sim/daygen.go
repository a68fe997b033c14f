package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// dayGen generates one day: benign activity of every source, then the
// attack instances planned for the day. Records go to per-source streams
// that are sorted by time and written when the day is done.
type dayGen struct {
	w    *World
	d    int
	date time.Time
	ids  *idGen
	s    *[nSources]stream
	j    jw
	cur  source
	curT int64
	mark int
	idb  []byte

	mails []queuedMail
	dec   *decode.Set
	ev    event.Event

	// per-department encounter lists of the day
	activeBy [][]int32 // in progress today
	recentBy [][]int32 // started in the last 30 days
	recent   []int32   // all departments, ended in the last 30 days
}

type queuedMail struct {
	t     time.Time
	raw   []byte
	msgID string
}

func newDayGen(w *World, d int, ids *idGen, streams *[nSources]stream) *dayGen {
	g := &dayGen{w: w, d: d, date: w.day(d), ids: ids, dec: w.decoders(), s: streams}
	g.activeBy = make([][]int32, len(departments))
	g.recentBy = make([][]int32, len(departments))
	for _, ei := range w.active[d+ctxDays] {
		dep := w.encounters[ei].Dept
		g.activeBy[dep] = append(g.activeBy[dep], ei)
	}
	from := g.date.AddDate(0, 0, -30)
	lo, _ := slices.BinarySearchFunc(w.encounters, from, func(e Encounter, t time.Time) int { return e.Start.Compare(t) })
	for ei := lo; ei < len(w.encounters) && w.encounters[ei].Start.Before(g.date); ei++ {
		e := &w.encounters[ei]
		g.recentBy[e.Dept] = append(g.recentBy[e.Dept], int32(ei))
		if e.End.Before(g.date) {
			g.recent = append(g.recent, int32(ei))
		}
	}
	return g
}

// rng returns the random stream of one generator on this day.
func (g *dayGen) rng(stream uint64) *rand.Rand {
	return newRand(g.w.seed, 1000+uint64(g.d)*64+stream)
}

// begin starts a record of source src at time t and writes its id under
// key idKey (skipped when idKey is ""). Finish it with end.
func (g *dayGen) begin(src source, t time.Time, idKey string) *jw {
	st := &g.s[src]
	g.j.b = st.cur()
	g.cur, g.curT, g.mark = src, t.UnixMilli(), len(g.j.b)
	g.j.open()
	if idKey != "" {
		g.idb = g.ids.next(g.idb[:0], src)
		g.j.key(idKey)
		g.j.b = append(g.j.b, '"')
		g.j.b = append(g.j.b, g.idb...)
		g.j.b = append(g.j.b, '"')
	}
	return &g.j
}

// end closes the record and returns its bytes (valid until the next begin).
func (g *dayGen) end() []byte {
	g.j.close()
	st := &g.s[g.cur]
	last := len(st.chunks) - 1
	st.chunks[last] = g.j.b // the same chunk unless a huge record outgrew it
	st.recs = append(st.recs, rec{t: g.curT, chunk: uint32(last), off: uint32(g.mark), end: uint32(len(g.j.b))})
	return g.j.b[g.mark:]
}

// flush writes the day's streams and mails and counts them.
func (g *dayGen) flush(ef *eventFiles, out Sink, m *Manifest) error {
	for i := range g.s {
		n, err := g.s[i].sortAndWrite(ef.b[i])
		if err != nil {
			return err
		}
		m.Files["events/"+SourceFiles[i].Name] += n
	}
	slices.SortStableFunc(g.mails, func(a, b queuedMail) int { return a.t.Compare(b.t) })
	for k, ml := range g.mails {
		name := fmt.Sprintf("email/%s-%05d.eml", g.date.Format("20060102"), k+1)
		f, err := out.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write(ml.raw)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		m.Files["email"]++
	}
	return nil
}

// eventID is the id Vigil's decoder gives a record (what findings cite).
func (g *dayGen) eventID(src source, raw []byte) string {
	f, _ := decode.ParseFormat(SourceFiles[src].Format)
	if err := g.dec.Decode(f, raw, &g.ev); err != nil {
		panic("sim: generated record does not decode: " + err.Error()) // a generator bug, caught by tests
	}
	return g.ev.ID
}

// at returns day start + seconds.
func (g *dayGen) at(sec int) time.Time { return g.date.Add(time.Duration(sec) * time.Second) }

// within returns a random time in [a, b).
func within(r *rand.Rand, a, b time.Time) time.Time {
	span := b.Sub(a)
	if span <= 0 {
		return a
	}
	return a.Add(time.Duration(r.Int64N(int64(span)/int64(time.Millisecond))) * time.Millisecond)
}

func itoa(n int) string { return strconv.Itoa(n) }
