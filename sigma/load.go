package sigma

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

// ParseFS parses every .yml and .yaml file under root in fsys (in lexical
// order) and returns all their documents. Files that fail are reported in the
// returned errors (one per file, each naming the file) and do not stop the
// others.
func ParseFS(fsys fs.FS, root string) (*Documents, []error) {
	all := &Documents{}
	var errs []error
	walkErr := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, errAt(p, 0, "%v", err))
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if ext := strings.ToLower(path.Ext(p)); ext != ".yml" && ext != ".yaml" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, errAt(p, 0, "%v", err))
			return nil
		}
		docs, err := Parse(data, p)
		all.Rules = append(all.Rules, docs.Rules...)
		all.Correlations = append(all.Correlations, docs.Correlations...)
		all.Filters = append(all.Filters, docs.Filters...)
		if err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	return all, errs
}

// ParsePlaceholders reads a placeholder configuration: a YAML mapping of
// placeholder name to a value or a list of values.
func ParsePlaceholders(data []byte, file string) (map[string][]string, error) {
	docs, err := parsePlaceholderYAML(data, file)
	if err != nil {
		return nil, err
	}
	if docs == nil {
		return nil, errors.New(file + ": empty placeholder configuration")
	}
	return docs, nil
}
