package action

import (
	"os"
	"strings"
	"testing"
)

func FuzzParseActions(f *testing.F) {
	b, err := os.ReadFile("testdata/actions.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("connectors:\n  a: {type: webhook, url: http://x/, secret: literal}\n"))
	f.Add([]byte("connectors: [1, 2]\n"))
	f.Setenv("VIGIL_FUZZ_KEY", "k")
	f.Fuzz(func(t *testing.T, data []byte) {
		if strings.Contains(string(data), "file:") {
			return // do not let the fuzzer read arbitrary files
		}
		set, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, n := range set.Names() {
			if set.conns[n] == nil {
				t.Fatalf("connector %q is nil", n)
			}
		}
	})
}

func TestExampleActionsFileParses(t *testing.T) {
	t.Setenv("VIGIL_FUZZ_KEY", "k")
	set, err := LoadFile("testdata/actions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.Names(), ","); got != "nac,nats,scim,smtp,syslog,ticket" {
		t.Errorf("connectors = %s", got)
	}
}
