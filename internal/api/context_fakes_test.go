package api

import (
	"context"
	"sort"
	"sync"

	"github.com/vigil-soc/vigil/internal/store"
)

// Context records of the API tests' memStore, kept apart from its other
// fields (the API itself reaches the context through Deps.Context).
var (
	memContextMu sync.Mutex
	memContext   = map[string]store.ContextRecord{}
)

func (*memStore) UpsertContextRecords(_ context.Context, recs []store.ContextRecord) error {
	memContextMu.Lock()
	defer memContextMu.Unlock()
	for _, r := range recs {
		memContext[r.Kind+"\x00"+r.ID] = r
	}
	return nil
}

func (*memStore) ListContextRecords(_ context.Context, kind string, fn func(store.ContextRecord) error) error {
	memContextMu.Lock()
	var recs []store.ContextRecord
	for _, r := range memContext {
		if r.Kind == kind {
			recs = append(recs, r)
		}
	}
	memContextMu.Unlock()
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
	for _, r := range recs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
