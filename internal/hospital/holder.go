package hospital

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Record is one context record as persisted: its kind, id and JSON value.
type Record struct {
	Kind string
	ID   string
	Data []byte
}

// ErrUnreadable is wrapped by Import errors about the input itself (broken
// gzip, read failure), as opposed to failures to store it.
var ErrUnreadable = errors.New("unreadable input")

// MetaKind is the record kind under which the Holder persists its version.
const MetaKind = "_meta"

// RecordStore persists records so the context survives a restart (the
// application adapts store.ContextRecords to it).
type RecordStore interface {
	UpsertContextRecords(ctx context.Context, recs []Record) error
	// ListContextRecords calls fn for every stored record of kind.
	ListContextRecords(ctx context.Context, kind string, fn func(Record) error) error
}

// Result is the outcome of importing one file.
type Result struct {
	File          string      `json:"file"`
	Kind          Kind        `json:"kind"`
	Loaded        int         `json:"loaded"`
	Rejected      []Rejection `json:"rejected"`
	RejectedTotal int         `json:"rejected_total"`
	Version       string      `json:"version"`
}

// Holder owns the imported records and publishes snapshots. Current is
// lock-free; imports are serialised.
type Holder struct {
	mu    sync.Mutex
	recs  *records
	gen   uint64
	chain uint64
	cur   atomic.Pointer[Context]
	store RecordStore // nil = memory only
	now   func() time.Time
}

// NewHolder returns an empty holder persisting to st (nil = memory only).
func NewHolder(st RecordStore, now func() time.Time) *Holder {
	if now == nil {
		now = time.Now
	}
	h := &Holder{recs: newRecords(), store: st, now: now}
	h.cur.Store(build(h.recs, ""))
	return h
}

// Current returns the latest snapshot (never nil).
func (h *Holder) Current() *Context { return h.cur.Load() }

// Load rebuilds the records and the snapshot from the store (at start).
func (h *Holder) Load(ctx context.Context) error {
	if h.store == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	recs := newRecords()
	for _, k := range AllKinds {
		err := h.store.ListContextRecords(ctx, string(k), func(r Record) error {
			it, err := decodeItem(k, r.ID, r.Data)
			if err != nil {
				return err
			}
			recs.upsert(it)
			return nil
		})
		if err != nil {
			return fmt.Errorf("context: load %s: %w", k, err)
		}
	}
	err := h.store.ListContextRecords(ctx, MetaKind, func(r Record) error {
		if r.ID == "version" {
			h.gen, h.chain = parseVersion(string(r.Data))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("context: load version: %w", err)
	}
	h.recs = recs
	h.cur.Store(build(recs, h.version()))
	return nil
}

// Import parses one file of kind k and upserts its good rows; name is only
// reported. The error is for unreadable input or a failed store write; bad
// rows are in the result.
func (h *Holder) Import(ctx context.Context, name string, k Kind, r io.Reader) (Result, error) {
	content := xxhash.New()
	p, err := Parse(k, io.TeeReader(r, content), h.now())
	res := Result{File: name, Kind: k, Rejected: p.Rejected, RejectedTotal: p.RejectedTotal}
	if res.Rejected == nil {
		res.Rejected = []Rejection{}
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w: %w", name, ErrUnreadable, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	gen, chain := h.gen+1, h.nextChain(k, content.Sum64())
	if h.store != nil {
		if err := h.persist(ctx, k, p.Items, versionOf(gen, chain)); err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, it := range p.Items {
		h.recs.upsert(it)
	}
	h.gen, h.chain = gen, chain
	h.cur.Store(build(h.recs, h.version()))
	res.Loaded, res.Version = len(p.Items), h.version()
	return res, nil
}

// persistBatch bounds one store write.
const persistBatch = 2000

func (h *Holder) persist(ctx context.Context, k Kind, items []Item, version string) error {
	batch := make([]Record, 0, persistBatch)
	for _, it := range items {
		data, err := json.Marshal(it.Value)
		if err != nil {
			return err
		}
		batch = append(batch, Record{Kind: string(k), ID: it.ID, Data: data})
		if len(batch) == persistBatch {
			if err := h.store.UpsertContextRecords(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	batch = append(batch, Record{Kind: MetaKind, ID: "version", Data: []byte(version)})
	return h.store.UpsertContextRecords(ctx, batch)
}

// nextChain folds this import (kind and hash of the file's bytes) into the
// running hash.
func (h *Holder) nextChain(k Kind, content uint64) uint64 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], h.chain)
	binary.LittleEndian.PutUint64(b[8:], content)
	d := xxhash.New()
	d.Write(b[:])
	d.WriteString(string(k))
	return d.Sum64()
}

func (h *Holder) version() string {
	if h.gen == 0 {
		return ""
	}
	return versionOf(h.gen, h.chain)
}

// versionOf spells a version: import counter and content hash, "7-1f2e…".
func versionOf(gen, chain uint64) string { return fmt.Sprintf("%d-%016x", gen, chain) }

func parseVersion(s string) (gen, chain uint64) {
	g, c, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0
	}
	gen, _ = strconv.ParseUint(g, 10, 64)
	chain, _ = strconv.ParseUint(c, 16, 64)
	return gen, chain
}
