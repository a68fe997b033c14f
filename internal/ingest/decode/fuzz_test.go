package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// checkDecode is the property every fuzz target asserts: no panic; failure
// is an *Error and leaves no fields; success gives an id, a format and a UTC
// (or zero) time, and the raw bytes are kept.
func checkDecode(t *testing.T, s *Set, f event.Format, raw []byte) {
	var ev event.Event
	err := s.Decode(f, raw, &ev)
	if err != nil {
		var de *Error
		if !errors.As(err, &de) {
			t.Fatalf("error %v is %T, want *Error", err, err)
		}
		if len(ev.Fields) != 0 || ev.ID != "" {
			t.Fatalf("failed decode left %d fields, id %q", len(ev.Fields), ev.ID)
		}
		return
	}
	if ev.ID == "" || ev.Format == "" {
		t.Fatalf("success without id (%q) or format (%q)", ev.ID, ev.Format)
	}
	if f != event.FormatAuto && f != ev.Format && !(ev.Format == event.FormatCEF && f == event.FormatSyslog) {
		t.Fatalf("asked for %q, got %q", f, ev.Format)
	}
	if !ev.Time.IsZero() && ev.Time.Location() != time.UTC {
		t.Fatalf("time %v is not UTC", ev.Time)
	}
	if string(ev.Raw) != string(raw) {
		t.Fatal("Raw differs from the input")
	}
	if len(ev.Fields) > MaxFields {
		t.Fatalf("%d fields", len(ev.Fields))
	}
}

func fuzzSet() *Set {
	return NewSet(WithNow(func() time.Time { return fixedNow }))
}

// addFiles seeds f with the named files (missing ones are skipped) and the
// objects of concatenated-JSON files.
func addFiles(f *testing.F, split bool, paths ...string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if !split {
			f.Add(b)
			continue
		}
		objs, _ := SplitJSONStream(b)
		for _, o := range objs {
			f.Add(o)
		}
	}
}

func addWinLines(f *testing.F, n int) {
	if _, err := os.Stat(winFile); err != nil {
		return
	}
	eachWinLine(f, func(i int, l []byte) bool {
		if i%97 == 1 { // a spread of Sysmon, Security and PowerShell lines
			f.Add(append([]byte(nil), l...))
		}
		return i < n*97
	})
}

func addEvtx(f *testing.F, n int) {
	var files []string
	root := filepath.Join(dataDir, "sigma", "regression")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" && len(files) < n {
			files = append(files, p)
		}
		return nil
	})
	addFiles(f, true, files...)
}

func FuzzWinFlat(f *testing.F) {
	addWinLines(f, 20)
	f.Add([]byte(`{"EventID":4624,"Channel":"Security","Hostname":"h","TargetUserName":"D\\u","RecordNumber":1,"UtcTime":"2024-01-01 00:00:00.1"}`))
	s, general := fuzzSet(), generalSet()
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, s, event.FormatWinFlat, raw)
		if d := diffDecode(s, general, event.FormatWinFlat, raw); d != "" {
			t.Fatalf("fast and general paths differ: %s", d)
		}
	})
}

func FuzzEvtx(f *testing.F) {
	addEvtx(f, 12)
	f.Add([]byte(`{"Event":{"System":{"EventID":{"#attributes":{"Q":0},"#text":1}},"UserData":{"W":{"A":"b"}}}}`))
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, s, event.FormatEvtxJSON, raw) })
}

func FuzzECS(f *testing.F) {
	addFiles(f, false, "testdata/ecs/nested.json", "testdata/ecs/dotted.json")
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, s, event.FormatECS, raw) })
}

func FuzzFHIR(f *testing.F) {
	addFiles(f, false, filepath.Join(dataDir, "fhir/r4/AuditEvent-example-media.json"),
		"testdata/fhir/breakglass-r4.json", "testdata/fhir/search-r4.json")
	f.Add([]byte(`{"resourceType":"AuditEvent","outcome":{"code":{"code":"8"}},"entity":[{"query":"YT1i"}]}`))
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, s, event.FormatFHIR, raw) })
}

func FuzzCEF(f *testing.F) {
	addFiles(f, false, "testdata/cef/firewall.cef", "testdata/cef/syslog-wrapped.cef")
	f.Add([]byte(`CEF:0|V\|x|P|1|s|n|High`))
	f.Add([]byte(`CEF:0|V|P|1|s|n|1|cs1Label=L cs1=v\=x rt=Jan 02 2024 03:04:05`))
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, s, event.FormatCEF, raw) })
}

func FuzzSyslog(f *testing.F) {
	addFiles(f, false, "testdata/syslog/rfc5424.log", "testdata/syslog/rfc3164.log", "testdata/cef/syslog-wrapped.cef")
	f.Add([]byte("<13>Feb 29 00:00:00 h a: leap"))
	f.Add([]byte("<134>1 2024-02-03T04:05:06Z fw01 cef - - - CEF:0|V|P|1|s|n|5|suser=eve"))
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) { checkDecode(t, s, event.FormatSyslog, raw) })
}

// FuzzAuto checks detection and auto-decoding together: whatever Detect
// says, Decode with FormatAuto agrees on success.
func FuzzAuto(f *testing.F) {
	addWinLines(f, 5)
	addEvtx(f, 4)
	addFiles(f, false, filepath.Join(dataDir, "fhir/r4/AuditEvent-example-media.json"),
		"testdata/ecs/nested.json", "testdata/cef/firewall.cef", "testdata/syslog/rfc5424.log")
	f.Add([]byte(`{"vigil.format":"fhir","resourceType":"AuditEvent"}`))
	f.Add([]byte(`[1]`))
	s, general := fuzzSet(), generalSet()
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, s, event.FormatAuto, raw)
		if d := diffDecode(s, general, event.FormatAuto, raw); d != "" {
			t.Fatalf("fast and general paths differ: %s", d)
		}
		var ev event.Event
		if err := s.Decode(event.FormatAuto, raw, &ev); err == nil {
			if d := Detect(raw); d != ev.Format && !(d == event.FormatSyslog && ev.Format == event.FormatCEF) {
				t.Fatalf("Detect %q, Decode %q", d, ev.Format)
			}
		}
	})
}

// FuzzSplitJSONStream: no panic; the values returned are valid JSON, in
// order and without overlap, and only whitespace lies between them.
func FuzzSplitJSONStream(f *testing.F) {
	addFiles(f, false, "testdata/ecs/nested.json")
	addEvtx(f, 2)
	f.Add([]byte("{\"a\":1}\n{\"b\":[1,2]} 3 \"x\""))
	f.Add([]byte("{\"a\":1}{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := SplitJSONStream(data)
		pos := 0
		for _, v := range vals {
			if len(v) == 0 || !json.Valid(v) {
				t.Fatalf("value %q is not valid JSON", v)
			}
			i := bytes.Index(data[pos:], v)
			if i < 0 || len(bytes.Trim(data[pos:pos+i], " \t\r\n")) != 0 {
				t.Fatalf("value %q not found after offset %d with only whitespace before it", v, pos)
			}
			pos += i + len(v)
		}
		if err == nil && len(bytes.Trim(data[pos:], " \t\r\n")) != 0 {
			t.Fatalf("no error, but %q left over", data[pos:])
		}
	})
}
