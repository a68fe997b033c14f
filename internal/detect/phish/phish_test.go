package phish

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/phish"
)

const lure = "From: \"Daniel Reyes\" <daniel.reyes.cfo@gmail.com>\r\nTo: ap12@stbrigidhealth.org\r\nSubject: Quick favor\r\n\r\n" +
	"Are you at your desk? I need you to buy gift cards for the staff today, it is urgent. Keep this between us. " +
	"Send the codes to me. https://giftcodes-claim.example/redeem\r\n"

const newsletter = "Authentication-Results: mx.stbrigidhealth.org; spf=pass smtp.mailfrom=news.example; dkim=pass header.d=news.example; dmarc=pass header.from=news.example\r\n" +
	"From: Forum <news@news.example>\r\nTo: ap12@stbrigidhealth.org\r\nSubject: October issue\r\n\r\nThis month: staffing models and the new price transparency rules. https://news.example/oct\r\n"

func newDetector(t *testing.T) *Detector {
	an, err := phish.NewAnalyzer(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &phish.Config{OwnDomains: []string{"stbrigidhealth.org"},
		VIPs: []phish.VIP{{Name: "Daniel Reyes", Title: "CFO", Addresses: []string{"dreyes@stbrigidhealth.org"}}}}
	return New(an, func() *phish.Config { return cfg }, 10)
}

func run(d *Detector, id, raw string) []finding.Finding {
	ev := &event.Event{ID: id, Format: event.FormatEML, Raw: []byte(raw), Entities: event.Entities{User: "ap12"}}
	var out []finding.Finding
	d.Detect(context.Background(), ev, func(f finding.Finding) { out = append(out, f) })
	return out
}

func TestDetectorFindingAndHistory(t *testing.T) {
	d := newDetector(t)
	fs := run(d, "e1", lure)
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	if f.RuleID != RuleID || f.Detector != "phish" || f.Entities.Email != "daniel.reyes.cfo@gmail.com" || f.Entities.User != "ap12" ||
		f.ID != finding.DeriveID("phish", RuleID, []string{"e1"}) || f.Validate() != nil {
		t.Fatalf("finding %+v", f)
	}
	if f.Severity != finding.SeverityHigh && f.Severity != finding.SeverityMedium {
		t.Errorf("severity %s", f.Severity)
	}
	tags := strings.Join(f.Tags, " ")
	if !strings.Contains(tags, "email.to:ap12@stbrigidhealth.org") || !strings.Contains(tags, "url.domain:giftcodes-claim.example") ||
		!strings.Contains(f.Explanation, "first message from this sender") {
		t.Errorf("tags %v explanation %s", f.Tags, f.Explanation)
	}
	// the same sender again: no longer first-time, so a lower or equal score
	if !d.senders.has("daniel.reyes.cfo@gmail.com") || !d.domains.has("giftcodes-claim.example") {
		t.Fatal("history not kept")
	}
	if fs2 := run(d, "e2", lure); len(fs2) == 1 && strings.Contains(fs2[0].Explanation, "first message from this sender") {
		t.Error("second message still first-time")
	}
	if len(run(d, "e3", newsletter)) != 0 {
		t.Error("authenticated newsletter flagged")
	}
	// non-email events are ignored
	ev := &event.Event{ID: "x", Format: event.FormatECS, Raw: []byte(lure)}
	d.Detect(context.Background(), ev, func(finding.Finding) { t.Error("finding for a non-email event") })
}

func TestDetectorSnapshotRestoreAndBound(t *testing.T) {
	d := newDetector(t)
	for i := 0; i < 15; i++ { // capacity 10: the 5 oldest are forgotten
		d.senders.add("s" + string(rune('a'+i)) + "@x.example")
	}
	if d.senders.has("sa@x.example") || !d.senders.has("so@x.example") || len(d.senders.m) != 10 {
		t.Fatalf("bound: %d kept", len(d.senders.m))
	}
	snap, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	d2 := newDetector(t)
	if err := d2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if !d2.senders.has("so@x.example") || d2.senders.has("sa@x.example") || strings.Join(d2.senders.list(), ",") != strings.Join(d.senders.list(), ",") {
		t.Error("restore differs")
	}
	if d2.Restore([]byte("{bad")) == nil {
		t.Error("bad snapshot accepted")
	}
}
