package decode

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
)

// TestConcurrentDecode shares one Set between goroutines decoding every
// format (run with -race): results must equal a sequential decode.
func TestConcurrentDecode(t *testing.T) {
	inputs := [][]byte{
		[]byte(`{"EventID":4624,"Channel":"Security","Hostname":"dc1","TargetUserName":"CORP\\alice","RecordNumber":9}`),
		[]byte(`{"Event":{"System":{"EventID":1,"Computer":"pc","EventRecordID":3,"Channel":"c"},"EventData":{"Image":"x.exe"}}}`),
		[]byte(`{"@timestamp":"2024-06-01T12:00:00Z","event":{"id":"e"},"user":{"name":"u"}}`),
		[]byte(`{"resourceType":"AuditEvent","id":"a1","action":"R","agent":[{"who":{"reference":"Practitioner/1"},"requestor":true}]}`),
		[]byte(`CEF:0|V|P|1|s|n|5|suser=eve src=10.9.8.7 cs1Label=L cs1=v`),
		[]byte("<34>Oct 11 22:14:15 mymachine su[230]: failed"),
		[]byte("<165>1 2003-10-11T22:14:15.003Z h app 1 ID [x@1 a=\"b\"] msg"),
		[]byte(`{"plain":true}`),
	}
	s := newTestSet()
	want := make([]string, len(inputs))
	for i, in := range inputs {
		var ev event.Event
		if err := s.Decode(event.FormatAuto, in, &ev); err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		want[i] = fmt.Sprint(ev.ID, ev.Format, ev.Entities, ev.Fields)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var ev event.Event
			for n := range 300 {
				i := (n + g) % len(inputs)
				if err := s.Decode(event.FormatAuto, inputs[i], &ev); err != nil {
					t.Errorf("input %d: %v", i, err)
					return
				}
				if got := fmt.Sprint(ev.ID, ev.Format, ev.Entities, ev.Fields); got != want[i] {
					t.Errorf("input %d: concurrent result differs:\n%s\n%s", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
