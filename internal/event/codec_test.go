package event

import (
	"reflect"
	"testing"
	"time"
)

func sample() *Event {
	ev := &Event{
		ID:       "abc",
		Time:     time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Ingested: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Format:   FormatWinFlat,
		Entities: Entities{User: "alice", Host: "ws1", SrcIP: "10.0.0.1", Patient: "p1", Email: "a@b.example"},
		Raw:      []byte(`{"EventID":4624}`),
	}
	ev.Add("EventID", "4624", KindNumber)
	ev.Add("tags", "a", KindString)
	ev.Add("tags", "b", KindString)
	ev.Add("ok", "true", KindBool)
	return ev
}

func TestCodecRoundTrip(t *testing.T) {
	in := sample()
	b, _ := in.MarshalBinary()
	var out Event
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Fatalf("round trip:\n in %+v\nout %+v", in, &out)
	}
	var empty Event
	b, _ = empty.MarshalBinary()
	if err := out.UnmarshalBinary(b); err != nil || out.ID != "" || !out.Time.IsZero() || len(out.Fields) != 0 {
		t.Fatalf("empty round trip: %v %+v", err, out)
	}
}

func TestCodecRejectsDamage(t *testing.T) {
	b, _ := sample().MarshalBinary()
	for cut := 0; cut < len(b); cut++ {
		var out Event
		if err := out.UnmarshalBinary(b[:cut]); err == nil {
			t.Fatalf("truncated at %d: no error", cut)
		}
	}
	var out Event
	if err := out.UnmarshalBinary(append(b, 0)); err == nil {
		t.Fatal("trailing byte: no error")
	}
	bad := append([]byte{9}, b[1:]...)
	if err := out.UnmarshalBinary(bad); err == nil {
		t.Fatal("bad version: no error")
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	b, _ := sample().MarshalBinary()
	f.Add(b)
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev Event
		if err := ev.UnmarshalBinary(data); err != nil {
			return
		}
		again, _ := ev.MarshalBinary()
		var ev2 Event
		if err := ev2.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(ev, ev2) {
			t.Fatalf("re-encode differs: %v", err)
		}
	})
}

func TestFieldAccess(t *testing.T) {
	ev := sample()
	if v, ok := ev.Get("EventID"); !ok || v != "4624" {
		t.Fatalf("Get = %q %v", v, ok)
	}
	if _, ok := ev.Get("eventid"); ok {
		t.Fatal("Get must be case-sensitive")
	}
	if v, ok := ev.GetFold("eventid"); !ok || v != "4624" {
		t.Fatal("GetFold failed")
	}
	if got := ev.Values(nil, "tags"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("Values = %v", got)
	}
	m := ev.FieldMap()
	if !reflect.DeepEqual(m["tags"], []string{"a", "b"}) || m["EventID"] != "4624" {
		t.Fatalf("FieldMap = %v", m)
	}
	ev.SetEntityFields()
	if v, _ := ev.Get(FieldUser); v != "alice" {
		t.Fatalf("entity field user = %q", v)
	}
	if _, ok := ev.Get(FieldDestIP); ok {
		t.Fatal("empty entity must not become a field")
	}
}

func TestIDs(t *testing.T) {
	a := ContentID([]byte("ab"), []byte("c"))
	b := ContentID([]byte("a"), []byte("bc"))
	if a == b || len(a) != 32 {
		t.Fatalf("ContentID must separate parts: %s %s", a, b)
	}
	if SourceID(FormatWinFlat, "x") == SourceID(FormatECS, "x") {
		t.Fatal("SourceID must include the format")
	}
	if (Entities{Host: "h", SrcIP: "1.2.3.4"}).PartitionKey() != "h" {
		t.Fatal("partition key order")
	}
}

func TestBatchRoundTrip(t *testing.T) {
	a, b := sample(), sample()
	b.ID = "other"
	data := AppendBatch(nil, []*Event{a, b})
	got, err := DecodeBatch(nil, data)
	if err != nil || len(got) != 2 || !reflect.DeepEqual(got[0], a) || !reflect.DeepEqual(got[1], b) {
		t.Fatalf("batch round trip: %v %+v", err, got)
	}
	single, _ := a.MarshalBinary()
	if got, err := DecodeBatch(nil, single); err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("single event as batch: %v", err)
	}
	for cut := 0; cut < len(data); cut++ {
		if _, err := DecodeBatch(nil, data[:cut]); err == nil {
			t.Fatalf("truncated batch at %d: no error", cut)
		}
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add(AppendBatch(nil, []*Event{sample(), sample()}))
	f.Add([]byte{batchMagic, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := DecodeBatch(nil, data)
		if err != nil {
			return
		}
		again, err := DecodeBatch(nil, AppendBatch(nil, evs))
		if err != nil || !reflect.DeepEqual(evs, again) {
			t.Fatalf("re-encode differs: %v", err)
		}
	})
}

// Messages written before Entities.Email existed (codec version 1) still decode.
func TestDecodeVersion1(t *testing.T) {
	e := Event{ID: "x", Format: FormatECS, Entities: Entities{User: "u", Device: "d"},
		Fields: []Field{{Key: "k", Value: "v"}}, Raw: []byte("{}")}
	b := e.AppendBinary(nil)
	// Rebuild as version 1: drop the trailing empty Email string (one zero
	// byte after Device) and set the version byte.
	v1 := []byte{1}
	v1 = appendString(v1, e.ID)
	v1 = append(v1, b[1+1+len(e.ID):]...)
	idx := 1 + 1 + len(e.ID) + 1 + 1 + 1 + len(e.Format) + 1 + len("u") + 1 + 1 + 1 + 1 + 1 + len("d")
	v1 = append(v1[:idx], v1[idx+1:]...)
	var got Event
	if err := got.UnmarshalBinary(v1); err != nil {
		t.Fatal(err)
	}
	if got.Entities.User != "u" || got.Entities.Device != "d" || got.Entities.Email != "" || len(got.Fields) != 1 {
		t.Fatalf("decoded %+v", got)
	}
}
