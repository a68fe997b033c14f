package sigmarules

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// TestExplanationUsesPerLogsourceMapping: under the ECS pipeline the
// explanation quotes the values of fields that only a per-logsource map
// names (CommandLine → process.command_line for process_creation rules).
func TestExplanationUsesPerLogsourceMapping(t *testing.T) {
	d, err := New(Config{Paths: []string{"../../../sigma/testdata/ecs/proc_creation_win_whoami_all_execution.yml"},
		Pipeline: sigma.ECSPipeline()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../../sigma/testdata/ecs/sysmon_process_start.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() {
		t.Fatal("no event in test file")
	}
	ev := new(event.Event)
	if err := decode.NewSet().Decode(event.FormatAuto, sc.Bytes(), ev); err != nil {
		t.Fatal(err)
	}
	var got []finding.Finding
	d.Detect(context.Background(), ev, func(f finding.Finding) { got = append(got, f) })
	if len(got) != 1 {
		t.Fatalf("%d findings, want 1", len(got))
	}
	if !strings.Contains(got[0].Explanation, `CommandLine="whoami  /all"`) {
		t.Fatalf("explanation does not quote the mapped CommandLine: %s", got[0].Explanation)
	}
}
