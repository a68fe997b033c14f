// Package archtest guards the import direction of Vigil's packages: domain
// packages never reach the API, the CLI, the wiring, NATS or the databases.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/vigil-soc/vigil/"

// rules: package pattern -> import prefixes it must never depend on
// (directly or transitively).
var rules = []struct {
	pkg       string
	forbidden []string
}{
	{mod + "sigma/...", []string{mod + "internal/", "github.com/nats-io/", "modernc.org/sqlite", "github.com/jackc/"}},
	{mod + "internal/detect/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/store", mod + "internal/pipeline", "github.com/nats-io/", "modernc.org/sqlite", "github.com/jackc/"}},
	{mod + "internal/event/...", []string{mod + "internal/", "github.com/nats-io/"}},
	{mod + "internal/finding/...", []string{mod + "internal/api", mod + "internal/store", mod + "internal/pipeline"}},
	{mod + "internal/ingest/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/store", mod + "internal/pipeline"}},
	{mod + "internal/store/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/pipeline", "github.com/nats-io/"}},
	{mod + "internal/pipeline/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/store"}},
	{mod + "internal/api/...", []string{mod + "internal/app", mod + "internal/pipeline", "github.com/nats-io/"}},
	{mod + "internal/respond/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/pipeline"}},
	{mod + "internal/incident/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/pipeline", "github.com/nats-io/", "modernc.org/sqlite", "github.com/jackc/"}},
	{mod + "internal/assist/...", []string{mod + "internal/api", mod + "internal/app", mod + "internal/pipeline", "github.com/nats-io/", "modernc.org/sqlite", "github.com/jackc/"}},
}

func TestImportDirection(t *testing.T) {
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", "-test=false", r.pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "matched no packages") {
				continue
			}
			t.Fatalf("go list %s: %v\n%s", r.pkg, err, out)
		}
		self := strings.TrimSuffix(r.pkg, "...")
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, self) || strings.HasPrefix(dep+"/", self) {
				continue
			}
			for _, f := range r.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s (forbidden: %s)", r.pkg, dep, f)
				}
			}
		}
	}
}
