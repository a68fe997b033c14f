package sigma

import (
	"slices"
	"strings"
	"testing"
)

// TestRulesFiledUnderTheirOwnEventIDs: a channel-wide rule that requires
// EventID values is filed under those ids only, and still matches exactly
// the events it matched before; one that does not require them stays
// channel-wide.
func TestRulesFiledUnderTheirOwnEventIDs(t *testing.T) {
	own := "id: own\nlogsource:\n    product: windows\n    service: sysmon\ndetection:\n    sel:\n        EventID:\n            - 16\n            - 255\n    condition: sel\n"
	not := "id: not\nlogsource:\n    product: windows\n    service: sysmon\ndetection:\n    sel:\n        EventID: 16\n    other:\n        Image: 'x'\n    condition: sel or other\n"
	rs := windowsRules(t, own, not)
	routes := rs.byRoute[strings.ToLower(sysmon)]
	ruleIDs := func(b *bucket) []string {
		var ids []string
		for _, cr := range b.all() {
			ids = append(ids, cr.rule.ID)
		}
		return ids
	}
	if got := ruleIDs(routes["16"]); !slices.Equal(got, []string{"own"}) {
		t.Errorf("bucket 16 holds %v, want [own]", got)
	}
	if got := ruleIDs(routes["*"]); !slices.Equal(got, []string{"not"}) {
		t.Errorf("channel-wide bucket holds %v, want [not]", got)
	}
	for id, want := range map[string][]string{"16": {"own", "not"}, "255": {"own"}, "1": nil} {
		ev := kvEvent{{"Channel", sysmon}, {"EventID", id}}
		if got := matchedIDs(rs, ev); !slices.Equal(got, want) {
			t.Errorf("EventID %s: matched %v, want %v", id, got, want)
		}
	}
}

// TestChannelRoutingIgnoresCase: "security" and "Security" are one channel
// (windows-dev has 3,974 events with the lower-case spelling; the
// differential test against sigma-go found rules that missed them).
func TestChannelRoutingIgnoresCase(t *testing.T) {
	rule := "id: logon9\nlogsource:\n    product: windows\n    service: security\ndetection:\n    sel:\n        EventID: 4624\n        LogonType: 9\n    condition: sel\n"
	rs := windowsRules(t, rule)
	for _, ch := range []string{"Security", "security", "SECURITY"} {
		ev := kvEvent{{"Channel", ch}, {"EventID", "4624"}, {"LogonType", "9"}}
		if got := matchedIDs(rs, ev); !slices.Equal(got, []string{"logon9"}) {
			t.Errorf("Channel %q: matched %v, want [logon9]", ch, got)
		}
	}
}
