package decode

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// TestEvtxRegressionFiles decodes every object of every Sigma regression
// file (154 events in 135 files, per /work/shared/data/README.md) as evtx.
func TestEvtxRegressionFiles(t *testing.T) {
	s := NewSet()
	var ev event.Event
	total := 0
	for _, path := range evtxFiles(t) {
		data := mustRead(t, path)
		objs, err := SplitJSONStream(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, obj := range objs {
			if got := Detect(obj); got != event.FormatEvtxJSON {
				t.Errorf("%s #%d: Detect = %q", path, i, got)
			}
			if err := s.Decode(event.FormatAuto, obj, &ev); err != nil {
				t.Fatalf("%s #%d: %v", path, i, err)
			}
			if ev.Format != event.FormatEvtxJSON || ev.ID == "" || ev.Time.IsZero() || ev.Entities.Host == "" {
				t.Errorf("%s #%d: format %q id %q time %v host %q", path, i, ev.Format, ev.ID, ev.Time, ev.Entities.Host)
			}
			for _, k := range []string{"EventID", "Channel", "Computer", "Provider_Name", "Event.System.EventID"} {
				if _, ok := ev.Get(k); !ok {
					t.Errorf("%s #%d: no %s", path, i, k)
				}
			}
			total++
		}
	}
	if total != 154 {
		t.Errorf("decoded %d events, want 154", total)
	}
}

func TestEvtxGolden(t *testing.T) {
	path := filepath.Join(dataDir, "sigma/regression/rules-threat-hunting/windows/image_load/image_load_win_werfaultsecure_dbgcore_dbghelp_load/8a2f4b1c-3d5e-4f7a-9b2c-1e4f6d8a9c2b.json")
	data := mustRead(t, path)
	var ev event.Event
	if err := NewSet().Decode(event.FormatEvtxJSON, data, &ev); err != nil {
		t.Fatal(err)
	}
	if want := event.SourceID(event.FormatEvtxJSON, "Microsoft-Windows-Sysmon/Operational", "swachchhanda", "571146"); ev.ID != want {
		t.Errorf("ID %s want %s", ev.ID, want)
	}
	if want := time.Date(2025, 11, 27, 7, 40, 10, 165324000, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("time %v want %v", ev.Time, want)
	}
	if want := (event.Entities{User: "xodih", Host: "swachchhanda"}); ev.Entities != want {
		t.Errorf("entities %+v want %+v", ev.Entities, want)
	}
	for k, v := range map[string]string{
		"Event.System.EventID":                "7",
		"EventID":                             "7",
		"Event.System.Provider_Name":          "Microsoft-Windows-Sysmon",
		"Provider_Name":                       "Microsoft-Windows-Sysmon",
		"Event.System.TimeCreated_SystemTime": "2025-11-27T07:40:10.165324Z",
		"Event.System.Execution_ProcessID":    "3544",
		"Event.System.Security_UserID":        "S-1-5-18",
		"Event_xmlns":                         "http://schemas.microsoft.com/win/2004/08/events/event",
		"Event.EventData.ImageLoaded":         `C:\Windows\System32\dbgcore.dll`,
		"ImageLoaded":                         `C:\Windows\System32\dbgcore.dll`,
		"Keywords":                            "0x8000000000000000",
		"user.name":                           "xodih",
	} {
		if got, ok := ev.Get(k); !ok || got != v {
			t.Errorf("%s = %q (%v), want %q", k, got, ok, v)
		}
	}
	if _, ok := ev.Get("Security_UserID"); ok {
		t.Error("Security_UserID should only appear under its dotted path")
	}
}

func TestEvtxUserData(t *testing.T) {
	raw := []byte(`{"Event":{"System":{"EventID":5858,"Channel":"WMI","Computer":"pc","EventRecordID":1,
		"TimeCreated":{"#attributes":{"SystemTime":"2026-07-02T02:05:27.438557Z"}}},
		"UserData":{"Operation_ClientFailure":{"#attributes":{"xmlns":"x"},"Operation":"cleareventlog","User":"D\\u"}}}}`)
	var ev event.Event
	if err := NewSet().Decode(event.FormatAuto, raw, &ev); err != nil {
		t.Fatal(err)
	}
	if v, _ := ev.Get("Operation"); v != "cleareventlog" {
		t.Errorf("Operation = %q", v)
	}
	if v, _ := ev.Get("Event.UserData.Operation_ClientFailure_xmlns"); v != "x" {
		t.Errorf("folded xmlns = %q", v)
	}
	if ev.Entities.User != "u" {
		t.Errorf("user %q", ev.Entities.User)
	}
}

func TestEvtxTextFolding(t *testing.T) {
	raw := []byte(`{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":0},"#text":4624}},"EventData":{"LogonType":3}}}`)
	var ev event.Event
	if err := NewSet().Decode(event.FormatEvtxJSON, raw, &ev); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Event.System.EventID": "4624", "EventID": "4624",
		"Event.System.EventID_Qualifiers": "0", "LogonType": "3"} {
		if got, _ := ev.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if ev.ID != event.ContentID(raw) {
		t.Error("without EventRecordID the id must be the content id")
	}
}

func TestEvtxMissingSystem(t *testing.T) {
	var ev event.Event
	err := NewSet().Decode(event.FormatEvtxJSON, []byte(`{"Event":{"EventData":{}}}`), &ev)
	assertErr(t, err, event.FormatEvtxJSON, "Event.System", "")
}
