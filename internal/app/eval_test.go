package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

const labelMessageID = "<s1-m16@mercyheaIth.org>"

// TestVigilEventIDMatchesEMLDecoder: the id eval looks up for an e-mail
// label is the id the eml decoder stores the message under.
func TestVigilEventIDMatchesEMLDecoder(t *testing.T) {
	raw := "From: Dana Ross <dana.ross@mercyheaIth.org>\r\nTo: ap@mercyhealth.org\r\n" +
		"Subject: vendor bank details\r\nDate: Mon, 02 Nov 2026 09:00:00 +0000\r\n" +
		"Message-ID: " + labelMessageID + "\r\n\r\nplease update\r\n"
	var ev event.Event
	if err := decode.NewSet().Decode(event.FormatEML, []byte(raw), &ev); err != nil {
		t.Fatal(err)
	}
	if got := vigilEventID(labelMessageID); got != ev.ID {
		t.Fatalf("eval looks up %s, the decoder stored %s", got, ev.ID)
	}
	if got := vigilEventID("abc123"); got != "abc123" {
		t.Fatalf("non-mail id changed: %s", got)
	}
}

// TestEvalServerMTTRFromEmailLabel: an instance whose first event is an
// e-mail (spear-phishing-bec) gets an MTTR from the message's ingest time.
func TestEvalServerMTTRFromEmailLabel(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	mailID := vigilEventID(labelMessageID)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any
		switch r.URL.Path {
		case "/api/v1/findings":
			v = map[string]any{"findings": []any{}}
		case "/api/v1/incidents":
			v = map[string]any{"incidents": []any{map[string]any{"id": "inc-1", "entities": []string{"email:dana.ross@mercyheaith.org"},
				"created": t0, "updated": t0, "finding_ids": []string{}}}}
		case "/api/v1/actions":
			v = map[string]any{"actions": []any{map[string]any{"id": "act-1", "incident_id": "inc-1", "action": "block.domain",
				"status": "succeeded", "executed_at": t0.Add(7 * time.Second)}}}
		case "/api/v1/events/" + mailID:
			v = event.View{ID: mailID, Time: t0, Ingested: t0}
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(v)
	}))
	defer srv.Close()
	labels := t.TempDir() + "/labels.jsonl"
	line := `{"scenario":"spear-phishing-bec","instance_id":"bec-1","start":"2026-11-02T09:00:00Z","end":"2026-11-02T09:30:00Z",` +
		`"entities":{"email":"dana.ross@mercyheaIth.org"},"event_ids":["` + labelMessageID + `"],"params":{}}` + "\n"
	if err := os.WriteFile(labels, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Eval(context.Background(), EvalOptions{Labels: labels, Server: srv.URL, Token: "tok", Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if r.MTTRAuto.N != 1 || r.MTTRAuto.Median != 7 {
		t.Fatalf("MTTR automatic = %+v, want one of 7 s", r.MTTRAuto)
	}
}
