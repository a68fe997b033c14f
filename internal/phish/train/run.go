package train

import (
	"fmt"
	"os"
	"path/filepath"
)

// Run loads both corpora, trains, and writes the model to out (if not "").
func Run(opts Options, out string) (*Report, error) {
	if opts.PerFamily <= 0 {
		opts.PerFamily = 30
	}
	sa, err := LoadSpamAssassin(opts.SpamAssassin)
	if err != nil {
		return nil, err
	}
	samples := append(sa, HospitalCorpus(opts.PerFamily)...)
	m, rep, err := Train(samples, opts)
	if err != nil {
		return nil, err
	}
	if len(opts.SimDirs) > 0 {
		if rep.Sim, err = EvalSim(m, opts.SimDirs); err != nil {
			return nil, err
		}
	}
	if out != "" {
		b, err := m.Encode()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// DumpHospital writes the hospital-style corpus as .eml files under dir
// (benign/ and phish/), for inspection.
func DumpHospital(dir string, perFamily int) (int, error) {
	n := 0
	for _, s := range HospitalCorpus(perFamily) {
		sub := map[int]string{0: "benign", 1: "phish"}[s.Label]
		p := filepath.Join(dir, sub, s.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return n, err
		}
		if err := os.WriteFile(p, s.Raw, 0o644); err != nil {
			return n, fmt.Errorf("%s: %w", p, err)
		}
		n++
	}
	return n, nil
}
