package sigmarules

import (
	"os"
	"path/filepath"
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
