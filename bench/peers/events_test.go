package peers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

// windowsDev is the flat Windows event file of issue 3.
const windowsDev = "../../../shared/data/events/windows-dev.ndjson.gz"

// event is one decoded line in the two shapes the engines take. Both hold
// the same strings: JSON strings as they are, numbers in their JSON
// spelling, booleans as true/false, null as "" and arrays element by
// element.
type event struct {
	line int            // 1-based line in windows-dev.ndjson.gz
	flat flatEvent      // Vigil: sigma.Event over a flat key/value list
	peer map[string]any // sigma-go: string values, []any for arrays
}

// flatEvent is a sigma.Event (and sigma.FieldRanger) over parallel key and
// value slices; an array is one key repeated.
type flatEvent struct{ keys, vals []string }

// Field implements sigma.Event: the first value of name.
func (e *flatEvent) Field(name string) (string, bool) {
	for i, k := range e.keys {
		if k == name {
			return e.vals[i], true
		}
	}
	return "", false
}

// RangeFields implements sigma.FieldRanger.
func (e *flatEvent) RangeFields(fn func(name, value string)) {
	for i, k := range e.keys {
		fn(k, e.vals[i])
	}
}

// Keywords implements sigma.Event.
func (e *flatEvent) Keywords(fn func(string) bool) bool {
	for _, v := range e.vals {
		if fn(v) {
			return true
		}
	}
	return false
}

var eventCache struct {
	mu   sync.Mutex
	sets map[[2]int][]event
}

// loadEvents decodes every stride-th line of windows-dev.ndjson.gz (lines
// 1, 1+stride, ...), at most n of them, cached per (n, stride) for the test
// binary.
func loadEvents(tb testing.TB, n, stride int) []event {
	tb.Helper()
	eventCache.mu.Lock()
	defer eventCache.mu.Unlock()
	if evs, ok := eventCache.sets[[2]int{n, stride}]; ok {
		return evs
	}
	f, err := os.Open(windowsDev)
	if err != nil {
		tb.Skipf("windows-dev events not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", windowsDev, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var evs []event
	for ln := 1; len(evs) < n && sc.Scan(); ln++ {
		if (ln-1)%stride != 0 {
			continue
		}
		ev, err := decodeEvent(sc.Bytes())
		if err != nil {
			tb.Fatalf("%s:%d: %v", windowsDev, ln, err)
		}
		ev.line = ln
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", windowsDev, err)
	}
	if eventCache.sets == nil {
		eventCache.sets = map[[2]int][]event{}
	}
	eventCache.sets[[2]int{n, stride}] = evs
	return evs
}

// decodeEvent decodes one flat JSON object. Keys are sorted so that both
// shapes list fields in the same order.
func decodeEvent(line []byte) (event, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return event{}, err
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ev := event{peer: make(map[string]any, len(obj))}
	for _, k := range keys {
		switch v := obj[k].(type) {
		case []any:
			arr := make([]any, 0, len(v))
			for i, x := range v {
				s, err := scalar(x)
				if err != nil {
					return event{}, fmt.Errorf("field %q[%d]: %w", k, i, err)
				}
				arr = append(arr, s)
				ev.flat.keys, ev.flat.vals = append(ev.flat.keys, k), append(ev.flat.vals, s)
			}
			ev.peer[k] = arr
		default:
			s, err := scalar(v)
			if err != nil {
				return event{}, fmt.Errorf("field %q: %w", k, err)
			}
			ev.peer[k] = s
			ev.flat.keys, ev.flat.vals = append(ev.flat.keys, k), append(ev.flat.vals, s)
		}
	}
	return ev, nil
}

func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return string(v), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "", nil
	default:
		return "", fmt.Errorf("unsupported JSON value of type %T (the file is flat)", v)
	}
}
