package app

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// DetectFilesConfig is what `vigil detect` is told: run the detectors of a
// server configuration over event files offline, in event-time order, and
// write the findings as NDJSON. It is how detection quality is measured on
// the simulator without a running server.
type DetectFilesConfig struct {
	Serve  Config   // detector settings (rules, sigma pipeline, …)
	Files  []string // NDJSON files (gzip by magic) or directories of them
	Out    io.Writer
	ErrOut io.Writer
	// Registry, when set, replaces the detectors built from Serve.
	Registry *detect.Registry
	// Context are hospital context files or directories (FHIR NDJSON,
	// staff.csv, assets.csv) loaded before the events, in memory.
	Context []string
	// Incidents, when set, receives the incidents the correlator builds
	// from the findings (NDJSON of store.Incident, most recent first).
	Incidents io.Writer
}

// DetectFilesResult summarises a run.
type DetectFilesResult struct {
	Events, Rejected int
	Findings         map[string]int // per detector
	Elapsed          time.Duration
}

// formatForFile names the format of a file from its name: the simulator's
// auditevent*.ndjson are FHIR AuditEvents and windows*.ndjson flat Windows
// events; everything else is auto-detected per line.
func formatForFile(name string) event.Format {
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasPrefix(base, "auditevent"):
		return event.FormatFHIR
	case strings.HasPrefix(base, "windows"):
		return event.FormatWinFlat
	case strings.HasSuffix(base, ".eml"):
		return event.FormatEML
	}
	return event.FormatAuto
}

// DetectFiles merges the files' events by event time (each file is read in
// order; files need not be sorted against each other, and a file that is not
// sorted itself is processed in its own order), runs every detector on each
// event and writes every finding as one JSON line to Out.
func DetectFiles(ctx context.Context, cfg DetectFilesConfig) (DetectFilesResult, error) {
	res := DetectFilesResult{Findings: map[string]int{}}
	if len(cfg.Context) > 0 {
		h, err := loadContextFiles(ctx, cfg.Context, cfg.ErrOut)
		if err != nil {
			return res, err
		}
		cfg.Serve.hospital = h
		if cfg.Serve.BehaviorDirectory == nil {
			cfg.Serve.BehaviorDirectory = hospitalView{h}
		}
	}
	var incs *offlineIncidents
	cfg.Serve.withSharedTracker()
	if cfg.Incidents != nil {
		var err error
		if incs, err = newOfflineIncidents(ctx, cfg.Serve.Incidents); err != nil {
			return res, err
		}
		defer incs.close()
	}
	reg := cfg.Registry
	if reg == nil {
		dets, _, err := Detectors(cfg.Serve)
		if err != nil {
			return res, err
		}
		if reg, err = detect.NewRegistry(dets...); err != nil {
			return res, err
		}
	}
	files, err := expandFiles(cfg.Files)
	if err != nil {
		return res, err
	}
	set, err := phishDecoders(cfg.Serve) // e-mail recipients in own domains become users, as in serve
	if err != nil {
		return res, err
	}
	m := &eventMerge{set: set, errOut: cfg.ErrOut, res: &res}
	defer m.close()
	for _, f := range files {
		if err := m.open(f); err != nil {
			return res, err
		}
	}
	out := bufio.NewWriterSize(cfg.Out, 64<<10)
	enc := json.NewEncoder(out)
	start := time.Now()
	var fs []finding.Finding
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
		ev, err := m.next()
		if err != nil {
			return res, err
		}
		if ev == nil {
			break
		}
		res.Events++
		var errs []error
		fs, errs = reg.Run(ctx, ev, fs[:0])
		for _, e := range errs {
			fmt.Fprintf(cfg.ErrOut, "detector error: %v\n", e)
		}
		for i := range fs {
			fs[i].Created = ev.Time
			res.Findings[fs[i].Detector]++
			if err := enc.Encode(&fs[i]); err != nil {
				return res, err
			}
		}
		if incs != nil && len(fs) > 0 {
			if err := incs.add(ctx, fs); err != nil {
				return res, err
			}
		}
	}
	res.Elapsed = time.Since(start)
	if err := out.Flush(); err != nil {
		return res, err
	}
	if incs != nil {
		return res, incs.write(ctx, cfg.Incidents)
	}
	return res, nil
}

