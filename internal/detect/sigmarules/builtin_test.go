package sigmarules

import (
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/sigma"
)

// builtin:healthcare loads the embedded pack: the same rules as the directory.
func TestLoadBuiltinPack(t *testing.T) {
	cfg := sigma.Config{}
	emb, err := Load([]string{"builtin:healthcare"}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Load([]string{"../../../rules/healthcare"}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if emb.Ruleset.Len() == 0 || emb.Ruleset.Len() != dir.Ruleset.Len() || emb.Files != dir.Files ||
		len(emb.Correlations) != len(dir.Correlations) || emb.Failed() != 0 {
		t.Fatalf("embedded %d rules/%d files/%d corr/%d errors; directory %d/%d/%d", emb.Ruleset.Len(), emb.Files,
			len(emb.Correlations), emb.Failed(), dir.Ruleset.Len(), dir.Files, len(dir.Correlations))
	}
	_, err = Load([]string{"builtin:nope"}, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "healthcare") {
		t.Fatalf("unknown pack: %v", err)
	}
}
