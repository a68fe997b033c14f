package privacy

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// FuzzDetect: any AuditEvent the decoder accepts is judged without a panic,
// and every finding is valid and names its user and patient.
func FuzzDetect(f *testing.F) {
	for _, a := range []access{
		{id: "1", user: "jdoe42", patient: "pat-vip", action: "read", t: t0},
		{id: "2", user: "jdoe42", action: "search", query: "name=Searchme&given=Sam", t: t0},
		{id: "3", user: "rray", patient: "pat-btg", action: "break-the-glass", t: t0},
		{id: "4", user: "ghost", patient: "pat-nope", action: "export", t: t0.Add(48 * time.Hour)},
	} {
		f.Add([]byte(a.json()))
	}
	h := fixture(f)
	d := New(Config{Context: h.Current})
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev := new(event.Event)
		if err := decoders.Decode(event.FormatFHIR, raw, ev); err != nil {
			return
		}
		d.Detect(context.Background(), ev, func(fd finding.Finding) {
			if err := fd.Validate(); err != nil || fd.Entities.User == "" || fd.Entities.Patient == "" {
				t.Fatalf("bad finding %+v: %v", fd, err)
			}
		})
	})
}
