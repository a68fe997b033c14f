package sigmarules

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/sigma"
)

// Loaded is the result of loading rule files: the compiled ruleset and every
// problem found, by file.
type Loaded struct {
	// Ruleset holds every rule that parsed and compiled.
	Ruleset *sigma.Ruleset
	// Parsed is the number of rule documents that parsed (correlations and
	// filters are not counted).
	Parsed int
	// Rules are the rules given to the compiler, meta filters applied.
	Rules []*sigma.Rule
	// Correlations are the correlation rules that parsed (not yet checked:
	// see sigma.NewCorrelator).
	Correlations []*sigma.Correlation
	// Errors are the parse and compile errors, each "file:line: reason".
	Errors []error
	// Files is the number of rule files read.
	Files int
	// Hash is a hex SHA-256 over the file names and contents read (in sorted
	// order) and the placeholder configuration, so two loads of the same
	// files give the same value.
	Hash string
}

// Failed is the number of rule documents that did not make it into the
// ruleset: parse errors plus compile errors.
func (l *Loaded) Failed() int { return len(l.Errors) }

// Total is Parsed plus the documents that failed to parse.
func (l *Loaded) Total() int { return l.Ruleset.Len() + l.Failed() }

// FailedFiles returns the names of the files that had an error, sorted and
// without duplicates.
func (l *Loaded) FailedFiles() []string {
	seen := map[string]bool{}
	var out []string
	for _, err := range l.Errors {
		var se *sigma.Error
		name := err.Error()
		if errors.As(err, &se) && se.File != "" {
			name = se.File
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Load reads every .yml/.yaml file under paths (files or directories, walked
// in lexical order), parses and compiles them with cfg. A broken rule file is
// reported in Loaded.Errors and skipped, so one bad rule never blocks the
// others; only I/O errors (a path that cannot be read) make Load fail.
// placeholders is the raw placeholder configuration, hashed into
// Loaded.Hash (nil if none).
func Load(paths []string, cfg sigma.Config, placeholders []byte) (*Loaded, error) {
	files, err := ruleFiles(paths)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(placeholders)
	var rules []*sigma.Rule
	var filters []*sigma.Filter
	out := &Loaded{Files: len(files)}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", f, len(data))
		h.Write(data)
		docs, err := sigma.Parse(data, f)
		rules = append(rules, docs.Rules...)
		filters = append(filters, docs.Filters...)
		out.Correlations = append(out.Correlations, docs.Correlations...)
		out.Errors = append(out.Errors, splitJoined(err)...)
	}
	out.Parsed = len(rules)
	rules, ferrs := sigma.ApplyFilters(rules, filters)
	out.Errors = append(out.Errors, ferrs...)
	out.Rules = rules
	rs, errs := sigma.Compile(rules, cfg)
	out.Ruleset = rs
	out.Errors = append(out.Errors, errs...)
	out.Hash = hex.EncodeToString(h.Sum(nil))
	return out, nil
}

// splitJoined turns an errors.Join result into its parts (nil into none).
func splitJoined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ruleFiles lists the rule files under paths: a file is taken as it is
// (whatever its extension), a directory contributes its .yml and .yaml files.
func ruleFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("sigma rules: no rule path given")
	}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if ext := strings.ToLower(filepath.Ext(path)); ext == ".yml" || ext == ".yaml" {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
	}
	return files, nil
}

// LoadPlaceholders reads a placeholder configuration file ("" gives none).
// It returns the parsed map and the raw bytes (for Loaded.Hash).
func LoadPlaceholders(file string) (map[string][]string, []byte, error) {
	if file == "" {
		return nil, nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("sigma placeholders: %w", err)
	}
	ph, err := sigma.ParsePlaceholders(data, file)
	if err != nil {
		return nil, nil, err
	}
	return ph, data, nil
}
