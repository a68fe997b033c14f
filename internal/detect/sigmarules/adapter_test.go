package sigmarules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

func TestAdapterFieldsAndKeywords(t *testing.T) {
	var ev event.Event
	ev.Add("Image", `C:\x.exe`, event.KindString)
	ev.Add("Tag", "a", event.KindString)
	ev.Add("Tag", "b", event.KindString)
	e := Wrap(&ev)
	if v, ok := e.Field("Image"); !ok || v != `C:\x.exe` {
		t.Errorf("Field(Image) = %q, %v", v, ok)
	}
	if _, ok := e.Field("image"); ok {
		t.Error("field lookup must be exact")
	}
	if v, _ := e.Field("Tag"); v != "a" {
		t.Errorf("repeated field: got %q, want the first value", v)
	}
	var seen []string
	e.Keywords(func(s string) bool { seen = append(seen, s); return s == "a" })
	if len(seen) != 2 {
		t.Errorf("Keywords should stop at the first hit: saw %v", seen)
	}
	if e.Keywords(func(s string) bool { return s == "zzz" }) {
		t.Error("Keywords reported a hit that fn never gave")
	}
	var keys []string
	e.RangeFields(func(k, v string) { keys = append(keys, k+"="+v) })
	if strings.Join(keys, ",") != `Image=C:\x.exe,Tag=a,Tag=b` {
		t.Errorf("RangeFields gave %v", keys)
	}
}

func compileRule(t *testing.T, src string) (*sigma.Ruleset, *sigma.Rule) {
	t.Helper()
	docs, err := sigma.Parse([]byte(src), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := sigma.Compile(docs.Rules, sigma.Config{Pipeline: sigma.WindowsPipeline()})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rs, docs.Rules[0]
}

// TestAdapterRepeatedKeyMatchesAnyValue: an array flattened to repeated
// keys matches a rule when any element does.
func TestAdapterRepeatedKeyMatchesAnyValue(t *testing.T) {
	rs, _ := compileRule(t, `title: t
logsource: {product: fhir, service: auditevent}
detection:
    sel:
        entity.what.reference|startswith: 'Patient/vip-'
    condition: sel
`)
	var ev event.Event
	ev.Format = event.FormatFHIR
	ev.Add("entity.what.reference", "Encounter/1", event.KindString)
	ev.Add("entity.what.reference", "Patient/VIP-7", event.KindString)
	n := 0
	rs.Match(Wrap(&ev), func(*sigma.Rule) { n++ })
	if n != 1 {
		t.Fatalf("got %d matches, want 1 (second array element)", n)
	}
	ev.Fields[1].Value = "Patient/42"
	n = 0
	rs.Match(Wrap(&ev), func(*sigma.Rule) { n++ })
	if n != 0 {
		t.Fatalf("got %d matches, want none", n)
	}
}

func TestAdapterLogsource(t *testing.T) {
	mk := func(f event.Format, kv ...string) *event.Event {
		ev := &event.Event{Format: f}
		for i := 0; i+1 < len(kv); i += 2 {
			ev.Add(kv[i], kv[i+1], event.KindString)
		}
		return ev
	}
	cases := []struct {
		ev   *event.Event
		want sigma.Logsource
	}{
		{mk(event.FormatWinFlat, "Channel", "Security"), sigma.Logsource{}}, // routed by channel
		{mk(event.FormatEvtxJSON), sigma.Logsource{}},
		{mk(event.FormatFHIR), sigma.Logsource{Product: "fhir", Service: "auditevent"}},
		{mk(event.FormatECS, "event.module", "Zeek", "event.category", "network", "event.category", "x",
			"event.dataset", "zeek.dns"), sigma.Logsource{Product: "zeek", Category: "network", Service: "zeek.dns"}},
		{mk(event.FormatECS, "observer.product", "Okta"), sigma.Logsource{Product: "okta"}},
		{mk(event.FormatSyslog, "syslog.appname", "sshd"), sigma.Logsource{Product: "linux"}},
		{mk(event.FormatSyslog, "syslog.appname", "systemd-resolved"), sigma.Logsource{Product: "linux"}},
		{mk(event.FormatSyslog, "syslog.appname", "pacs-gw"), sigma.Logsource{}},
		{mk(event.FormatCEF, "cef.device_product", "Palo Alto NGFW"), sigma.Logsource{Product: "palo alto ngfw"}},
		{mk(event.FormatJSON, "a", "b"), sigma.Logsource{}},
	}
	for _, c := range cases {
		if got := Wrap(c.ev).Logsource(); got != c.want {
			t.Errorf("%s %v: got %+v, want %+v", c.ev.Format, c.ev.Fields, got, c.want)
		}
	}
}

// TestAdapterRoutesByLogsource: a Linux rule sees a Linux syslog event and
// not a Windows one carrying the same field.
func TestAdapterRoutesByLogsource(t *testing.T) {
	rs, _ := compileRule(t, `title: t
logsource: {product: linux, service: auth}
detection:
    sel:
        syslog.appname: sshd
    condition: sel
`)
	_ = rs
	rs2, _ := compileRule(t, `title: t
logsource: {product: linux}
detection:
    sel:
        syslog.appname: sshd
    condition: sel
`)
	lin := &event.Event{Format: event.FormatSyslog}
	lin.Add("syslog.appname", "sshd", event.KindString)
	win := &event.Event{Format: event.FormatWinFlat}
	win.Add("syslog.appname", "sshd", event.KindString)
	count := func(rs *sigma.Ruleset, ev *event.Event) int {
		n := 0
		rs.Match(Wrap(ev), func(*sigma.Rule) { n++ })
		return n
	}
	if count(rs2, lin) != 1 || count(rs2, win) != 0 {
		t.Errorf("product linux: linux event %d, windows event %d; want 1, 0", count(rs2, lin), count(rs2, win))
	}
	if count(rs, lin) != 0 {
		t.Error("service auth must not match an event without that service")
	}
}

// BenchmarkRegressionEvents matches the 154 decoded SigmaHQ regression
// events against the full compiled corpus (3,754 rules) through the adapter.
func BenchmarkRegressionEvents(b *testing.B) {
	if _, err := os.Stat(sigmaData); err != nil {
		b.Skip("SigmaHQ data not available")
	}
	var rules []*sigma.Rule
	for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting"} {
		docs, _ := sigma.ParseFS(os.DirFS(sigmaData), dir)
		rules = append(rules, docs.Rules...)
	}
	phData, _ := os.ReadFile("../../../sigma/testdata/placeholders.yml")
	ph, _ := sigma.ParsePlaceholders(phData, "placeholders.yml")
	rs, _ := sigma.Compile(rules, sigma.Config{Pipeline: sigma.WindowsPipeline(), Placeholders: ph})
	var events []*event.Event
	jsons, _ := filepath.Glob(filepath.Join(sigmaData, "regression", "*", "*", "*", "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(sigmaData, "regression", "*", "*", "*", "*", "*", "*.json"))
	set := decode.NewSet()
	for _, j := range append(jsons, more...) {
		raw, _ := os.ReadFile(j)
		objs, _ := decode.SplitJSONStream(raw)
		for _, o := range objs {
			ev := new(event.Event)
			if set.Decode(event.FormatEvtxJSON, o, ev) == nil {
				events = append(events, ev)
			}
		}
	}
	if len(events) == 0 {
		b.Fatal("no events")
	}
	matches := 0
	fn := func(*sigma.Rule) { matches++ }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs.Match(Wrap(events[i%len(events)]), fn)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
