package sim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// Options are the arguments of one simulation. The output is a pure
// function of them.
type Options struct {
	Profile   string
	Days      int
	Seed      uint64
	Scenarios []string  // scenario names (ParseScenarios); nil = none
	Start     time.Time // midnight UTC of day 0; zero = DefaultStart
}

// DefaultStart is day 0 when Options.Start is zero (a Monday).
var DefaultStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// Sink receives the output files by slash-separated relative name
// ("context/Patient.ndjson", "events/auth.ndjson", "email/…", …).
type Sink interface {
	Create(name string) (io.WriteCloser, error)
}

// DirSink writes files under a directory.
type DirSink string

// Create makes the file and its parent directories.
func (d DirSink) Create(name string) (io.WriteCloser, error) {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

// DiscardSink counts bytes and throws them away (benchmarks).
type DiscardSink struct{ Bytes int64 }

// Create returns a writer that counts into d.Bytes.
func (d *DiscardSink) Create(string) (io.WriteCloser, error) { return (*countWriter)(&d.Bytes), nil }

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
func (c *countWriter) Close() error                { return nil }

// Generate builds the world, runs the days, and writes everything to out.
func Generate(o Options, out Sink) (*Manifest, error) {
	prof, err := ProfileByName(o.Profile)
	if err != nil {
		return nil, err
	}
	if o.Days < 1 || o.Days > 366 {
		return nil, fmt.Errorf("days %d: want 1…366", o.Days)
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC().Truncate(24 * time.Hour)
	for _, s := range o.Scenarios {
		if scenarioByName(s) == nil {
			_, err := ParseScenarios(s)
			return nil, err
		}
	}
	w := newWorld(o, prof)
	m := newManifest(o, w)
	if err := writeContext(w, out, m); err != nil {
		return nil, err
	}
	if err := writeMailConfig(w, out); err != nil {
		return nil, err
	}
	ev, err := openEventFiles(out)
	if err != nil {
		return nil, err
	}
	plan := planScenarios(w, o.Scenarios)
	var labels []*Instance
	ids := &idGen{prefix: "s" + strconv.FormatUint(o.Seed, 36)}
	var streams [nSources]stream // chunks are reused day after day
	for d := range o.Days {
		for i := range streams {
			streams[i].reset()
		}
		g := newDayGen(w, d, ids, &streams)
		g.benign()
		for _, inst := range plan[d] {
			inst.run(g, inst)
			labels = append(labels, inst)
		}
		if err := g.flush(ev, out, m); err != nil {
			return nil, errors.Join(err, ev.close())
		}
	}
	if err := ev.close(); err != nil {
		return nil, err
	}
	if err := writeLabels(out, labels, m); err != nil {
		return nil, err
	}
	return m, writeManifest(out, m)
}

// source is one events/*.ndjson file.
type source int

const (
	srcAudit source = iota
	srcAuth
	srcNetwork
	srcProxy
	srcFinance
	srcWindows
	nSources
)

// SourceFiles are the event files and the ?format= each is ingested with.
var SourceFiles = [nSources]struct{ Name, Format string }{
	{"auditevent.ndjson", "fhir"}, {"auth.ndjson", "ecs"}, {"network.ndjson", "ecs"},
	{"proxy.ndjson", "ecs"}, {"finance.ndjson", "ecs"}, {"windows.ndjson", "winevt"},
}

type eventFiles struct {
	f [nSources]io.WriteCloser
	b [nSources]*bufio.Writer
}

func openEventFiles(out Sink) (*eventFiles, error) {
	ef := &eventFiles{}
	for i, s := range SourceFiles {
		f, err := out.Create("events/" + s.Name)
		if err != nil {
			return nil, errors.Join(err, ef.close())
		}
		ef.f[i], ef.b[i] = f, bufio.NewWriterSize(f, 1<<20)
	}
	return ef, nil
}

func (ef *eventFiles) close() error {
	var errs []error
	for i := range ef.f {
		if ef.f[i] == nil {
			continue
		}
		errs = append(errs, ef.b[i].Flush(), ef.f[i].Close())
		ef.f[i] = nil
	}
	return errors.Join(errs...)
}

// idGen numbers events per source across the run: "s<seed>-<src>-<n>".
type idGen struct {
	prefix string
	n      [nSources]uint64
	mails  uint64
}

var srcTags = [nSources]string{"ae", "au", "nf", "px", "fi", "wi"}

func (g *idGen) next(b []byte, s source) []byte {
	g.n[s]++
	b = append(b, g.prefix...)
	b = append(b, '-')
	b = append(b, srcTags[s]...)
	b = append(b, '-')
	return strconv.AppendUint(b, g.n[s], 10)
}

// stream holds one source's records of one day until they are sorted by
// time and written. Records live in fixed-size chunks so that a day of a
// large profile never copies a growing buffer.
type stream struct {
	chunks [][]byte
	recs   []rec
	free   [][]byte // chunks of earlier days, reused
}

const (
	chunkSize = 4 << 20
	chunkRoom = 64 << 10 // start a new chunk when less is left
)

type rec struct {
	t        int64 // unix ms
	chunk    uint32
	off, end uint32
}

// cur returns the chunk to write the next record into.
func (s *stream) cur() []byte {
	if n := len(s.chunks); n > 0 && cap(s.chunks[n-1])-len(s.chunks[n-1]) >= chunkRoom {
		return s.chunks[n-1]
	}
	var c []byte
	if n := len(s.free); n > 0 {
		c, s.free = s.free[n-1][:0], s.free[:n-1]
	} else {
		c = make([]byte, 0, chunkSize)
	}
	s.chunks = append(s.chunks, c)
	return c
}

// reset empties the stream, keeping its chunks for reuse.
func (s *stream) reset() {
	s.free = append(s.free, s.chunks...)
	s.chunks = s.chunks[:0]
	s.recs = s.recs[:0]
}

// sortAndWrite writes the day's records of one source in time order
// (stable: equal times keep generation order).
func (s *stream) sortAndWrite(w *bufio.Writer) (int, error) {
	slices.SortStableFunc(s.recs, func(a, b rec) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})
	for _, r := range s.recs {
		if _, err := w.Write(s.chunks[r.chunk][r.off:r.end]); err != nil {
			return 0, err
		}
		if err := w.WriteByte('\n'); err != nil {
			return 0, err
		}
	}
	return len(s.recs), nil
}
