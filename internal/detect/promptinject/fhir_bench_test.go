package promptinject

import (
	"context"
	"os"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// BenchmarkFHIRAuditEvent is one BALP read as the simulator writes it: eight
// code-system URIs of 39–58 characters that are scanned on every event.
func BenchmarkFHIRAuditEvent(b *testing.B) {
	raw, err := os.ReadFile("testdata/auditevent.json")
	if err != nil {
		b.Fatal(err)
	}
	ev := new(event.Event)
	if err := decode.NewSet().Decode(event.FormatFHIR, raw, ev); err != nil {
		b.Fatal(err)
	}
	d := New()
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(context.Background(), ev, func(finding.Finding) {})
	}
}
