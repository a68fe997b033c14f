package sigma

import (
	"strings"
	"testing"
)

func TestValueCount(t *testing.T) {
	corr := `title: Spray
correlation:
    type: value_count
    rules: [failed_login]
    group-by: [Host]
    timespan: 1m
    condition:
        field: User
        gte: 3
`
	runCorrCases(t, []corrCase{
		{name: "three users from one host", corr: corr,
			steps: []step{login(0, false, "a", "Host", "h1"), login(1, false, "b", "Host", "h1"),
				login(2, false, "a", "Host", "h1"), login(3, false, "c", "Host", "h1")},
			want: []string{"Spray [h1] e1 e2 e3 e4"}},
		{name: "repeated user does not count", corr: corr,
			steps: []step{login(0, false, "a", "Host", "h1"), login(1, false, "a", "Host", "h1"),
				login(2, false, "b", "Host", "h1"), login(3, false, "b", "Host", "h1")}},
		{name: "events without the field are ignored", corr: corr,
			steps: []step{login(0, false, "a", "Host", "h1"), login(1, false, "b", "Host", "h1"),
				{2, MapEvent{"EventID": "4625", "Host": "h1"}}}},
		{name: "expired values drop out", corr: corr,
			steps: []step{login(0, false, "a", "Host", "h1"), login(1, false, "b", "Host", "h1"),
				login(90, false, "c", "Host", "h1")}},
	})
}

const temporalCorr = `title: Fail then success
correlation:
    type: temporal
    rules:
        - failed_login
        - successful_login
    group-by: [User]
    timespan: 10m
`

func TestTemporal(t *testing.T) {
	ordered := strings.Replace(temporalCorr, "type: temporal", "type: temporal_ordered", 1)
	runCorrCases(t, []corrCase{
		{name: "both rules, any order", corr: temporalCorr,
			steps: []step{login(0, true, "a"), login(5, false, "a")},
			want:  []string{"Fail then success [a] e1 e2"}},
		{name: "one rule only", corr: temporalCorr,
			steps: []step{login(0, false, "a"), login(5, false, "a")}},
		{name: "different users", corr: temporalCorr,
			steps: []step{login(0, false, "a"), login(5, true, "b")}},
		{name: "too far apart", corr: temporalCorr,
			steps: []step{login(0, false, "a"), login(601, true, "a")}},
		{name: "ordered: in order", corr: ordered,
			steps: []step{login(0, false, "a"), login(0, false, "a"), login(5, true, "a")},
			want:  []string{"Fail then success [a] e1 e2 e3"}},
		{name: "ordered: wrong order", corr: ordered,
			steps: []step{login(0, true, "a"), login(5, false, "a")}},
		{name: "ordered: by event time, not arrival", corr: ordered,
			steps: []step{login(5, true, "a"), login(1, false, "a")},
			want:  []string{"Fail then success [a] e1 e2"}},
		{name: "ordered: ties keep arrival order", corr: ordered,
			steps: []step{login(5, false, "a"), login(5, true, "a")},
			want:  []string{"Fail then success [a] e1 e2"}},
		{name: "ordered: tie in wrong arrival order", corr: ordered,
			steps: []step{login(5, true, "a"), login(5, false, "a")}},
	})
}

func TestAliases(t *testing.T) {
	corr := `title: Login then transfer
correlation:
    type: temporal_ordered
    rules: [successful_login, transfer]
    group-by: [account]
    timespan: 1h
    aliases:
        account:
            successful_login: User
            transfer: Account
`
	runCorrCases(t, []corrCase{
		{name: "same account under two field names", corr: corr,
			steps: []step{login(0, true, "alice"), xfer(10, "bob", "1"), xfer(20, "alice", "1")},
			want:  []string{"Login then transfer [alice] e1 e3"}},
		{name: "different accounts", corr: corr,
			steps: []step{login(0, true, "alice"), xfer(10, "bob", "1")}},
	})
}

