package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
)

// WindowsEvent returns a Windows Security 4624 (logon) event of about 600
// bytes of raw JSON with ~20 fields, numbered n (n picks the id, time,
// user and host).
func WindowsEvent(n int) *event.Event {
	user, host := fmt.Sprintf("user%03d", n%500), fmt.Sprintf("WS-%04d.hospital.local", n%300)
	ip := fmt.Sprintf("10.%d.%d.%d", n%7, n%200, n%250)
	t := base.Add(time.Duration(n) * time.Millisecond)
	ev := &event.Event{
		ID:       event.SourceID(event.FormatWinFlat, "Security", host, fmt.Sprint(n)),
		Time:     t,
		Ingested: t.Add(time.Second),
		Format:   event.FormatWinFlat,
		Entities: event.Entities{User: user, Host: host, SrcIP: ip},
	}
	for _, kv := range [][2]string{
		{"EventID", "4624"}, {"Channel", "Security"}, {"Provider", "Microsoft-Windows-Security-Auditing"},
		{"Computer", host}, {"EventRecordID", fmt.Sprint(n)}, {"Level", "0"}, {"Task", "12544"},
		{"SubjectUserSid", "S-1-5-18"}, {"SubjectUserName", "WS$"}, {"SubjectDomainName", "HOSPITAL"},
		{"TargetUserSid", fmt.Sprintf("S-1-5-21-1004336348-1177238915-682003330-%d", 1000+n%500)},
		{"TargetUserName", user}, {"TargetDomainName", "HOSPITAL"}, {"LogonType", "3"},
		{"LogonProcessName", "NtLmSsp"}, {"AuthenticationPackageName", "NTLM"}, {"IpAddress", ip},
		{"IpPort", fmt.Sprint(49152 + n%16000)}, {"ProcessName", "-"},
	} {
		ev.Add(kv[0], kv[1], event.KindString)
	}
	ev.Add(event.FieldAction, "logon", event.KindString)
	ev.Add(event.FieldOutcome, "success", event.KindString)
	ev.SetEntityFields()
	ev.Raw = fmt.Appendf(nil, `{"EventID":4624,"Channel":"Security","Provider":"Microsoft-Windows-Security-Auditing",`+
		`"Computer":%q,"EventRecordID":%d,"TimeCreated":%q,"Level":0,"Task":12544,"SubjectUserSid":"S-1-5-18",`+
		`"SubjectUserName":"WS$","SubjectDomainName":"HOSPITAL","TargetUserSid":"S-1-5-21-1004336348-1177238915-682003330-%d",`+
		`"TargetUserName":%q,"TargetDomainName":"HOSPITAL","LogonType":3,"LogonProcessName":"NtLmSsp",`+
		`"AuthenticationPackageName":"NTLM","IpAddress":%q,"IpPort":%d,"ProcessName":"-"}`,
		host, n, t.Format(time.RFC3339Nano), 1000+n%500, user, ip, 49152+n%16000)
	return ev
}

// BenchBatches are the batch sizes the store packages benchmark
// InsertEvents with: one JetStream fetch (500 events) and a backlog batch
// of ten fetches.
var BenchBatches = []int{500, 5000}

// BenchmarkInsertEvents measures InsertEvents in batches of batch events;
// it reports events/s and the process CPU time per event. Each iteration inserts one event, all new.
func BenchmarkInsertEvents(b *testing.B, s store.Store, batch int) {
	evs := make([]*event.Event, b.N)
	size := 0
	for i := range evs {
		evs[i] = WindowsEvent(i)
		size += len(evs[i].Raw)
	}
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < len(evs); i += batch {
		n, err := s.InsertEvents(b.Context(), evs[i:min(i+batch, len(evs))])
		if err != nil {
			b.Fatal(err)
		}
		if n != min(batch, len(evs)-i) {
			b.Fatalf("inserted %d", n)
		}
	}
	b.StopTimer()
	if cpu > 0 {
		// CPU time of this process (for SQLite the whole store; for a
		// server database the client side only) per event.
		b.ReportMetric(float64(processCPU()-cpu)/float64(time.Microsecond)/float64(b.N), "cpu-µs/event")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(size)/float64(b.N), "raw-B/event")
}