// expandFiles replaces directories by the .ndjson / .ndjson.gz / .jsonl
// event files and .eml messages under them, sorted.
func expandFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			n := strings.ToLower(d.Name())
			if !d.IsDir() && (strings.HasSuffix(n, ".ndjson") || strings.HasSuffix(n, ".ndjson.gz") ||
				strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".eml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("detect: no event files in %v", paths)
	}
	return out, nil
}

// eventSource is one open file and its next decoded event.
type eventSource struct {
	name   string
	format event.Format
	br     *bufio.Reader
	closer func()
	line   int
	head   event.Event
	order  int // file index, breaks time ties deterministically
}

// eventMerge is a k-way merge of sources by (event time, file order).
type eventMerge struct {
	set    *decode.Set
	errOut io.Writer
	res    *DetectFilesResult
	h      sourceHeap
	all    []*eventSource
	cur    *eventSource // returned last; advanced on the next call
}

func (m *eventMerge) open(name string) error {
	r, closeFn, err := openInput(name, nil, nil)
	if err != nil {
		return err
	}
	s := &eventSource{name: name, format: formatForFile(name), br: bufio.NewReaderSize(r, 256<<10),
		closer: closeFn, order: len(m.all)}
	m.all = append(m.all, s)
	ok, err := m.advance(s)
	if err != nil {
		return err
	}
	if ok {
		heap.Push(&m.h, s)
	}
	return nil
}

// advance decodes the source's next event into head; false at end of file.
// Undecodable lines are counted and the first few reported by file:line.
func (m *eventMerge) advance(s *eventSource) (bool, error) {
	if s.format == event.FormatEML {
		return m.advanceMessage(s)
	}
	for {
		line, err := readLine(s.br)
		if len(line) > 0 {
			s.line++
			if derr := m.set.Decode(s.format, line, &s.head); derr != nil {
				m.res.Rejected++
				if m.res.Rejected <= maxScanErrors {
					fmt.Fprintf(m.errOut, "%s:%d: %v\n", s.name, s.line, derr)
				}
			} else {
				s.head.Ingested = s.head.Time
				return true, nil
			}
		} else if err == nil {
			s.line++
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("%s:%d: %w", s.name, s.line+1, err)
		}
	}
}

// advanceMessage decodes a whole .eml file as one event, once.
func (m *eventMerge) advanceMessage(s *eventSource) (bool, error) {
	if s.line > 0 {
		return false, nil
	}
	s.line = 1
	raw, err := io.ReadAll(io.LimitReader(s.br, maxMessageBytes+1))
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.name, err)
	}
	if len(raw) > maxMessageBytes {
		m.res.Rejected++
		fmt.Fprintf(m.errOut, "%s: message larger than %d bytes, skipped\n", s.name, maxMessageBytes)
		return false, nil
	}
	if err := m.set.Decode(event.FormatEML, raw, &s.head); err != nil {
		m.res.Rejected++
		fmt.Fprintf(m.errOut, "%s: %v\n", s.name, err)
		return false, nil
	}
	s.head.Ingested = s.head.Time
	return true, nil
}

// maxMessageBytes bounds one .eml file read by DetectFiles.
const maxMessageBytes = 16 << 20

// next returns the earliest pending event (valid until the following call)
// or nil when every source is exhausted.
func (m *eventMerge) next() (*event.Event, error) {
	if m.cur != nil {
		ok, err := m.advance(m.cur)
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(&m.h, 0)
		} else {
			heap.Pop(&m.h)
		}
		m.cur = nil
	}
	if m.h.Len() == 0 {
		return nil, nil
	}
	m.cur = m.h[0]
	return &m.cur.head, nil
}

func (m *eventMerge) close() {
	for _, s := range m.all {
		s.closer()
	}
}

type sourceHeap []*eventSource

func (h sourceHeap) Len() int { return len(h) }
func (h sourceHeap) Less(i, j int) bool {
	a, b := h[i].head.Time, h[j].head.Time
	if !a.Equal(b) {
		return a.Before(b)
	}
	return h[i].order < h[j].order
}
func (h sourceHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sourceHeap) Push(x any)   { *h = append(*h, x.(*eventSource)) }
func (h *sourceHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