func TestValueAggregates(t *testing.T) {
	mk := func(typ, cond string) string {
		return "title: Exfil\ncorrelation:\n    type: " + typ + "\n    rules: [transfer]\n    group-by: [Account]\n" +
			"    timespan: 1h\n    condition:\n        field: Bytes\n" + cond
	}
	runCorrCases(t, []corrCase{
		{name: "sum over threshold", corr: mk("value_sum", "        gt: 1000\n"),
			steps: []step{xfer(0, "a", "600"), xfer(1, "b", "600"), xfer(2, "a", "401.5")},
			want:  []string{"Exfil [a] e1 e3"}},
		{name: "sum at threshold is not gt", corr: mk("value_sum", "        gt: 1000\n"),
			steps: []step{xfer(0, "a", "600"), xfer(1, "a", "400")}},
		{name: "sum ignores non-numbers", corr: mk("value_sum", "        gte: 10\n"),
			steps: []step{xfer(0, "a", "lots"), xfer(1, "a", "9")}},
		{name: "sum expires", corr: mk("value_sum", "        gte: 10\n"),
			steps: []step{xfer(0, "a", "5"), xfer(3601, "a", "5")}},
		{name: "avg in range", corr: mk("value_avg", "        gte: 100\n        lte: 200\n"),
			steps: []step{xfer(0, "a", "50"), xfer(1, "a", "250")},
			want:  []string{"Exfil [a] e1 e2"}},
		{name: "avg out of range", corr: mk("value_avg", "        gte: 100\n        lte: 200\n"),
			steps: []step{xfer(0, "a", "50"), xfer(1, "a", "60")}},
		{name: "percentile 90", corr: mk("value_percentile", "        percentile: 90\n        gte: 1000\n"),
			steps: []step{xfer(0, "a", "1"), xfer(1, "a", "2"), xfer(2, "a", "5000")},
			want:  []string{"Exfil [a] e1 e2 e3"}},
		{name: "median stays low", corr: mk("value_percentile", "        percentile: 50\n        gte: 1000\n"),
			steps: []step{xfer(0, "a", "5000"), xfer(1, "a", "1"), xfer(2, "a", "2")},
			want:  []string{"Exfil [a] e1"}},
		{name: "neq", corr: mk("value_sum", "        neq: 0\n        gte: 5\n"),
			steps: []step{xfer(0, "a", "4"), xfer(1, "a", "1")},
			want:  []string{"Exfil [a] e1 e2"}},
		{name: "eq", corr: mk("value_sum", "        eq: 7\n"),
			steps: []step{xfer(0, "a", "4"), xfer(1, "a", "4"), xfer(2, "b", "3"), xfer(3, "b", "4")},
			want:  []string{"Exfil [b] e3 e4"}},
	})
}

const chained = `title: Brute force then success
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by: [User]
    timespan: 10m
---
title: Multiple failed logons
name: multiple_failed_login
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 10m
    condition:
        gte: 2
`

func TestChaining(t *testing.T) {
	runCorrCases(t, []corrCase{
		{name: "spec example", corr: chained,
			steps: []step{login(0, false, "a"), login(1, true, "b"), login(2, false, "a"), login(3, true, "a")},
			want: []string{"Multiple failed logons [a] e1 e3 (quiet)",
				"Brute force then success [a] e1 e3 e4"}},
		{name: "success before the failures", corr: chained,
			steps: []step{login(0, true, "a"), login(1, false, "a"), login(2, false, "a")},
			want:  []string{"Multiple failed logons [a] e2 e3 (quiet)"}},
	})
}

