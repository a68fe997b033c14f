package storeutil

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
)

func checkFieldsJSON(t *testing.T, fs []event.Field) {
	t.Helper()
	ev := &event.Event{Fields: fs}
	var want, got any
	if err := json.Unmarshal(ev.FieldsJSON(), &want); err != nil {
		t.Fatal(err)
	}
	b := AppendFieldsJSON(nil, fs, false)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("AppendFieldsJSON wrote invalid JSON %q: %v", b, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AppendFieldsJSON = %s, FieldsJSON = %s", b, ev.FieldsJSON())
	}
	back, err := DecodeFields(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(fs) {
		t.Fatalf("DecodeFields gave %d fields, want %d", len(back), len(fs))
	}
}

func TestFieldsJSON(t *testing.T) {
	checkFieldsJSON(t, nil)
	checkFieldsJSON(t, []event.Field{{Key: "b", Value: "1"}, {Key: "a", Value: "x"}, {Key: "b", Value: "0"},
		{Key: `q"\`, Value: "ctl\x01\x1f\n\t\r<>&\u2028"}, {Key: "bad", Value: "\xff\xfeok"}, {Key: "", Value: ""},
		{Key: "b", Value: "2"}, {Key: "nul", Value: "a\x00b"}})
	got := AppendFieldsJSON(nil, []event.Field{{Key: "k\x00", Value: "\x00"}}, true)
	if string(got) != `{"k\ufffd":"\ufffd"}` {
		t.Errorf("noNUL: %s", got)
	}
}

func FuzzFieldsJSON(f *testing.F) {
	f.Add("a", "1", "a", "2", "b\x00", "\xff")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		checkFieldsJSON(t, []event.Field{{Key: k1, Value: v1}, {Key: k2, Value: v2}, {Key: k3, Value: v3}})
	})
}

func TestCursor(t *testing.T) {
	for _, c := range []struct {
		t  int64
		id string
	}{{0, ""}, {-5, "x"}, {1 << 62, "ev-1/ü"}} {
		tt, id, err := DecodeCursor(EncodeCursor(c.t, c.id))
		if err != nil || tt != c.t || id != c.id {
			t.Errorf("cursor %v: got %d %q %v", c, tt, id, err)
		}
	}
	for _, bad := range []string{"", "!!", "AAAA"} {
		if _, _, err := DecodeCursor(bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}
