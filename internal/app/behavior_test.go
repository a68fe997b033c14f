package app

import (
	"strings"
	"testing"
)

func TestDetectorsIncludeBehavior(t *testing.T) {
	ds, _, err := Detectors(Config{TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name())
	}
	if strings.Join(names, ",") != "logclear,behavior,phish,privacy,promptinject" {
		t.Fatalf("detectors %v", names)
	}
	if _, _, err := Detectors(Config{TimeZone: "Mars/Olympus_Mons"}); err == nil || !strings.Contains(err.Error(), "--timezone") {
		t.Fatalf("bad time zone: %v", err)
	}
}
