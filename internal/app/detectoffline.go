package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store"
)

// loadContextFiles imports hospital context files into an in-memory holder,
// reporting per file what loaded and how many rows were rejected.
func loadContextFiles(ctx context.Context, paths []string, errOut io.Writer) (*hospital.Holder, error) {
	files, err := contextFiles(paths, false)
	if err != nil {
		return nil, err
	}
	h := hospital.NewHolder(nil, nil)
	for _, f := range files {
		r, err := importLocal(ctx, h, f, "")
		if err != nil {
			return nil, fmt.Errorf("context %s: %w", f, err)
		}
		fmt.Fprintf(errOut, "context %s: %d loaded, %d rejected\n", f, r.Loaded, r.RejectedTotal)
		for _, rej := range r.Rejected[:min(len(r.Rejected), 3)] {
			fmt.Fprintf(errOut, "  %s:%d: %s\n", f, rej.Line, rej.Reason)
		}
	}
	return h, nil
}

// offlineIncidents runs the incident manager of `vigil serve` over the
// findings of an offline run, on a throw-away SQLite store.
type offlineIncidents struct {
	dir string
	st  store.Store
	m   *incident.Manager
}

func newOfflineIncidents(ctx context.Context, cfg IncidentConfig) (*offlineIncidents, error) {
	dir, err := os.MkdirTemp("", "vigil-detect-")
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, dir, "", "vigil")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &offlineIncidents{dir: dir, st: st, m: newIncidentManager(st, cfg, slog.New(slog.DiscardHandler))}, nil
}

func (o *offlineIncidents) add(ctx context.Context, fs []finding.Finding) error {
	if _, err := o.st.PutFindings(ctx, fs); err != nil {
		return err
	}
	return o.m.HandleFindings(ctx, fs)
}

// write lists every incident (merged ones included) as NDJSON.
func (o *offlineIncidents) write(ctx context.Context, w io.Writer) error {
	enc := json.NewEncoder(w)
	q := store.IncidentQuery{Limit: store.MaxLimit}
	for {
		page, err := o.st.ListIncidents(ctx, q)
		if err != nil {
			return err
		}
		for _, inc := range page.Incidents {
			if err := enc.Encode(inc); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.Cursor = page.Next
	}
}

func (o *offlineIncidents) close() {
	o.st.Close()
	os.RemoveAll(o.dir)
}
