package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/hospital"
	"github.com/vigil-soc/vigil/internal/store"
)

// contextRecords presents a store to the hospital holder in its own terms.
type contextRecords struct{ st store.ContextRecords }

func (c contextRecords) UpsertContextRecords(ctx context.Context, recs []hospital.Record) error {
	out := make([]store.ContextRecord, len(recs))
	for i, r := range recs {
		out[i] = store.ContextRecord{Kind: r.Kind, ID: r.ID, Data: r.Data}
	}
	return c.st.UpsertContextRecords(ctx, out)
}

func (c contextRecords) ListContextRecords(ctx context.Context, kind string, fn func(hospital.Record) error) error {
	return c.st.ListContextRecords(ctx, kind, func(r store.ContextRecord) error {
		return fn(hospital.Record{Kind: r.Kind, ID: r.ID, Data: r.Data})
	})
}

// loadHospital builds the hospital context holder from the store.
func loadHospital(ctx context.Context, st store.ContextRecords) (*hospital.Holder, error) {
	h := hospital.NewHolder(contextRecords{st}, nil)
	if err := h.Load(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// ContextImportOptions configure `vigil context import`.
type ContextImportOptions struct {
	Paths  []string     // files or directories
	Kind   string       // overrides the kind taken from each file name ("" = from the name)
	Server string       // send to a running server (with Token) ...
	Token  string       // ...
	Store  StoreOptions // ... or write into this store
	Out    io.Writer    // per-file results and rejected rows
}

// ContextImport imports context files and prints, per file, how many rows
// loaded and each rejected row as file:line: reason. The error is for files
// that could not be read or sent at all (the others still load).
func ContextImport(ctx context.Context, o ContextImportOptions) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	files, err := contextFiles(o.Paths, o.Kind != "")
	if err != nil {
		return err
	}
	var imp func(ctx context.Context, path string) (hospital.Result, error)
	if o.Server != "" {
		if o.Token == "" {
			return errors.New("context import: --server needs --token (or VIGIL_TOKEN)")
		}
		c, err := NewClient(o.Server, o.Token, "")
		if err != nil {
			return err
		}
		c.HTTP.Timeout = 30 * time.Minute // a whole Patient.ndjson of a large hospital, stored row by row
		imp = func(ctx context.Context, path string) (hospital.Result, error) {
			return postContext(ctx, c, path, o.Kind)
		}
	} else {
		h, done, err := localHolder(ctx, o.Store)
		if err != nil {
			return err
		}
		defer done()
		imp = func(ctx context.Context, path string) (hospital.Result, error) {
			return importLocal(ctx, h, path, o.Kind)
		}
	}
	var failed []string
	for _, f := range files {
		res, err := imp(ctx, f)
		if err != nil {
			fmt.Fprintf(o.Out, "%s: not loaded: %v\n", f, err)
			failed = append(failed, f)
			continue
		}
		fmt.Fprintf(o.Out, "%s: %s loaded %d, rejected %d (context version %s)\n", f, res.Kind, res.Loaded,
			res.RejectedTotal, res.Version)
		for _, r := range res.Rejected {
			fmt.Fprintf(o.Out, "%s:%d: %s\n", f, r.Line, r.Reason)
		}
		if res.RejectedTotal > len(res.Rejected) {
			fmt.Fprintf(o.Out, "%s: … %d more rejected rows not listed\n", f, res.RejectedTotal-len(res.Rejected))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("context import: %d file(s) could not be loaded: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// contextFiles expands directories into the context files they hold (by
// name); named files are kept as given. anyName keeps every file of a
// directory (a --kind was given).
func contextFiles(paths []string, anyName bool) ([]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("context import: no files or directories given")
	}
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			out = append(out, p) // an unreadable path is reported by the import
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if _, kerr := hospital.KindOf(d.Name()); !d.IsDir() && (kerr == nil || anyName) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("context import: %w", err)
		}
		sort.Slice(found, func(i, j int) bool { return kindRank(found[i]) < kindRank(found[j]) })
		out = append(out, found...)
	}
	return out, nil
}

// kindRank orders files so people load before what refers to them.
func kindRank(path string) int {
	k, _ := hospital.KindOf(path)
	for i, x := range hospital.AllKinds {
		if x == k {
			return i
		}
	}
	return len(hospital.AllKinds)
}

func fileKind(path, kind string) (hospital.Kind, error) {
	if kind != "" {
		return hospital.ParseKind(kind)
	}
	return hospital.KindOf(path)
}

// localHolder opens the store (taking the data directory lock for SQLite)
// and loads the context so versions continue.
func localHolder(ctx context.Context, o StoreOptions) (*hospital.Holder, func(), error) {
	unlock := func() {}
	if o.DB == "" {
		u, err := lockDataDir(o.DataDir)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (send to the running server with --server URL --token T)", err)
		}
		unlock = u
	}
	st, err := o.open(ctx)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	h, err := loadHospital(ctx, st)
	if err != nil {
		st.Close()
		unlock()
		return nil, nil, err
	}
	return h, func() { st.Close(); unlock() }, nil
}

func importLocal(ctx context.Context, h *hospital.Holder, path, kind string) (hospital.Result, error) {
	k, err := fileKind(path, kind)
	if err != nil {
		return hospital.Result{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return hospital.Result{}, err
	}
	defer f.Close()
	return h.Import(ctx, filepath.Base(path), k, f)
}

// postContext sends one file to POST /api/v1/context, streaming it.
func postContext(ctx context.Context, c *Client, path, kind string) (hospital.Result, error) {
	var res hospital.Result
	if _, err := fileKind(path, kind); err != nil {
		return res, err
	}
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	q := url.Values{"file": {filepath.Base(path)}}
	if kind != "" {
		q.Set("kind", kind)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Server+"/api/v1/context?"+q.Encode(), f)
	if err != nil {
		return res, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return res, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		return res, fmt.Errorf("%s: %s", resp.Status, e.Error)
	}
	return res, json.Unmarshal(data, &res)
}
