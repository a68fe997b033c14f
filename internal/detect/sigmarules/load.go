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

	"github.com/vigil-soc/vigil/rules"
	"github.com/vigil-soc/vigil/sigma"
)

// BuiltinPrefix names an embedded rule pack in a rule path:
// "builtin:healthcare" is the pack in rules/healthcare.
const BuiltinPrefix = "builtin:"

// ruleFile is one rule file, on disk (fsys nil) or in an embedded pack.
type ruleFile struct {
	name string
	fsys fs.FS
	path string // within fsys
}

func (f ruleFile) read() ([]byte, error) {
	if f.fsys == nil {
		return os.ReadFile(f.name)
	}
	return fs.ReadFile(f.fsys, f.path)
}

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
		data, err := f.read()
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", f.name, len(data))
		h.Write(data)
		docs, err := sigma.Parse(data, f.name)
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
// (whatever its extension), a directory contributes its .yml and .yaml
// files, "builtin:NAME" the files of an embedded pack.
func ruleFiles(paths []string) ([]ruleFile, error) {
	if len(paths) == 0 {
		return nil, errors.New("sigma rules: no rule path given")
	}
	var files []ruleFile
	for _, p := range paths {
		if name, ok := strings.CutPrefix(p, BuiltinPrefix); ok {
			pack, found := rules.Pack(name)
			if !found {
				return nil, fmt.Errorf("sigma rules: no built-in rule pack %q (have %s)", name,
					strings.Join(rules.Names(), ", "))
			}
			err := walkRules(pack, func(path string) {
				files = append(files, ruleFile{name: p + "/" + path, fsys: pack, path: path})
			})
			if err != nil {
				return nil, fmt.Errorf("sigma rules: %w", err)
			}
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
		if !st.IsDir() {
			files = append(files, ruleFile{name: p})
			continue
		}
		err = walkRules(os.DirFS(p), func(path string) {
			files = append(files, ruleFile{name: filepath.Join(p, filepath.FromSlash(path))})
		})
		if err != nil {
			return nil, fmt.Errorf("sigma rules: %w", err)
		}
	}
	return files, nil
}

// walkRules calls add with the slash path of every .yml/.yaml file of fsys,
// in lexical order.
func walkRules(fsys fs.FS, add func(path string)) error {
	return fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if ext := strings.ToLower(filepath.Ext(path)); ext == ".yml" || ext == ".yaml" {
				add(path)
			}
		}
		return nil
	})
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
