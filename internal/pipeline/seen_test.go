package pipeline

import (
	"fmt"
	"testing"
)

func TestSeenSet(t *testing.T) {
	s := newSeenSet(100)
	if !s.firstTime("a") || s.firstTime("a") {
		t.Fatal("a: first then repeat")
	}
	for i := 0; i < 150; i++ { // rolls one generation
		s.firstTime(fmt.Sprint(i))
	}
	if s.firstTime("a") {
		t.Fatal("a is one generation old and must still be remembered")
	}
	for i := 0; i < 250; i++ {
		s.firstTime(fmt.Sprint("x", i))
	}
	if !s.firstTime("0") {
		t.Fatal("ids older than two generations must be forgotten (bounded memory)")
	}
	if len(s.cur) > 100 || len(s.prev) > 100 {
		t.Fatalf("generations exceed their bound: %d %d", len(s.cur), len(s.prev))
	}
}