func TestGenerateAndQuiet(t *testing.T) {
	docs := parseDocs(t, corrBase+"---\n"+chained+"---\n"+`title: g
correlation:
    type: event_count
    rules: [transfer]
    group-by: [Account]
    timespan: 1m
    generate: true
    condition:
        gte: 2
`)
	k, errs := NewCorrelator(docs.Rules, docs.Correlations, CorrelatorConfig{})
	if len(errs) > 0 || k.Len() != 3 {
		t.Fatalf("errs %v, len %d", errs, k.Len())
	}
	want := map[string]bool{"Failed login": true, "Successful login": true, "Transfer": false}
	for _, r := range docs.Rules {
		if k.Quiet(r) != want[r.Title] || !k.Uses(r) {
			t.Errorf("%s: quiet %v uses %v", r.Title, k.Quiet(r), k.Uses(r))
		}
	}
}

func TestCorrelatorErrors(t *testing.T) {
	base := "title: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n"
	cases := []struct{ corr, want string }{
		{base + "    timespan: 5x\n    condition:\n        gte: 1\n", "test.yml:32: correlation \"c\": bad timespan unit"},
		{base + "    timespan: m\n    condition:\n        gte: 1\n", "bad timespan"},
		{base + "    timespan: 5m\n", "needs a condition"},
		{base + "    timespan: 5m\n    condition:\n        gte: many\n", `"many" is not a number`},
		{base + "    timespan: 5m\n    condition:\n        above: 1\n", "unknown condition operator"},
		{strings.Replace(base, "failed_login", "nope", 1) + "    timespan: 5m\n    condition:\n        gte: 1\n", `unknown rule "nope"`},
		{strings.Replace(base, "event_count", "value_sum", 1) + "    timespan: 5m\n    condition:\n        gte: 1\n", "needs condition field"},
		{strings.Replace(base, "event_count", "value_percentile", 1) + "    timespan: 5m\n    condition:\n        field: x\n        percentile: 101\n        gte: 1\n", "percentile"},
		{"title: c\nname: c1\ncorrelation:\n    type: temporal\n    rules: [c2, failed_login]\n    timespan: 5m\n---\n" +
			"title: d\nname: c2\ncorrelation:\n    type: temporal\n    rules: [c1, failed_login]\n    timespan: 5m\n", "cycle"},
	}
	for _, c := range cases {
		docs := parseDocs(t, corrBase+"---\n"+c.corr)
		k, errs := NewCorrelator(docs.Rules, docs.Correlations, CorrelatorConfig{})
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%q: errors %v, want %q", c.corr, errs, c.want)
		}
		if k.Len() != 0 {
			t.Errorf("%q: broken correlation kept", c.corr)
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	steps := []step{login(0, false, "a"), login(1, false, "b"), login(2, false, "a"),
		login(3, true, "b"), login(4, true, "a"), login(5, false, "b"), login(6, false, "b"), login(7, true, "b")}
	whole := newHarness(t, chained, CorrelatorConfig{})
	whole.run(steps)
	if len(whole.got) == 0 {
		t.Fatal("sequence produced no matches; test is vacuous")
	}
	for cut := 0; cut <= len(steps); cut++ {
		first := newHarness(t, chained, CorrelatorConfig{})
		first.run(steps[:cut])
		snap, err := first.k.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		second := newHarness(t, chained, CorrelatorConfig{})
		if err := second.k.Restore(snap); err != nil {
			t.Fatalf("cut %d: restore: %v", cut, err)
		}
		again, _ := second.k.Snapshot()
		if string(again) != string(snap) {
			t.Fatalf("cut %d: snapshot not stable:\n%s\n%s", cut, snap, again)
		}
		second.n = first.n
		second.run(steps[cut:])
		got := append(first.got, second.got...)
		if strings.Join(got, "\n") != strings.Join(whole.got, "\n") {
			t.Errorf("cut %d: got %q, want %q", cut, got, whole.got)
		}
	}
	k := newHarness(t, chained, CorrelatorConfig{}).k
	for _, bad := range []string{"", "{", `{"v":2}`, `{"v":1,"corrs":{"multiple_failed_login":{"groups":[{"k":["a"],"e":[{"s":7}]}]}}}`} {
		if err := k.Restore([]byte(bad)); err == nil {
			t.Errorf("Restore(%q) accepted", bad)
		}
	}
}
