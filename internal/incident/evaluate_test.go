package incident

import (
	"reflect"
	"testing"

	"github.com/vigil-soc/vigil/internal/store"
)

func TestEvaluateGrouping(t *testing.T) {
	incs := []store.Incident{
		{ID: "i1", Status: StatusNew, Entities: []string{"user:jdoe42", "patient:pat-000001"}},
		{ID: "i2", Status: StatusNew, Entities: []string{"host:ws-7", "ip:fe80::1"}},
		{ID: "i3", Status: StatusNew, Entities: []string{"host:ws-7"}},
		{ID: "i4", Status: StatusMerged, Entities: []string{"user:ghost"}},
		{ID: "i5", Status: StatusResolved, Entities: []string{"email:ceo@evil.test", "user:amy", "user:bob"}},
	}
	got := EvaluateGrouping([]Instance{
		{Name: "snoop-coworker#1", Entities: []string{"JDOE42", "pat-000001"}},
		{Name: "device-beaconing#1", Entities: []string{"ws-7"}},
		{Name: "ipv6", Entities: []string{"ip:fe80::1"}},
		{Name: "ghost", Entities: []string{"ghost"}},
		{Name: "bec#1", Entities: []string{"ceo@evil.test", "amy"}},
		{Name: "compromised#2", Entities: []string{"bob"}},
	}, incs)
	want := Grouping{Exact: 4, Fragmented: []string{"device-beaconing#1"}, Missed: []string{"ghost"},
		MergedWrongly: map[string][]string{"i2": {"device-beaconing#1", "ipv6"}, "i5": {"bec#1", "compromised#2"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}
