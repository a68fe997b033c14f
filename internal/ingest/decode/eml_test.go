package decode

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/phish"
)

func TestDecodeEML(t *testing.T) {
	raw, err := os.ReadFile("testdata/eml/epic-lure.eml")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSet(WithOwnMailDomains("stbrigidhealth.org"))
	var ev event.Event
	if err := s.Decode(event.FormatEML, raw, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Format != event.FormatEML || ev.Entities.Email != "epic-support@mailbox-upgrade.top" || ev.Entities.User != "nbaptiste82" {
		t.Fatalf("entities %+v format %s", ev.Entities, ev.Format)
	}
	if v, _ := ev.Get("email.subject"); v != "Action required: EHR account verification" {
		t.Errorf("subject %q", v)
	}
	// the href and the URL the anchor text shows
	if got := ev.Values(nil, "url.full"); len(got) != 2 || !strings.Contains(got[0], "/epic/login.php") {
		t.Errorf("urls %v", got)
	}
	if v, _ := ev.Get(event.FieldEmail); v != ev.Entities.Email {
		t.Errorf("email.from.address %q", v)
	}
	if ev.ID != event.SourceID(event.FormatEML, "<d8a43d279e52f219@mailbox-upgrade.top>") || ev.Time.IsZero() {
		t.Errorf("id %s time %v", ev.ID, ev.Time)
	}

	// the same message in a JSON envelope, auto-detected: same id and fields;
	// Raw stays the envelope and phish.MessageOf gives the message back.
	env := `{"vigil.format":"eml","raw_base64":"` + base64.StdEncoding.EncodeToString(raw) + `"}`
	var ev2 event.Event
	if err := s.Decode(event.FormatAuto, []byte(env), &ev2); err != nil {
		t.Fatal(err)
	}
	if ev2.ID != ev.ID || ev2.Entities != ev.Entities || string(ev2.Raw) != env {
		t.Errorf("envelope: %+v", ev2.Entities)
	}
	if m, err := phish.MessageOf(ev2.Raw); err != nil || string(m) != string(raw) {
		t.Errorf("MessageOf: %v", err)
	}

	for name, bad := range map[string]string{
		"no sender":   "Subject: hi\r\n\r\nbody",
		"bad base64":  `{"vigil.format":"eml","raw_base64":"***"}`,
		"no raw":      `{"vigil.format":"eml"}`,
		"raw not str": `{"vigil.format":"eml","raw_base64":5}`,
	} {
		err := s.Decode(event.FormatAuto, []byte(bad), &ev)
		if name == "no sender" {
			err = s.Decode(event.FormatEML, []byte(bad), &ev)
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if de, ok := err.(*Error); !ok || de.Field == "" {
			t.Errorf("%s: %v does not name the field", name, err)
		}
	}
}

func FuzzEML(f *testing.F) {
	addFiles(f, false, "testdata/eml/epic-lure.eml", "testdata/eml/invoice.eml")
	f.Add([]byte("From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n"))
	s := fuzzSet()
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecode(t, s, event.FormatEML, raw)
	})
}
