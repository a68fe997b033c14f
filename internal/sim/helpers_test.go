package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// memSink keeps the output files in memory.
type memSink struct {
	mu    sync.Mutex
	files map[string]*bytes.Buffer
}

func newMemSink() *memSink { return &memSink{files: map[string]*bytes.Buffer{}} }

type memFile struct{ *bytes.Buffer }

func (memFile) Close() error { return nil }

func (m *memSink) Create(name string) (io.WriteCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := &bytes.Buffer{}
	m.files[name] = b
	return memFile{b}, nil
}

func (m *memSink) names(prefix string) []string {
	var out []string
	for n := range m.files {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func (m *memSink) lines(name string) [][]byte {
	data := m.files[name].Bytes()
	if len(data) == 0 {
		return nil
	}
	return bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
}

var (
	smallOnce sync.Once
	smallOut  *memSink
	smallMan  *Manifest
	smallErr  error
)

// smallAll is `simulate --profile small --days 1 --scenarios all`, built once.
func smallAll(t *testing.T) (*memSink, *Manifest) {
	t.Helper()
	smallOnce.Do(func() {
		smallOut = newMemSink()
		smallMan, smallErr = Generate(Options{Profile: "small", Days: 1, Seed: 7, Scenarios: ScenarioNames()}, smallOut)
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallOut, smallMan
}

// repoRoot walks up to go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func readLabels(t *testing.T, s *memSink) []Instance {
	t.Helper()
	var out []Instance
	for i, l := range s.lines("labels.jsonl") {
		var in Instance
		if err := json.Unmarshal(l, &in); err != nil {
			t.Fatalf("labels.jsonl:%d: %v", i+1, err)
		}
		out = append(out, in)
	}
	return out
}
