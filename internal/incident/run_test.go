package incident

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
)

type memState struct {
	mu   sync.Mutex
	data map[string][]byte
}

func (m *memState) SaveState(_ context.Context, name, version string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[name+"@"+version] = data
	return nil
}

func (m *memState) LoadState(_ context.Context, name, version string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.data[name+"@"+version]
	return d, ok, nil
}

// feed returns a ConsumeFunc that hands batches to the handler, closes
// fed, then waits for cancellation, like the durable consumer.
func feed(fed chan<- struct{}, batches ...[]finding.Finding) ConsumeFunc {
	return func(ctx context.Context, h FindingHandler) error {
		defer close(fed)
		for _, b := range batches {
			if err := h(ctx, b); err != nil {
				return err
			}
		}
		fed <- struct{}{}
		<-ctx.Done()
		return nil
	}
}

// TestRunRestartResumes: a first run sees two low findings about amy (below
// the threshold) and stops; the restarted run restores the saved risk, so
// the third low finding opens an incident with all three.
func TestRunRestartResumes(t *testing.T) {
	m, st, _ := newManager(t)
	state := &memState{data: map[string][]byte{}}
	lows := []finding.Finding{
		fnd("l1", 0, finding.SeverityLow, user("amy")),
		fnd("l2", time.Minute, finding.SeverityLow, user("amy")),
		fnd("l3", 2*time.Minute, finding.SeverityLow, user("amy")),
	}
	for i := range lows {
		lows[i].Confidence = 0.6 // 9 each: the third crosses 25
	}
	if _, err := st.PutFindings(context.Background(), lows); err != nil {
		t.Fatal(err)
	}
	run := func(m *Manager, batch []finding.Finding) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		fed := make(chan struct{}, 1)
		go func() { done <- m.Run(ctx, feed(fed, batch), state) }()
		<-fed // the batch is handled
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	run(m, lows[:2])
	m2 := NewManager(st, Config{}, Options{})
	run(m2, lows[2:]) // l1 and l2 were acked: only the saved risk remembers them
	inc, err := st.GetIncident(context.Background(), IDFor("l3"))
	if err != nil {
		t.Fatalf("no incident after restart: %v", err)
	}
	if !slices.Equal(inc.FindingIDs, []string{"l1", "l2", "l3"}) {
		t.Errorf("findings = %v", inc.FindingIDs)
	}
}
