package promptinject

import (
	"strings"
	"sync"
)

// Bounds of the clean-value cache: values up to maxCleanLen bytes, at most
// maxClean of them (≤ 4 MiB of keys); when full it starts again empty.
const (
	maxCleanLen = 512
	maxClean    = 8192
)

// cleanCache remembers values already scanned and found clean. Machine
// written logs repeat the same long values on every event — a FHIR
// AuditEvent carries eight code-system URIs that pass the cheap cues
// (long unbroken runs, "system") — and running the regular expressions on
// them again was most of the detector's cost. Only clean verdicts are kept,
// so a value that looks like an injection is scanned (and reported) every
// time. Safe for concurrent use.
type cleanCache struct {
	mu sync.Mutex
	m  map[string]struct{}
}

func newCleanCache() *cleanCache { return &cleanCache{m: make(map[string]struct{})} }

// has reports whether v was scanned before and found clean.
func (c *cleanCache) has(v string) bool {
	if c == nil || len(v) > maxCleanLen {
		return false
	}
	c.mu.Lock()
	_, ok := c.m[v]
	c.mu.Unlock()
	return ok
}

// add remembers that v is clean.
func (c *cleanCache) add(v string) {
	if c == nil || len(v) > maxCleanLen {
		return
	}
	c.mu.Lock()
	if len(c.m) >= maxClean {
		clear(c.m)
	}
	c.m[strings.Clone(v)] = struct{}{} // v may point into the event's buffer
	c.mu.Unlock()
}
