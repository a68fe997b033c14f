package sigma

import (
	"testing"
)

// FuzzParse feeds arbitrary bytes to the rule parser and compiles and runs
// whatever parses: any input must give rules or errors, never a panic.
// Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("title: t\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '\\a.exe'\n    condition: sel\n"))
	cfg := Config{Pipeline: WindowsPipeline(), Placeholders: map[string][]string{"x": {"1", "2"}}}
	events := []Event{
		MapEvent{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": "1", "Image": `C:\a.exe`, "CommandLine": "a -x"},
		lsEvent{MapEvent{"A": "1"}, Logsource{Product: "windows", Category: "process_creation"}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Parse(data, "fuzz.yml")
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
		rs, _ := Compile(docs.Rules, cfg)
		for _, e := range events {
			rs.Match(e, func(*Rule) {})
		}
	})
}

// FuzzCondition feeds arbitrary condition strings to the condition parser,
// resolves them against fixed search identifiers and evaluates them.
// Seeds: testdata/fuzz/FuzzCondition.
func FuzzCondition(f *testing.F) {
	f.Add("selection and not 1 of filter_*")
	sels := []*Selection{{Name: "selection"}, {Name: "filter_a"}, {Name: "filter_b"}, {Name: "_x"}}
	index := map[string]int{"selection": 0, "filter_a": 1, "filter_b": 2, "_x": 3}
	ft := newFieldTable()
	ms := make([]selMatcher, len(sels))
	for i := range ms {
		id := ft.id(sels[i].Name, func(n string) []string { return []string{n} })
		ms[i] = selMatcher{groups: [][]*fieldMatcher{{{field: id, exists: 1}}}}
	}
	sc := newScratch(ft)
	sc.reset(MapEvent{"selection": "", "filter_b": ""})
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCondition(s)
		if err != nil {
			return
		}
		en, err := resolve(n, sels, index)
		if err != nil {
			return
		}
		en.eval(ms, sc)
	})
}
