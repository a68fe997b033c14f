package train

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-soc/vigil/internal/phish"
)

func TestROC(t *testing.T) {
	auc, tpr := roc([]float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4}, []int{1, 1, 0, 1, 0, 0})
	// pairs (pos>neg): 0.9 beats 3, 0.8 beats 3, 0.6 beats 2 → 8 of 9
	if math.Abs(auc-8.0/9) > 1e-12 || tpr != 2.0/3 {
		t.Errorf("auc %v tpr %v", auc, tpr)
	}
	if a, _ := roc([]float64{0.5, 0.5}, []int{1, 0}); a != 0.5 {
		t.Errorf("tie auc %v", a)
	}
}

func TestHospitalCorpusDeterministicAndSplit(t *testing.T) {
	a, b := HospitalCorpus(3), HospitalCorpus(3)
	if len(a) != len(b) || len(a) != 3*len(families()) {
		t.Fatalf("%d vs %d", len(a), len(b))
	}
	test, labels := map[bool]int{}, map[int]int{}
	for i := range a {
		if !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("%s differs between runs", a[i].Name)
		}
		if IsTest(a[i]) != IsTest(b[i]) {
			t.Fatal("split not deterministic")
		}
		test[IsTest(a[i])]++
		labels[a[i].Label]++
		if phish.Parse(a[i].Raw).From.Addr == "" {
			t.Errorf("%s: no sender", a[i].Name)
		}
	}
	if test[true] == 0 || test[false] == 0 || labels[0] == 0 || labels[1] == 0 {
		t.Errorf("split %v labels %v", test, labels)
	}
}

// TestCommittedModelIsReproducible retrains with the documented command's
// inputs and compares with internal/phish/model/model.json.
func TestCommittedModelIsReproducible(t *testing.T) {
	sa := filepath.Join(sharedData(t), "email", "spamassassin")
	if _, err := os.Stat(sa); err != nil {
		t.Skip("shared data not found")
	}
	samples, err := LoadSpamAssassin(sa)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := Train(append(samples, HospitalCorpus(30)...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	committed, err := phish.DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range phish.FeatureNames {
		if m.Weights[i] != committed.Weights[i] {
			t.Errorf("%s: retrained %v, committed %v (run vigil phish train)", n, m.Weights[i], committed.Weights[i])
		}
	}
	if m.Phish != committed.Phish || m.Suspicious != committed.Suspicious {
		t.Errorf("thresholds %v/%v vs %v/%v", m.Suspicious, m.Phish, committed.Suspicious, committed.Phish)
	}
}

func sharedData(tb testing.TB) string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}
