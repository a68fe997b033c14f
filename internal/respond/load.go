package respond

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// LoadFS parses every *.yaml / *.yml file under dir in fsys. Valid
// playbooks are returned; each invalid file yields one error (file, line,
// reason). The file names are prefixed with label.
func LoadFS(fsys fs.FS, dir, label string) ([]*Playbook, []error) {
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, []error{fmt.Errorf("%s: %w", label, err)}
	}
	sort.Strings(files)
	var pbs []*Playbook
	var errs []error
	for _, f := range files {
		name := path.Join(label, strings.TrimPrefix(strings.TrimPrefix(f, dir), "/"))
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, &PlaybookError{File: name, Line: 1, Reason: err.Error()})
			continue
		}
		pb, err := ParsePlaybook(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pbs = append(pbs, pb)
	}
	return pbs, errs
}

// LoadDir parses the playbooks in a directory of the file system.
func LoadDir(dir string) ([]*Playbook, []error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("playbooks: %w", err)}
	}
	if !fi.IsDir() {
		return nil, []error{errors.New("playbooks: " + dir + " is not a directory")}
	}
	return LoadFS(os.DirFS(dir), ".", dir)
}
