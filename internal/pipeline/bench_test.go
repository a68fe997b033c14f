package pipeline

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkPublish publishes batches of 1,000 events of about 600 encoded
// bytes to an embedded server and reports events/s for each sync mode.
func BenchmarkPublish(b *testing.B) {
	for _, sync := range []string{"interval", "always"} {
		b.Run("sync="+sync, func(b *testing.B) {
			bus := openEmbedded(b, b.TempDir(), Config{Sync: sync, MaxBytes: 4 << 30})
			ctx := context.Background()
			template := testEvents("bench", 1000, 470)
			if n := len(template[0].AppendBinary(nil)); n < 550 || n > 650 {
				b.Fatalf("event size %d, want ~600", n)
			}
			b.SetBytes(int64(len(template[0].AppendBinary(nil)) * len(template)))
			b.ResetTimer()
			for i := range b.N {
				for j, ev := range template {
					ev.ID = fmt.Sprintf("b%d-%d", i, j)
				}
				if _, err := bus.Publish(ctx, template); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(template))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
