package query

import (
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestTermMatch(t *testing.T) {
	tests := []struct {
		q, v string
		want bool
	}{
		{"a:alice", "alice", true},
		{"a:alice", "ALICE", true},
		{"a:Alice", "alic", false},
		{"a:alice", "alice2", false},
		{"a:WS-*", "ws-01", true},
		{"a:WS-*", "xws-01", false},
		{"a:*01", "ws-01", true},
		{"a:*01", "ws-012", false},
		{"a:*s-0*", "ws-01", true},
		{"a:a*b*c", "abc", true},
		{"a:a*b*c", "aXbYc", true},
		{"a:a*b*c", "acb", false},
		{"a:ab*ba", "aba", false}, // prefix and suffix may not overlap
		{`a:x\*y`, "x*y", true},
		{`a:x\*y`, "xay", false},
		{"a:*", "", true},
		{`a:""`, "", true},
		{`a:""`, "x", false},
		{"a:ÉTÉ", "été", true},
		{"a:100%", "100%", true},
		{"a:100%", "1000", false},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Terms[0].Match(tt.v); got != tt.want {
			t.Errorf("%s Match(%q) = %v, want %v", tt.q, tt.v, got, tt.want)
		}
	}
}

func TestMatchEvent(t *testing.T) {
	ev := &event.Event{Fields: []event.Field{
		{Key: "user.name", Value: "alice"},
		{Key: "tags", Value: "red"},
		{Key: "tags", Value: "blue"},
		{Key: "event.outcome", Value: "failure"},
	}}
	tests := []struct {
		q    string
		want bool
	}{
		{"", true},
		{"user.name:alice", true},
		{"user.name:bob", false},
		{"tags:blue", true},
		{"tags:green", false},
		{"NOT tags:blue", false},
		{"NOT tags:green", true},
		{"NOT host.name:x", true}, // missing field: NOT matches
		{"NOT host.name:*", true},
		{"host.name:*", false},
		{"tags:*", true},
		{"blue", true},
		{"BLU*", true},
		{"nothing", false},
		{"-failure", false},
		{"user.name:alice tags:red NOT event.outcome:success", true},
		{"user.name:alice tags:red event.outcome:success", false},
		{"user.name:red", false}, // field terms only look at their key
	}
	for _, tt := range tests {
		q, err := Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.MatchEvent(ev); got != tt.want {
			t.Errorf("%q MatchEvent = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	tests := []struct{ q, want string }{
		{"a:abc", "abc"},
		{"a:WS-*", "WS-%"},
		{`a:"5%_x\\y*"`, `5\%\_x\\y%`},
		{`a:x\*y`, "x*y"},
		{"*a*b*", "%a%b%"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Terms[0].LikePattern(); got != tt.want {
			t.Errorf("%s LikePattern = %q, want %q", tt.q, got, tt.want)
		}
	}
}
